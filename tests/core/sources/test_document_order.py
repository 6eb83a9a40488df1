"""Every source hands over a document in its own key order: Powertools rules run in that order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AgentSource, AppConfigDataSource, FileSource, FlagClient, StaticSource
from appconfig_core._sources.base import Source
from tests.core.conftest import APP, ENV, PROFILE

#: The first rule matches premium customers; the second, every customer whose tier starts
#: with "p" (premium included). In document order premium gets True; sorted, False.
FEATURES: dict[str, Any] = {
    "checkout": {
        "default": False,
        "rules": {
            "z premium customers": {
                "when_match": True,
                "conditions": [{"action": "EQUALS", "key": "tier", "value": "premium"}],
            },
            "a tiers starting with p": {
                "when_match": False,
                "conditions": [{"action": "STARTSWITH", "key": "tier", "value": "p"}],
            },
        },
    }
}


@pytest.fixture(name="server")
def _server(write_profile: Callable[..., Path], served: Path) -> Iterator[Any]:
    from appconfig_core.devserver import DevServer

    write_profile(FEATURES)
    with DevServer(served, port=0, poll_interval=1) as server:
        yield server


def static(**_: Any) -> Source:
    return StaticSource(FEATURES)


def file(tmp_path: Path, **_: Any) -> Source:
    path = tmp_path / "flags.json"
    path.write_text(json.dumps(FEATURES))
    return FileSource(path)


def agent(server: Any, **_: Any) -> Source:
    return AgentSource(APP, ENV, PROFILE, url=server.url)


def appconfigdata(server: Any, make_boto_client: Callable[[str], Any], **_: Any) -> Source:
    return AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(server.url))


class TestDocumentOrder:
    @pytest.mark.parametrize("make", [static, file, agent, appconfigdata])
    def test_first_rule_in_the_document_wins(
        self,
        make: Callable[..., Source],
        server: Any,
        tmp_path: Path,
        make_boto_client: Callable[[str], Any],
    ) -> None:
        """A Powertools feature's rules are tried in document order whichever source served it."""
        source = make(server=server, tmp_path=tmp_path, make_boto_client=make_boto_client)
        with FlagClient(source, format="powertools") as client:
            assert client.status.ready
            evaluation = client.evaluate("checkout", {"tier": "premium"})
        assert (True, "TARGETING_MATCH") == (evaluation.value, evaluation.reason)

    def test_static_bytes_keep_their_order_too(self) -> None:
        """The JSON StaticSource sends is the document as written, keys unsorted."""
        content = StaticSource({"b": 1, "a": 2}).fetch().content
        assert content is not None and b'{"b": 1, "a": 2}' == content.data

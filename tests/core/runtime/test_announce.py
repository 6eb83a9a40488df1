"""One WARNING when a document holds targeted flags the source cannot evaluate per request.

A FeatureFlags profile read through AppConfigData arrives in the retrieval form, each
multi-variant flag reduced to the variant AppConfig chose (``_variant``), its rules left
behind; the Agent evaluates them per request, so only other sources warn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AgentSource, AppConfigDataSource, FlagClient
from tests.core.conftest import APP, ENV, PROFILE

FEATURE_FLAGS = f"{APP}:{ENV}:{PROFILE}.featureflags.json"


def stored(default_layout: str) -> dict[str, Any]:
    """A FeatureFlags stored document: ``layout`` targets staff, ``beta`` is a plain flag."""
    return {
        "version": "1",
        "flags": {
            "layout": {
                "name": "Layout",
                "attributes": {"kind": {"constraints": {"type": "string"}}},
            },
            "beta": {"name": "Beta"},
        },
        "values": {
            "layout": {
                "_variants": [
                    {
                        "name": "staff",
                        "enabled": True,
                        "rule": "(eq $is_staff true)",
                        "attributeValues": {"kind": "grid"},
                    },
                    {
                        "name": "everyone",
                        "enabled": True,
                        "attributeValues": {"kind": default_layout},
                    },
                ]
            },
            "beta": {"enabled": True},
        },
    }


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "whose rules" in r.getMessage()
    ]


@pytest.fixture(name="client_for")
def _client_for() -> Iterator[Callable[[Any], FlagClient]]:
    made: list[FlagClient] = []

    def make(source: Any) -> FlagClient:
        client = FlagClient(source)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


class TestThroughAppConfigData:
    def test_one_warning_per_version_naming_the_flag_and_the_way_out(
        self,
        devserver: Any,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
        client_for: Callable[[Any], FlagClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A targeted flag from a FeatureFlags profile warns once per version, naming the Agent."""
        caplog.set_level(logging.WARNING, "appconfig_core")
        write_profile(stored("list"), FEATURE_FLAGS)
        source = AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(devserver.url))
        client = client_for(source)
        loaded = threading.Event()
        client.on_change(lambda event: event.old is not None and loaded.set())
        assert client.start()
        assert client.evaluate("layout", {"is_staff": True}).variant == "everyone"  # not "staff"
        first = warnings(caplog)
        assert len(first) == 1
        assert "(layout)" in first[0]
        assert "Agent" in first[0]
        assert "stored form" in first[0]
        assert client.status.version is not None
        assert client.status.version in first[0]
        troubleshooting = Path(__file__).resolve().parents[3] / "docs" / "troubleshooting.md"
        assert first[0] in troubleshooting.read_text(encoding="utf-8"), "quote it as logged"

        write_profile(stored("carousel"), FEATURE_FLAGS)
        assert loaded.wait(10), "the new version never loaded"
        assert len(warnings(caplog)) == 2

    def test_a_profile_without_variants_is_quiet(
        self,
        devserver: Any,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
        client_for: Callable[[Any], FlagClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A FeatureFlags profile of plain on/off flags logs no such warning."""
        caplog.set_level(logging.WARNING, "appconfig_core")
        document = stored("list")
        del document["flags"]["layout"], document["values"]["layout"]
        write_profile(document, FEATURE_FLAGS)
        source = AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(devserver.url))
        assert client_for(source).start()
        assert warnings(caplog) == []


class TestThroughTheAgent:
    def test_the_agent_evaluates_them_so_it_is_quiet(
        self,
        served: Path,
        write_profile: Callable[..., Path],
        client_for: Callable[[Any], FlagClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """The same profile read through the Agent logs nothing: it evaluates per request."""
        from appconfig_core.devserver import DevServer

        caplog.set_level(logging.WARNING, "appconfig_core")
        write_profile(stored("list"), FEATURE_FLAGS)
        with DevServer(served, port=0) as server:
            client = client_for(AgentSource(APP, ENV, PROFILE, url=server.url))
            assert client.start()
            assert client.view({"is_staff": True}).variant("layout") == "staff"
        assert warnings(caplog) == []

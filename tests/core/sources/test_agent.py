"""AgentSource against the local server's AppConfig Agent API over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AgentSource, ConfigurationError, FlagClient, ResourceNotFoundError
from appconfig_core.errors import FetchError
from tests.core.conftest import APP, ENV, PROFILE

DOC = {"beta": {"enabled": True}}


@pytest.fixture(name="agent_server")
def _agent_server(served: Path, write_profile: Callable[..., Path]) -> Iterator[Any]:
    from appconfig_core.devserver import DevServer

    write_profile(DOC)
    with DevServer(served, port=0, agent_token="t0ken") as server:
        yield server


def source(server: Any, **kwargs: Any) -> AgentSource:
    kwargs.setdefault("token", "t0ken")
    return AgentSource(APP, ENV, PROFILE, url=server.url, **kwargs)


class TestAgentSource:
    def test_full_content_then_unchanged_by_comparison(self, agent_server: Any) -> None:
        """The first fetch returns the document; the same document again is "unchanged"."""
        agent = source(agent_server, poll_interval=2)
        first = agent.fetch()
        assert first.content is not None and b'"beta"' in first.content.data
        assert first.content.version
        assert (None, 2) == (agent.fetch().content, agent.fetch().next_poll)

    def test_change_is_new_content(
        self, agent_server: Any, write_profile: Callable[..., Path]
    ) -> None:
        """A changed document is new content with a new version."""
        agent = source(agent_server)
        first = agent.fetch().content
        write_profile({"beta": {"enabled": False}})
        second = agent.fetch().content
        assert first is not None and second is not None and first.version != second.version

    def test_wrong_token_says_what_to_do(self, agent_server: Any) -> None:
        """A refused bearer token is a FetchError pointing at ACCESS_TOKEN."""
        with pytest.raises(FetchError, match="ACCESS_TOKEN"):
            source(agent_server, token="wrong").fetch()

    def test_unknown_profile_is_not_found(self, agent_server: Any) -> None:
        """A profile the agent does not have is a ResourceNotFoundError, retried slowly."""
        agent = AgentSource(APP, ENV, "nope", url=agent_server.url, token="t0ken")
        with pytest.raises(ResourceNotFoundError) as info:
            agent.fetch()
        assert info.value.retry_after is not None and info.value.retry_after >= 60

    @pytest.mark.parametrize("kind", ["badgateway", "gatewaytimeout", "error500"])
    def test_agent_errors_are_fetch_errors(self, agent_server: Any, kind: str) -> None:
        """502, 504 and 500 from the agent are FetchErrors for the poller's backoff."""
        agent_server.inject(kind, operation="Agent")
        with pytest.raises(FetchError, match="HTTP 5") as info:
            source(agent_server).fetch()
        assert info.value.retry_after is None

    def test_slow_agent_times_out(self, agent_server: Any) -> None:
        """An agent slower than the timeout is a FetchError after about the timeout."""
        agent_server.inject("hang", operation="Agent", seconds=5)
        with pytest.raises(FetchError, match="no whole answer within 0.2s"):
            source(agent_server, timeout=0.2).fetch()

    def test_down_agent(self) -> None:
        """Nothing listening is a FetchError naming the address."""
        with pytest.raises(FetchError, match="127.0.0.1:9"):
            AgentSource(APP, ENV, PROFILE, url="http://127.0.0.1:9").fetch()

    @pytest.mark.parametrize(
        ("kwargs", "words"),
        [
            ({"url": "localhost:2772"}, "url"),
            ({"poll_interval": 0}, "poll_interval"),
            ({"timeout": 0}, "timeout"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], words: str) -> None:
        """Bad arguments raise at construction, naming the argument."""
        with pytest.raises(ConfigurationError, match=words):
            AgentSource(APP, ENV, PROFILE, **kwargs)


VARIANTS: dict[str, Any] = {
    "version": "1",
    "flags": {"banner": {"name": "Banner"}},
    "values": {
        "banner": {
            "_variants": [
                {"name": "gold", "enabled": True, "rule": '(eq $plan "gold")'},
                {"name": "standard", "enabled": False},
            ]
        }
    },
}


class TestAgentVariantReasons:
    @pytest.mark.parametrize(
        ("context", "expected"),
        [
            ({"plan": "silver"}, ("standard", "DEFAULT")),
            ({}, ("standard", "DEFAULT")),
            ({"plan": "gold"}, ("gold", "TARGETING_MATCH")),
        ],
    )
    def test_default_variant_is_reported_as_default(
        self,
        agent_server: Any,
        write_profile: Callable[..., Path],
        context: dict[str, str],
        expected: tuple[str, str],
    ) -> None:
        """The variant the agent gives when no rule matches has reason DEFAULT, a match TARGETING_MATCH."""
        write_profile(VARIANTS, name=f"{APP}:{ENV}:variants.featureflags.json")
        agent = AgentSource(APP, ENV, "variants", url=agent_server.url, token="t0ken")
        with FlagClient(agent) as client:
            evaluation = client.view(context).evaluate("banner")
        assert expected == (evaluation.variant, evaluation.reason)

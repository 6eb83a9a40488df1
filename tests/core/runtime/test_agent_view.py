"""Per-request evaluation by the AppConfig Agent: header encoding, the resolver, the view."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import (
    AgentSource,
    ConfigurationError,
    Evaluation,
    FlagClient,
    FlagsView,
    Snapshot,
    StaticSource,
)
from appconfig_core._formats.retrieval import compile_retrieval
from appconfig_core._runtime.agent_view import (
    AgentResolver,
    agent_evaluated,
    encode_context,
    resolver_for,
)
from appconfig_core.devserver import DevServer

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {
        "banner": {"name": "Banner", "attributes": {"color": {"constraints": {"type": "string"}}}},
        "plain": {"name": "Plain"},
    },
    "values": {
        "plain": {"enabled": True},
        "banner": {
            "_variants": [
                {
                    "name": "gold",
                    "enabled": True,
                    "rule": '(eq $plan "gold")',
                    "attributeValues": {"color": "yellow"},
                },
                {"name": "staff", "enabled": True, "rule": "(eq $is_staff true)"},
                {"name": "standard", "enabled": False},
            ]
        },
    },
}


def agent_snapshot(document: Mapping[str, Any], version: str = "1") -> Snapshot:
    """A snapshot of a retrieval-form document, as the poller builds it from the agent."""
    return Snapshot(
        document=document,
        flags=compile_retrieval(document, version=version),
        defaults={},
        version=version,
        content_type="application/json",
        loaded_at=datetime.now(timezone.utc),
    )


AGENT_DOC = {
    "plain": {"enabled": True},
    "banner": {"enabled": False, "_variant": "standard"},
    "tiers": {"enabled": True, "size": 1, "_variant": "small"},
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    """A local server whose Agent API evaluates `STORED` per request."""
    (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(STORED))
    (tmp_path / "shop:test:notes.json").write_text(json.dumps({"motd": "hi"}))
    with DevServer(tmp_path) as running:
        yield running


@pytest.fixture
def trickling_agent() -> Iterator[str]:
    """An agent that answers with a whole, valid document, one byte every 50 ms (5 s or more)."""
    body = json.dumps({"banner": {"enabled": True, "_variant": "gold"}}).encode() + b" " * 60
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    answer = head % len(body) + body
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                for byte in answer:
                    if stop.wait(0.05):
                        return
                    connection.sendall(bytes([byte]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()
    thread.join(timeout=5)


def agent_source(server: DevServer, profile: str = "flags", **kwargs: Any) -> AgentSource:
    return AgentSource("shop", "test", profile, url=server.url, **kwargs)


def agent_calls(server: DevServer) -> int:
    return sum(1 for record in server.requests if record.operation == "Agent")


class TestEncodeContext:
    def test_scalars_become_key_value_pairs(self) -> None:
        """Strings, numbers and booleans are sent as comma-separated key=value pairs."""
        context = {"plan": "gold", "age": 42, "ratio": 0.5, "is_staff": True, "beta": False}
        assert "plan=gold,age=42,ratio=0.5,is_staff=true,beta=false" == encode_context(context)

    @pytest.mark.parametrize(
        "value", ["a,b", "a=b", "Zoë", "line\nbreak", None, ["beta"], {"x": 1}]
    )
    def test_values_the_header_cannot_carry_are_dropped(self, value: Any) -> None:
        """Values with , = non-printable-ASCII characters, and non-scalars, are left out."""
        assert "plan=gold" == encode_context({"plan": "gold", "other": value})

    @pytest.mark.parametrize("key", ["a,b", "a=b", "", "naïve"])
    def test_keys_the_header_cannot_carry_are_dropped(self, key: str) -> None:
        """Keys with , = or characters outside printable ASCII are left out."""
        assert "plan=gold" == encode_context({key: "x", "plan": "gold"})

    def test_empty_context_sends_no_header(self) -> None:
        """An empty (or fully dropped) context encodes to None: no Context header at all."""
        assert encode_context({}) is None
        assert encode_context({"groups": ["a", "b"]}) is None

    def test_dropped_keys_are_logged_by_name_at_debug(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A dropped key is named in a DEBUG record that never shows its value."""
        with caplog.at_level(logging.DEBUG, logger="appconfig_core"):
            encode_context({"email": "a=b@example.com"})
        assert ["DEBUG"] == [record.levelname for record in caplog.records]
        assert "email" in caplog.text
        assert "example.com" not in caplog.text


class TestAgentEvaluated:
    def test_only_flags_with_variant_marker(self) -> None:
        """Flags the agent marked with _variant are agent-evaluated; others and missing are not."""
        snap = agent_snapshot(AGENT_DOC)
        assert (True, False, False) == (
            agent_evaluated(snap, "banner"),
            agent_evaluated(snap, "plain"),
            agent_evaluated(snap, "missing"),
        )


class TestAgentResolver:
    def test_two_contexts_get_two_variants(self, server: DevServer) -> None:
        """The agent evaluates the variant for each context it is sent."""
        resolver = AgentResolver(agent_source(server))
        snap = agent_snapshot(AGENT_DOC)
        gold = resolver.resolve(snap, {"plan": "gold"})["banner"]
        staff = resolver.resolve(snap, {"is_staff": True})["banner"]
        assert ("gold", True, {"color": "yellow"}) == (
            gold.variant,
            gold.enabled,
            dict(gold.attributes),
        )
        assert ("staff", True) == (staff.variant, staff.enabled)
        assert "TARGETING_MATCH" == gold.reason

    def test_answers_only_agent_evaluated_flags(self, server: DevServer) -> None:
        """Basic flags are not in the answer: the snapshot already has them right."""
        answers = AgentResolver(agent_source(server)).resolve(agent_snapshot(AGENT_DOC), {})
        assert ["banner"] == sorted(answers)
        assert "standard" == answers["banner"].variant

    def test_version_comes_from_the_agent(self, server: DevServer) -> None:
        """An evaluation carries the Configuration-Version the agent answered with."""
        answers = AgentResolver(agent_source(server)).resolve(agent_snapshot(AGENT_DOC, "x"), {})
        assert "1" == answers["banner"].version

    def test_agent_down_gives_no_answers(
        self, server: DevServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        """With the agent unreachable the resolver answers nothing and logs at DEBUG only."""
        resolver = AgentResolver(agent_source(server))
        server.stop()
        with caplog.at_level(logging.DEBUG, logger="appconfig_core"):
            assert {} == dict(resolver.resolve(agent_snapshot(AGENT_DOC), {"plan": "gold"}))
        assert {"DEBUG"} == {record.levelname for record in caplog.records}

    @pytest.mark.parametrize("kind", ["error500", "corrupt", "badgateway"])
    def test_bad_answers_give_no_answers(self, server: DevServer, kind: str) -> None:
        """An HTTP error or a corrupt body falls back to the snapshot (no answers, no raise)."""
        server.inject(kind, operation="Agent")
        resolver = AgentResolver(agent_source(server))
        assert {} == dict(resolver.resolve(agent_snapshot(AGENT_DOC), {"plan": "gold"}))

    def test_non_flag_document_gives_no_answers(self, server: DevServer) -> None:
        """A free-form answer that is not the retrieval form falls back to the snapshot."""
        resolver = AgentResolver(agent_source(server, "notes"))
        assert {} == dict(resolver.resolve(agent_snapshot(AGENT_DOC), {}))

    def test_hanging_agent_is_cut_off_by_the_timeout(self, server: DevServer) -> None:
        """A hanging agent costs at most the resolver's short timeout, not the source's."""
        server.inject("hang", operation="Agent")
        resolver = AgentResolver(agent_source(server, timeout=10.0), timeout=0.2)
        started = time.monotonic()
        assert {} == dict(resolver.resolve(agent_snapshot(AGENT_DOC), {}))
        assert time.monotonic() - started < 5.0

    def test_trickling_agent_is_cut_off_by_the_timeout(self, trickling_agent: str) -> None:
        """An agent sending its answer a byte at a time is cut off at the timeout overall."""
        source = AgentSource("shop", "test", "flags", url=trickling_agent, timeout=10.0)
        resolver = AgentResolver(source, timeout=0.3)
        started = time.monotonic()
        assert {} == dict(resolver.resolve(agent_snapshot(AGENT_DOC), {"plan": "gold"}))
        assert time.monotonic() - started < 2.0

    def test_token_is_sent(self, tmp_path: Path) -> None:
        """The source's bearer token is sent with the per-request call."""
        (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(STORED))
        with DevServer(tmp_path, agent_token="s3cret") as server:
            good = AgentResolver(agent_source(server, token="s3cret"))
            bad = AgentResolver(agent_source(server, token="wrong"))
            snap = agent_snapshot(AGENT_DOC)
            assert "gold" == good.resolve(snap, {"plan": "gold"})["banner"].variant
            assert {} == dict(bad.resolve(snap, {"plan": "gold"}))

    def test_a_raising_context_gives_no_answers(self, server: DevServer) -> None:
        """A context mapping that raises while being encoded does not escape the resolver."""

        class Broken(Mapping[str, Any]):
            def __getitem__(self, key: str) -> Any:
                raise RuntimeError("database down")

            def __iter__(self) -> Iterator[str]:
                return iter(["user_id"])

            def __len__(self) -> int:
                return 1

        assert {} == dict(
            AgentResolver(agent_source(server)).resolve(agent_snapshot(AGENT_DOC), Broken())
        )

    def test_timeout_must_be_positive(self, server: DevServer) -> None:
        """A timeout of zero is a ConfigurationError naming the value."""
        with pytest.raises(ConfigurationError, match="timeout must be > 0"):
            AgentResolver(agent_source(server), timeout=0)


class FakeResolver:
    """Answers `banner` with a fixed evaluation and counts calls."""

    def __init__(self, answers: Mapping[str, Evaluation] | None = None) -> None:
        self.calls: list[Mapping[str, Any]] = []
        self.answers = (
            answers
            if answers is not None
            else {
                "banner": Evaluation("banner", True, True, variant="gold", reason="TARGETING_MATCH")
            }
        )

    def applies(self, snapshot: Snapshot, name: str) -> bool:
        return agent_evaluated(snapshot, name)

    def resolve(self, snapshot: Snapshot, context: Mapping[str, Any]) -> Mapping[str, Evaluation]:
        self.calls.append(dict(context))
        return self.answers


class TestFlagsViewWithResolver:
    def test_resolver_answers_agent_evaluated_flags_once(self) -> None:
        """The first read of an agent-evaluated flag resolves once, with the view's context."""
        resolver = FakeResolver()
        view = FlagsView(agent_snapshot(AGENT_DOC), {"plan": "gold"}, resolver=resolver)
        assert "gold" == view.variant("banner")
        assert view.is_enabled("banner")
        assert "small" == view.variant("tiers")
        assert [{"plan": "gold"}] == resolver.calls

    def test_reading_only_basic_flags_makes_no_call(self) -> None:
        """A view that reads no agent-evaluated flag never calls the resolver."""
        resolver = FakeResolver()
        view = FlagsView(agent_snapshot(AGENT_DOC), {"plan": "gold"}, resolver=resolver)
        assert view.is_enabled("plain")
        assert not view.is_enabled("missing")
        assert [] == resolver.calls

    def test_missing_answer_falls_back_to_the_snapshot(self) -> None:
        """A flag the resolver did not answer gets the snapshot's evaluation."""
        resolver = FakeResolver({})
        view = FlagsView(agent_snapshot(AGENT_DOC), {"plan": "gold"}, resolver=resolver)
        assert ("standard", False) == (view.variant("banner"), view.is_enabled("banner"))
        assert view.is_enabled("banner") is False
        assert 1 == len(resolver.calls)

    def test_context_function_is_built_once_for_both(self) -> None:
        """The lazy context is built once and shared by the resolver and local evaluation."""
        built: list[int] = []

        def context() -> Mapping[str, Any]:
            built.append(1)
            return {"plan": "gold"}

        view = FlagsView(agent_snapshot(AGENT_DOC), context, resolver=FakeResolver())
        view.evaluate("banner")
        view.evaluate("plain")
        assert [1] == built

    def test_evaluated_lists_the_resolved_evaluation(self) -> None:
        """`evaluated` shows the resolver's answer, for panels and logs."""
        view = FlagsView(agent_snapshot(AGENT_DOC), {}, resolver=FakeResolver())
        view.evaluate("banner")
        assert "gold" == view.evaluated["banner"].variant


class TestClientView:
    def test_only_the_agent_source_gets_a_resolver(self, server: DevServer) -> None:
        """An agent source is answered per context; any other source is not."""
        assert isinstance(resolver_for(agent_source(server)), AgentResolver)
        assert resolver_for(StaticSource({"plain": {"enabled": True}})) is None

    def test_other_sources_get_plain_views(self) -> None:
        """A client that does not read the agent gives views answered from its snapshot."""
        with FlagClient(StaticSource({"plain": {"enabled": True}})) as client:
            view = client.view({"plan": "gold"})
            assert view.is_enabled("plain")
            assert not view.pending_io

    def test_end_to_end_through_a_client(self, server: DevServer) -> None:
        """A started client's views get per-context variants with one agent call each."""
        with FlagClient(agent_source(server, poll_interval=3600.0)) as client:
            before = agent_calls(server)
            gold = client.view({"plan": "gold"})
            other = client.view({"plan": "silver"})
            assert ("gold", "standard") == (gold.variant("banner"), other.variant("banner"))
            gold.value("banner", "color")
            assert 2 == agent_calls(server) - before
            client.view({"plan": "gold"}).is_enabled("plain")
            assert 2 == agent_calls(server) - before

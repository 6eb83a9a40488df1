"""Flask end to end: multi-variant flags the local server's Agent API evaluates per request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from appconfig_core.devserver import DevServer
from flask_appconfig import AppConfigFlags, current_flags

from .conftest import stored

DOCUMENT = stored(
    {
        "beta": {
            "_variants": [
                {"name": "pros", "enabled": True, "rule": '(eq $plan "pro")'},
                {"name": "rest", "enabled": False},
            ]
        },
        "checkout": {
            "_variants": [
                {"name": "new", "enabled": True, "rule": '(eq $user_id "alice")'},
                {"name": "old", "enabled": False},
            ]
        },
        "banner": {"enabled": True, "color": "red"},
    }
)


def request_context() -> dict[str, Any]:
    """The user and plan the test sends in the query string."""
    return {"user_id": request.args.get("user", ""), "plan": request.args.get("plan", "")}


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[DevServer]:
    """The local server with `DOCUMENT` as a FeatureFlags profile."""
    (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(DOCUMENT))
    with DevServer(tmp_path) as server:
        yield server


@pytest.fixture
def app(agent: DevServer) -> Iterator[Flask]:
    """An app reading the agent, with views reading agent-evaluated, basic and no flags."""
    app = Flask(__name__)
    app.config.update(
        APPCONFIG_SOURCE="agent",
        APPCONFIG_APPLICATION="shop",
        APPCONFIG_ENVIRONMENT="test",
        APPCONFIG_PROFILE="flags",
        APPCONFIG_AGENT_URL=agent.url,
        APPCONFIG_POLL_INTERVAL=3600,
        APPCONFIG_CONTEXT=request_context,
    )
    extension = AppConfigFlags(app)

    @app.get("/beta")
    def beta() -> ResponseReturnValue:
        return jsonify(
            enabled=current_flags.is_enabled("beta"),
            variant=current_flags.variant("beta"),
            again=current_flags["beta"],
            checkout=current_flags.variant("checkout"),
        )

    @app.get("/banner")
    def banner() -> ResponseReturnValue:
        return jsonify(color=current_flags.value("banner", "color"))

    @app.get("/none")
    def none() -> ResponseReturnValue:
        return jsonify(ok=True)

    @app.get("/async-beta")
    async def async_beta() -> ResponseReturnValue:
        return jsonify(variant=current_flags.variant("beta"))

    client = extension.get_client(app)
    assert client.start(), "the client did not load the agent's flags"
    yield app
    client.close()


def agent_calls(server: DevServer) -> int:
    return sum(1 for record in server.requests if record.operation == "Agent")


class TestAgentVariants:
    def test_two_users_get_two_variants(self, app: Flask) -> None:
        """Two requests with different contexts get the variants the agent picks for each."""
        http = app.test_client()
        alice = http.get("/beta?user=alice&plan=pro").get_json()
        bob = http.get("/beta?user=bob&plan=free").get_json()
        assert (True, "pros", "new") == (alice["enabled"], alice["variant"], alice["checkout"])
        assert (False, "rest", "old") == (bob["enabled"], bob["variant"], bob["checkout"])

    def test_one_agent_call_per_request_that_reads_such_flags(
        self, app: Flask, agent: DevServer
    ) -> None:
        """Two agent-evaluated flags, read several times in one request, cost one agent call."""
        http = app.test_client()
        before = agent_calls(agent)
        http.get("/beta?user=alice&plan=pro")
        assert 1 == agent_calls(agent) - before
        http.get("/beta?user=bob")
        assert 2 == agent_calls(agent) - before

    @pytest.mark.parametrize("url", ["/banner", "/none"])
    def test_no_agent_call_for_requests_reading_no_such_flag(
        self, app: Flask, agent: DevServer, url: str
    ) -> None:
        """A request reading only basic flags, or none, makes no agent call."""
        before = agent_calls(agent)
        assert 200 == app.test_client().get(url).status_code
        assert 0 == agent_calls(agent) - before

    def test_agent_down_serves_the_snapshot(self, app: Flask, agent: DevServer) -> None:
        """With the agent gone, a pro user gets the snapshot's variant and no error."""
        agent.stop()
        response = app.test_client().get("/beta?user=alice&plan=pro")
        assert 200 == response.status_code
        body = response.get_json()
        assert (False, "rest", "old") == (body["enabled"], body["variant"], body["checkout"])

    def test_agent_error_serves_the_snapshot(self, app: Flask, agent: DevServer) -> None:
        """An agent answering 502 for the per-request call leaves the snapshot's variant."""
        agent.inject("badgateway", operation="Agent")
        assert "rest" == app.test_client().get("/beta?plan=pro").get_json()["variant"]

    def test_async_view_gets_its_variant(self, app: Flask) -> None:
        """An async view reads the variant the agent picks for its request."""
        assert "pros" == app.test_client().get("/async-beta?plan=pro").get_json()["variant"]

    def test_outside_a_request_reads_the_snapshot(self, app: Flask, agent: DevServer) -> None:
        """Outside a request (empty context) no agent call is made: the snapshot is exact."""
        before = agent_calls(agent)
        with app.app_context():
            assert "rest" == current_flags.variant("beta")
        assert 0 == agent_calls(agent) - before

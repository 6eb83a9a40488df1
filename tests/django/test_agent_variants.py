"""Django end to end: multi-variant flags the local server's Agent API evaluates per request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, JsonResponse
from django.urls import path

from appconfig_core.devserver import DevServer
from django_appconfig import get_client
from django_appconfig._client import reset_client

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {
        "vip": {"name": "VIP", "attributes": {"tier": {"constraints": {"type": "string"}}}},
        "members": {"name": "Members"},
        "plain": {"name": "Plain"},
    },
    "values": {
        "plain": {"enabled": True},
        "vip": {
            "_variants": [
                {
                    "name": "staff",
                    "enabled": True,
                    "rule": "(eq $is_staff true)",
                    "attributeValues": {"tier": "gold"},
                },
                {"name": "everyone", "enabled": False},
            ]
        },
        "members": {
            "_variants": [
                {"name": "signed-in", "enabled": True, "rule": "(eq $is_authenticated true)"},
                {"name": "anonymous", "enabled": False},
            ]
        },
    },
}


def vip_view(request: HttpRequest) -> JsonResponse:
    flags = request.flags  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "vip": flags.is_enabled("vip"),
            "variant": flags.variant("vip"),
            "tier": flags.value("vip", "tier"),
            "again": flags["vip"],
            "members": flags.variant("members"),
            "plain": flags["plain"],
        }
    )


def plain_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"plain": request.flags["plain"]})  # type: ignore[attr-defined]


def no_flags_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


async def async_vip_view(request: HttpRequest) -> JsonResponse:
    flags = request.flags  # type: ignore[attr-defined]
    waited_before = flags.pending_io
    return JsonResponse({"variant": flags.variant("vip"), "pending_io": waited_before})


urlpatterns = [
    path("vip/", vip_view),
    path("plain/", plain_view),
    path("none/", no_flags_view),
    path("async-vip/", async_vip_view),
]


@pytest.fixture
def agent(tmp_path: Path, settings: Any) -> Iterator[DevServer]:
    """The process client reading a local Agent API; this module's views as the URLconf."""
    (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(STORED))
    with DevServer(tmp_path) as server:
        settings.ROOT_URLCONF = __name__
        settings.APPCONFIG = {
            "SOURCE": "agent",
            "APPLICATION": "shop",
            "ENVIRONMENT": "test",
            "PROFILE": "flags",
            "AGENT_URL": server.url,
            "POLL_INTERVAL": 3600,
            "START_TIMEOUT": 5.0,
        }
        assert get_client().status.ready
        yield server
        reset_client()


def agent_calls(server: DevServer) -> int:
    return sum(1 for record in server.requests if record.operation == "Agent")


@pytest.fixture
def users(django_user_model: Any) -> dict[str, Any]:
    """A staff user and a regular user."""
    return {
        "alice": django_user_model.objects.create_user("alice", is_staff=True),
        "bob": django_user_model.objects.create_user("bob"),
    }


@pytest.mark.django_db
class TestAgentVariants:
    def test_the_client_uses_the_agent_resolver(self, agent: DevServer) -> None:
        """With SOURCE "agent" request views ask the agent for per-context variants."""
        view = get_client().view({"is_staff": True})
        assert view.pending_io
        before = agent_calls(agent)
        assert "staff" == view.variant("vip")
        assert 1 == agent_calls(agent) - before

    def test_two_users_get_two_variants(
        self, agent: DevServer, client: Any, users: dict[str, Any]
    ) -> None:
        """A staff user and a regular user get the variants the agent picks for each."""
        client.force_login(users["alice"])
        alice = client.get("/vip/").json()
        client.force_login(users["bob"])
        bob = client.get("/vip/").json()
        assert (True, "staff", "gold", "signed-in") == (
            alice["vip"],
            alice["variant"],
            alice["tier"],
            alice["members"],
        )
        assert (False, "everyone", None, "signed-in") == (
            bob["vip"],
            bob["variant"],
            bob["tier"],
            bob["members"],
        )

    def test_one_agent_call_per_request_that_reads_such_flags(
        self, agent: DevServer, client: Any, users: dict[str, Any]
    ) -> None:
        """Reading two agent-evaluated flags several times in a request makes one agent call."""
        client.force_login(users["alice"])
        before = agent_calls(agent)
        client.get("/vip/")
        assert 1 == agent_calls(agent) - before
        client.get("/vip/")
        assert 2 == agent_calls(agent) - before

    @pytest.mark.parametrize("url", ["/plain/", "/none/"])
    def test_no_agent_call_for_requests_reading_no_such_flag(
        self, agent: DevServer, client: Any, url: str
    ) -> None:
        """A request reading only basic flags, or none, makes no agent call."""
        before = agent_calls(agent)
        assert 200 == client.get(url).status_code
        assert 0 == agent_calls(agent) - before

    def test_agent_down_serves_the_snapshot(
        self, agent: DevServer, client: Any, users: dict[str, Any]
    ) -> None:
        """With the agent gone, a staff user gets the snapshot's variant and no error."""
        client.force_login(users["alice"])
        agent.stop()
        body = client.get("/vip/").json()
        assert (False, "everyone", "anonymous", True) == (
            body["vip"],
            body["variant"],
            body["members"],
            body["plain"],
        )

    def test_agent_error_serves_the_snapshot(
        self, agent: DevServer, client: Any, users: dict[str, Any]
    ) -> None:
        """An agent answering 500 for the per-request call leaves the snapshot's variant."""
        client.force_login(users["alice"])
        agent.inject("error500", operation="Agent")
        assert "everyone" == client.get("/vip/").json()["variant"]

    def test_async_view_gets_the_users_variant(
        self, agent: DevServer, async_client: Any, users: dict[str, Any]
    ) -> None:
        """An async view under the async middleware gets the variant for its user too."""
        from .conftest import async_get

        async_client.force_login(users["alice"])
        answer = async_get(async_client, "/async-vip/").json()
        assert ("staff", False) == (answer["variant"], answer["pending_io"]), (
            "the agent was asked before the view ran, off the event loop"
        )

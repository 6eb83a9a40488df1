"""The /_devserver/ control surface, driven over HTTP as another process would."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from appconfig_core.devserver import DevServer, Fault

AGENT_PATH = "/applications/shop/environments/prod/configurations/settings"


def call(server: DevServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


class TestControlSurface:
    def test_post_fault_applies_to_the_next_request(self, server: DevServer) -> None:
        """POST /_devserver/faults queues a fault that the next API request suffers."""
        status, created = call(
            server, "POST", "/_devserver/faults", {"kind": "badgateway", "count": 1}
        )
        assert status == 201
        assert created == {"kind": "badgateway", "count": 1, "operation": None, "seconds": 0.0}
        assert call(server, "GET", AGENT_PATH)[0] == 502
        assert call(server, "GET", AGENT_PATH)[0] == 200

    def test_bad_fault_is_400(self, server: DevServer) -> None:
        """A fault with an unknown kind is refused with 400 and the reason."""
        status, body = call(server, "POST", "/_devserver/faults", {"kind": "meteor"})
        assert status == 400
        assert "meteor" in body

    def test_get_lists_pending_faults(self, server: DevServer) -> None:
        """GET /_devserver/faults lists what is pending."""
        server.inject("throttle", 3, operation="Agent")
        assert call(server, "GET", "/_devserver/faults") == (
            200,
            [{"kind": "throttle", "count": 3, "operation": "Agent", "seconds": 0.0}],
        )

    def test_delete_clears_faults(self, server: DevServer) -> None:
        """DELETE /_devserver/faults drops every pending fault."""
        server.inject("error500", 5)
        assert call(server, "DELETE", "/_devserver/faults")[0] == 204
        assert server.faults == []

    def test_requests_are_listed_as_json(self, server: DevServer) -> None:
        """GET /_devserver/requests returns the API requests, not control ones."""
        call(server, "GET", AGENT_PATH)
        status, records = call(server, "GET", "/_devserver/requests")
        assert status == 200
        assert records == [
            {
                "operation": "Agent",
                "method": "GET",
                "path": AGENT_PATH,
                "status": 200,
                "token": None,
                "next_token": None,
            }
        ]

    def test_delete_requests_resets_the_log(self, server: DevServer) -> None:
        """DELETE /_devserver/requests empties the request log."""
        call(server, "GET", AGENT_PATH)
        assert call(server, "DELETE", "/_devserver/requests")[0] == 204
        assert server.requests == []

    def test_invalidate_tokens_endpoint(self, server: DevServer, monkeypatch: Any) -> None:
        """POST /_devserver/invalidate-tokens calls invalidate_tokens()."""
        seen: list[bool] = []
        monkeypatch.setattr(server, "invalidate_tokens", lambda: seen.append(True))
        assert call(server, "POST", "/_devserver/invalidate-tokens")[0] == 204
        assert seen == [True]

    def test_faults_ignore_the_control_surface(self, server: DevServer) -> None:
        """Pending faults never hit control requests."""
        server.add_fault(Fault("error500"))
        assert call(server, "GET", "/_devserver/faults")[0] == 200

    @pytest.mark.parametrize("path", ["/_devserver/nothing", "/_devserver/"])
    def test_unknown_control_path_is_404(self, server: DevServer, path: str) -> None:
        """An unknown control endpoint answers 404."""
        assert call(server, "GET", path)[0] == 404

"""The opt-in health endpoint: JSON status, 503 until the flags are loaded."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

from flask import Flask

from appconfig_core import FlagClient, StaticSource
from flask_appconfig import AppConfigFlags

from .conftest import TIMEOUT, serve


class TestHealth:
    def test_off_by_default(self, app: Flask) -> None:
        """Without APPCONFIG_HEALTH_URL no route is added."""
        assert "appconfig_health" not in app.view_functions

    def test_ready_is_200_json(self, make_app: Callable[..., Flask]) -> None:
        """A loaded client answers 200 with its status as JSON, not cached."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        response = app.test_client().get("/-/flags")
        assert response.status_code == 200
        assert response.json is not None
        assert (response.json["ready"], response.json["origin"]) == (True, "file")
        assert response.headers["Cache-Control"] == "no-store"

    def test_not_ready_is_503(self) -> None:
        """A client with nothing loaded answers 503."""
        client = FlagClient(StaticSource(b"{", content_type="application/json"), start_timeout=1)
        app = Flask(__name__)
        app.config["APPCONFIG_HEALTH_URL"] = "/health"
        AppConfigFlags(app, client=client)
        response = app.test_client().get("/health")
        client.close()
        assert response.status_code == 503
        assert response.json is not None
        assert response.json["ready"] is False

    def test_over_http(self, make_app: Callable[..., Flask]) -> None:
        """Through a real server the endpoint answers JSON."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        with (
            serve(app) as url,
            urllib.request.urlopen(f"{url}/-/flags", timeout=TIMEOUT) as response,
        ):
            assert response.headers["Content-Type"] == "application/json"
            assert json.loads(response.read())["ready"] is True

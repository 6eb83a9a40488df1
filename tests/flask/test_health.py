"""The opt-in health endpoint: JSON status, 503 until the flags are loaded."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from appconfig_core import FlagClient, StaticSource
from appconfig_core.integration import unconfigured_report
from flask_appconfig import AppConfigFlags
from tests.support import wait_until

from .conftest import TIMEOUT, serve

#: The fields of the one status payload every health endpoint and status command gives.
STATUS_KEYS = set(unconfigured_report("x").body)


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
        assert STATUS_KEYS == set(response.json)
        assert (response.json["health"], response.json["ready"]) == ("ok", True)
        assert response.json["origin"] == "file"
        assert response.headers["Cache-Control"] == "no-store"

    def test_degraded_is_still_200(self, make_app: Callable[..., Flask], flags_file: Path) -> None:
        """A failing source with the last good flags served is degraded, and still 200."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        client = app.extensions["appconfig"].get_client(app)
        client.start()
        flags_file.write_text("{broken")
        assert wait_until(lambda: client.status.health == "degraded", TIMEOUT)
        response = app.test_client().get("/-/flags")
        assert response.json is not None
        assert (200, "degraded") == (response.status_code, response.json["health"])

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
        assert STATUS_KEYS == set(response.json)
        assert (response.json["health"], response.json["ready"]) == ("unavailable", False)

    def test_over_http(self, make_app: Callable[..., Flask]) -> None:
        """Through a real server the endpoint answers JSON."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        with (
            serve(app) as url,
            urllib.request.urlopen(f"{url}/-/flags", timeout=TIMEOUT) as response,
        ):
            assert response.headers["Content-Type"] == "application/json"
            assert json.loads(response.read())["ready"] is True

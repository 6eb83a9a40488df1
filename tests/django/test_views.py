"""The health view ``django_appconfig.views.status``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from appconfig_core.integration import unconfigured_report
from django_appconfig import get_client
from tests.support import wait_until

from .conftest import WAIT, FlagsFile

#: The fields of the one status payload every health endpoint and status command gives.
STATUS_KEYS = set(unconfigured_report("x").body)

pytestmark = pytest.mark.django_db


class TestStatusView:
    def test_ready(self, flags_file: FlagsFile, client: Client) -> None:
        """With flags loaded the view answers 200 with the version and where it came from."""
        response = client.get("/health/flags")
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        body = response.json()
        assert STATUS_KEYS == set(body)
        assert body["health"] == "ok"
        assert body["rejected"] is None
        assert body["ready"] is True
        assert body["origin"] == "file"
        assert body["version"]
        assert body["last_error"] is None
        assert body["age_seconds"] >= 0

    def test_not_ready_is_503(self, tmp_path: Path, client: Client, settings: object) -> None:
        """Before any flags are loaded the view answers 503 with the last error."""
        path = tmp_path / "flags.json"
        path.write_text("{not json")
        settings.APPCONFIG = {  # type: ignore[attr-defined]
            "SOURCE": "file",
            "FILE": str(path),
            "START_TIMEOUT": 5.0,
        }
        response = client.get("/health/flags")
        assert response.status_code == 503
        body = response.json()
        assert body["ready"] is False
        assert "DocumentError" in body["last_error"]

    def test_degraded_is_still_200(self, flags_file: FlagsFile, client: Client) -> None:
        """A failing source with last good flags served is degraded, and still 200."""
        get_client()
        flags_file.path.write_text("{broken")
        assert wait_until(lambda: get_client().status.health == "degraded", WAIT)
        response = client.get("/health/flags")
        assert (200, "degraded") == (response.status_code, response.json()["health"])

    def test_settings_error_has_the_same_keys(self, client: Client, settings: object) -> None:
        """Invalid settings answer 503 with every key of the normal body and the reason."""
        settings.APPCONFIG = {"SOURCE": "file"}  # type: ignore[attr-defined]
        response = client.get("/health/flags")
        body = response.json()
        assert (503, STATUS_KEYS) == (response.status_code, set(body))
        assert ("unavailable", False) == (body["health"], body["ready"])
        assert "APPCONFIG.FILE" in body["last_error"]

    def test_only_safe_methods(self, flags_file: FlagsFile, client: Client) -> None:
        """The health view refuses POST."""
        assert client.post("/health/flags").status_code == 405

"""The health view ``django_appconfig.views.status``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


class TestStatusView:
    def test_ready(self, flags_file: FlagsFile, client: Client) -> None:
        """With flags loaded the view answers 200 with the version and where it came from."""
        response = client.get("/health/flags")
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        body = response.json()
        assert body["ready"] is True
        assert body["origin"] == "network"
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

    def test_only_safe_methods(self, flags_file: FlagsFile, client: Client) -> None:
        """The health view refuses POST."""
        assert client.post("/health/flags").status_code == 405

"""Usage through a running app: the health payload, ``appconfig-flags usage`` and ``flask appconfig usage``."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable

import pytest
from flask import Flask

from appconfig_core._cli import main
from appconfig_core.integration import fetch_usage
from flask_appconfig import current_flags
from tests.support import free_port

from .conftest import serve


@pytest.fixture(name="served_app")
def _served_app(make_app: Callable[..., Flask]) -> Flask:
    """An app that reports usage at /-/flags and reads two flags, one misspelt, at /page."""
    app = make_app(APPCONFIG_HEALTH_URL="/-/flags", APPCONFIG_REPORT_USAGE=True)

    @app.route("/page")
    def page() -> str:
        return f"{current_flags.is_enabled('banner')} {current_flags.is_enabled('bannr')}"

    return app


class TestHealthPayload:
    def test_reads_of_the_serving_process(self, served_app: Flask) -> None:
        """The health endpoint's usage counts the app's reads, never-read flags and unknown names."""
        with serve(served_app) as base:
            client = served_app.test_client()
            for _ in range(3):
                client.get("/page")
            usage = fetch_usage(f"{base}/-/flags")
        assert 3 == usage["flags"]["banner"]["reads"]
        assert ["beta", "old"] == usage["never_read"]
        assert ["bannr"] == usage["not_in_document"]

    def test_an_app_without_report_usage_says_so(self, make_app: Callable[..., Flask]) -> None:
        """fetch_usage names the setting to turn on when the payload has no usage."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        with serve(app) as base, pytest.raises(Exception, match="APPCONFIG_REPORT_USAGE"):
            fetch_usage(f"{base}/-/flags")


class TestCommands:
    def test_standalone_usage_reads_a_running_app(self, served_app: Flask) -> None:
        """appconfig-flags usage --url prints a line per flag and exits 1 for an unknown name."""
        served_app.test_client().get("/page")
        out = io.StringIO()
        with serve(served_app) as base, contextlib.redirect_stdout(out):
            code = main(["usage", "--url", f"{base}/-/flags"])
        text = out.getvalue()
        assert 1 == code
        assert "not in the document: bannr" in text
        assert "never read: beta, old" in text

    def test_standalone_usage_exit_2_when_nobody_answers(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An address nothing listens on is a usage error (exit 2), one line on stderr."""
        assert 2 == main(["usage", "--url", f"http://127.0.0.1:{free_port()}/-/flags"])
        assert "did not answer" in capsys.readouterr().err

    def test_flask_usage_json_from_url(self, served_app: Flask) -> None:
        """flask appconfig usage --url --json prints the usage section as JSON."""
        served_app.test_client().get("/page")
        with serve(served_app) as base:
            result = served_app.test_cli_runner().invoke(
                args=["appconfig", "usage", "--url", f"{base}/-/flags", "--json"]
            )
        assert 1 == result.exit_code
        assert ["bannr"] == json.loads(result.output)["not_in_document"]

    def test_flask_usage_of_its_own_process(self, make_app: Callable[..., Flask]) -> None:
        """Without --url the command says its counts are its own, and finds nothing unknown."""
        app = make_app()
        result = app.test_cli_runner().invoke(args=["appconfig", "usage"])
        assert 0 == result.exit_code
        assert result.output.startswith("# reads of this command's own process only")
        assert "never read: beta, banner, old" in result.output

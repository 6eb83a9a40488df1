"""The flags page blueprint (`flask_appconfig.flags_page_blueprint`) through the test client."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask import Flask, request

from flask_appconfig import flags_page_blueprint


def plan_context() -> dict[str, str | None]:
    return {"plan": request.args.get("plan")}


@pytest.fixture(name="make_page_app")
def _make_page_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    def make(allow: Callable[[], object] | None = None, **config: object) -> Flask:
        app = make_app(APPCONFIG_CONTEXT=plan_context, **config)
        app.register_blueprint(flags_page_blueprint(allow=allow), url_prefix="/-/flags")
        return app

    return make


def row(html: str, flag: str) -> str:
    found = re.search(rf'<tr data-flag="{flag}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {flag}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()


class TestAccess:
    def test_denied_by_default(self, make_page_app: Callable[..., Flask]) -> None:
        """Without an allow function, an app not in debug mode answers 403."""
        assert make_page_app().test_client().get("/-/flags/").status_code == 403

    def test_shown_in_debug_mode(self, make_page_app: Callable[..., Flask]) -> None:
        """Without an allow function, an app in debug mode shows the page, never cached."""
        app = make_page_app()
        app.debug = True
        response = app.test_client().get("/-/flags/")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"

    def test_the_allow_function_decides(self, make_page_app: Callable[..., Flask]) -> None:
        """The allow function runs in the request and decides, whatever the debug mode."""
        app = make_page_app(allow=lambda: request.headers.get("X-Role") == "admin")
        client = app.test_client()
        assert client.get("/-/flags/", headers={"X-Role": "admin"}).status_code == 200
        assert client.get("/-/flags/").status_code == 403

    def test_an_allow_function_that_raises_denies(
        self, make_page_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """A failing allow function means 403 and one logged error, not a 500."""

        def broken() -> bool:
            raise KeyError("role")

        app = make_page_app(allow=broken)
        assert app.test_client().get("/-/flags/").status_code == 403
        assert any(r.levelno == logging.ERROR for r in caplog.records)


class TestContent:
    def test_rows_in_document_order_for_this_viewer(
        self, make_page_app: Callable[..., Flask]
    ) -> None:
        """Every flag in document order, with what this request's context gets and why."""
        app = make_page_app(allow=lambda: True)
        html = app.test_client().get("/-/flags/?plan=pro").get_data(as_text=True)
        assert re.findall(r'<tr data-flag="([^"]+)">', html) == ["beta", "banner", "old"]
        assert "variant pros" in row(html, "beta")
        assert "TARGETING_MATCH" in row(html, "beta")
        assert "color = red" in row(html, "banner")
        assert '<span id="health">ok</span>' in html

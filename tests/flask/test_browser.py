"""Flags for the browser in Flask: ``flags_json()`` and the JSON route, through the test client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, render_template_string

from appconfig_core import ConfigurationError
from flask_appconfig import AppConfigFlags

from .conftest import stored, write_document

ALLOWED = {"banner": ["color"], "beta": None}
PAGE = "<main>{{ flags_json() }}{{ flags_json('other-id') }}</main>"


@pytest.fixture(name="browser_app")
def _browser_app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(APPCONFIG_BROWSER_FLAGS=ALLOWED, APPCONFIG_BROWSER_FLAGS_URL="/-/flags.json")
    app.add_url_rule("/page", "page", lambda: render_template_string(PAGE))
    return app


def script_payloads(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html)
    return {element_id: json.loads(text) for element_id, text in found}


class TestRoute:
    def test_allowed_flags_as_json(self, browser_app: Flask) -> None:
        """The route answers the allowed flags and attributes for this request, never cached."""
        response = browser_app.test_client().get("/-/flags.json")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.json is not None
        assert response.json["flags"] == {
            "banner": {"enabled": True, "variant": None, "attributes": {"color": "red"}},
            "beta": {"enabled": False, "variant": "rest", "attributes": {}},
        }

    def test_answers_for_the_requests_context(self, make_app: Callable[..., Flask]) -> None:
        """The context function's answer decides the variant, as it does for the pages."""
        app = make_app(
            APPCONFIG_BROWSER_FLAGS=["beta"],
            APPCONFIG_BROWSER_FLAGS_URL="/-/flags.json",
            APPCONFIG_CONTEXT=lambda: {"plan": "pro"},
        )
        body = app.test_client().get("/-/flags.json").json
        assert body is not None
        assert body["flags"]["beta"] == {"enabled": True, "variant": "pros", "attributes": {}}

    def test_no_route_unless_asked(self, make_app: Callable[..., Flask]) -> None:
        """Without a URL, or without flags to send, no route is registered."""
        for config in (
            {"APPCONFIG_BROWSER_FLAGS": ALLOWED},
            {"APPCONFIG_BROWSER_FLAGS_URL": "/-/flags.json"},
        ):
            app = make_app(**config)
            assert "appconfig_browser_flags" not in app.view_functions

    def test_bad_url_is_refused(self) -> None:
        """A URL that is not a path is E009 at init_app."""
        app = Flask("bad_url")
        app.config.update(
            APPCONFIG_SOURCE="file", APPCONFIG_FILE=__file__, APPCONFIG_BROWSER_FLAGS_URL="flags"
        )
        with pytest.raises(ConfigurationError, match=r"\[E009\] APPCONFIG_BROWSER_FLAGS_URL"):
            AppConfigFlags(app)


class TestJinjaGlobal:
    def test_embeds_the_same_payload(self, browser_app: Flask) -> None:
        """``flags_json()`` embeds what the route serves, under the default or a given id."""
        client = browser_app.test_client()
        payloads = script_payloads(client.get("/page").get_data(as_text=True))
        assert set(payloads) == {"appconfig-flags", "other-id"}
        assert payloads["appconfig-flags"] == client.get("/-/flags.json").json
        assert payloads["other-id"] == payloads["appconfig-flags"]

    def test_markup_cannot_close_the_element(
        self, make_app: Callable[..., Flask], flags_file: Any
    ) -> None:
        """An attribute holding ``</script>`` is escaped, so it cannot end the element early."""
        write_document(flags_file, stored({"banner": {"enabled": True, "color": "</script>x"}}))
        app = make_app(APPCONFIG_BROWSER_FLAGS={"banner": ["color"]})
        app.add_url_rule("/page", "page", lambda: render_template_string(PAGE))
        html = app.test_client().get("/page").get_data(as_text=True)
        assert "</script>x" not in html
        banner = script_payloads(html)["appconfig-flags"]["flags"]["banner"]
        assert banner["attributes"] == {"color": "</script>x"}

"""Rollouts for anonymous visitors in Flask: the signed visitor cookie, through the test client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify

from flask_appconfig import current_flags

from .conftest import DOCUMENT, stored, write_document


def rollout_document(rule: str) -> dict[str, Any]:
    values = {name: DOCUMENT["values"][name] for name in DOCUMENT["values"]}
    values["rollout"] = {
        "_variants": [
            {"name": "in", "enabled": True, "rule": rule},
            {"name": "out", "enabled": False},
        ]
    }
    return stored(values)


def variant_view() -> Any:
    return jsonify(rollout=current_flags.variant("rollout"), banner=current_flags["banner"])


@pytest.fixture(name="visitor_app")
def _visitor_app(make_app: Callable[..., Flask], flags_file: Path) -> Callable[..., Flask]:
    def make(rule: str = '(split pct::100 by::$targeting_key seed::"r")', **config: Any) -> Flask:
        write_document(flags_file, rollout_document(rule))
        app = make_app(SECRET_KEY="tests", **config)
        app.add_url_rule("/variant", "variant", variant_view)
        app.add_url_rule("/banner", "banner", lambda: jsonify(on=current_flags["banner"]))
        return app

    return make


class TestVisitorCookie:
    def test_issued_when_a_rule_reads_it(self, visitor_app: Callable[..., Flask]) -> None:
        """An anonymous visitor reaching a split by ``$targeting_key`` gets a signed key cookie."""
        response = visitor_app().test_client().get("/variant")
        assert response.json is not None and response.json["rollout"] == "in"
        cookie = response.headers["Set-Cookie"]
        value = cookie.split(";")[0].partition("=")[2]
        key, _, signature = value.partition(".")
        assert len(key) == 22 and signature
        assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Cookie" in response.headers["Vary"]

    def test_sent_once_then_reused(self, visitor_app: Callable[..., Flask]) -> None:
        """The next request of the same browser reuses the key and sets no new cookie."""
        client = visitor_app().test_client()
        client.get("/variant")
        assert "Set-Cookie" not in client.get("/variant").headers

    def test_not_issued_when_no_rule_reads_it(self, visitor_app: Callable[..., Flask]) -> None:
        """A page whose flags ignore the visitor sets no cookie."""
        response = visitor_app().test_client().get("/banner")
        assert "Set-Cookie" not in response.headers

    def test_split_is_stable_per_browser_and_spreads_visitors(
        self, visitor_app: Callable[..., Flask]
    ) -> None:
        """Each browser keeps its side of a 50% split; different browsers land on both sides."""
        app = visitor_app('(split pct::50 by::$targeting_key seed::"r")')
        browsers = [app.test_client() for _ in range(40)]

        def variants() -> list[str]:
            return [browser.get("/variant").json["rollout"] for browser in browsers]  # type: ignore[index]

        first = variants()
        assert variants() == first
        assert set(first) == {"in", "out"}

    def test_forged_cookie_is_replaced(self, visitor_app: Callable[..., Flask]) -> None:
        """A key without a valid signature (chosen by hand) is replaced by a new random one."""
        client = visitor_app().test_client()
        client.set_cookie("appconfig_visitor", "A" * 22)
        cookie = client.get("/variant").headers["Set-Cookie"]
        assert not cookie.startswith("appconfig_visitor=" + "A" * 22)

    def test_turned_off(self, visitor_app: Callable[..., Flask]) -> None:
        """``APPCONFIG_VISITOR_COOKIE = None``: no cookie; anonymous visitors are outside splits."""
        response = visitor_app(APPCONFIG_VISITOR_COOKIE=None).test_client().get("/variant")
        assert response.json is not None and response.json["rollout"] == "out"
        assert "Set-Cookie" not in response.headers

"""Forcing variants in Flask tests: ``_variant`` in overrides, and `AppConfigFlags.force_variant`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from flask import Flask, jsonify, request

from flask_appconfig import current_flags

Override = Callable[[Mapping[str, Any]], None]


def context() -> dict[str, Any]:
    return {"plan": request.args.get("plan"), "is_staff": request.args.get("staff") == "1"}


@pytest.fixture(name="app")
def _app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(APPCONFIG_CONTEXT=context)

    @app.route("/variant/<name>")
    def variant(name: str) -> Any:
        evaluation = current_flags.evaluate(name)
        return jsonify(variant=evaluation.variant, enabled=evaluation.enabled)

    return app


def variant_of(app: Flask, query: str = "") -> Any:
    return app.test_client().get(f"/variant/beta?{query}").get_json()


class TestOverrideWithVariant:
    def test_the_fixture_sets_the_variant(self, app: Flask, override_flags: Override) -> None:
        """``"_variant"`` through the ``override_flags`` fixture is the request's variant."""
        override_flags({"beta": {"enabled": True, "_variant": "pros"}})
        assert variant_of(app) == {"variant": "pros", "enabled": True}


class TestForceVariantFixture:
    def test_forces_for_the_test(self, app: Flask, force_variant: Callable[..., None]) -> None:
        """The ``force_variant`` fixture answers the variant to matching requests only."""
        force_variant("beta", "pros", when=lambda ctx: ctx["is_staff"])
        assert variant_of(app, "staff=1")["variant"] == "pros"
        assert variant_of(app)["variant"] == "rest"


class TestForceVariant:
    def test_only_matching_requests_get_the_variant(self, app: Flask) -> None:
        """A staff request gets the forced variant; the others keep the document's rules."""
        extension = app.extensions["appconfig"]
        with extension.force_variant("beta", "pros", when=lambda ctx: ctx["is_staff"], app=app):
            staff, pro, other = (
                variant_of(app, "staff=1"),
                variant_of(app, "plan=pro"),
                variant_of(app),
            )
        assert staff == {"variant": "pros", "enabled": True}
        assert pro == {"variant": "pros", "enabled": True}
        assert other == {"variant": "rest", "enabled": False}

    def test_restored_on_exit(self, app: Flask) -> None:
        """Leaving the block gives staff the document's answer again."""
        with app.extensions["appconfig"].force_variant("beta", "pros", app=app):
            assert variant_of(app)["variant"] == "pros"
        assert variant_of(app, "staff=1")["variant"] == "rest"

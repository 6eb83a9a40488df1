"""QA overrides in Flask through the test client: opt-in, permitted requests only, one browser."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, jsonify, request
from flask.testing import FlaskClient

from flask_appconfig import current_flags

FORCE_ON = "/flag?appconfig_flag_old=on"


def header_permission() -> bool:
    """A permission function: requests with ``X-QA: yes`` may carry overrides."""
    return request.headers.get("X-QA") == "yes"


def flag_view() -> Any:
    evaluation = current_flags.evaluate("old")
    return jsonify(
        enabled=evaluation.enabled,
        reason=evaluation.reason,
        overridden=sorted(current_flags.overrides),
    )


@pytest.fixture(name="qa_app")
def _qa_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        app = make_app(SECRET_KEY="tests", **config)
        app.add_url_rule("/flag", "flag", flag_view)
        return app

    return make


def enabled(client: FlaskClient, path: str = "/flag", **kwargs: Any) -> bool:
    body = client.get(path, **kwargs).json
    assert body is not None
    return bool(body["enabled"])


class TestOff:
    def test_off_by_default(self, qa_app: Callable[..., Flask]) -> None:
        """Without the setting the parameter does nothing, even in debug mode."""
        app = qa_app()
        app.debug = True
        response = app.test_client().get(FORCE_ON)
        assert response.json is not None and response.json["enabled"] is False
        assert "appconfig_overrides" not in response.headers.get("Set-Cookie", "")

    def test_not_outside_debug(self, qa_app: Callable[..., Flask]) -> None:
        """With ``True`` an app not in debug mode admits nobody."""
        client = qa_app(APPCONFIG_OVERRIDES=True).test_client()
        assert enabled(client, FORCE_ON) is False


class TestDebug:
    def test_parameter_sets_a_signed_sticky_cookie(self, qa_app: Callable[..., Flask]) -> None:
        """In debug mode the parameter forces the flag, now and on this browser's next requests."""
        app = qa_app(APPCONFIG_OVERRIDES=True)
        app.debug = True
        client = app.test_client()
        response = client.get(FORCE_ON)
        assert response.json == {"enabled": True, "reason": "OVERRIDE", "overridden": ["old"]}
        set_cookie = response.headers["Set-Cookie"]
        assert set_cookie.startswith("appconfig_overrides=old:on.")
        assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
        assert "Secure" not in set_cookie
        assert "Cookie" in response.headers["Vary"]
        assert enabled(client) is True
        assert enabled(app.test_client()) is False

    def test_secure_request_gets_a_secure_cookie(self, qa_app: Callable[..., Flask]) -> None:
        """Over HTTPS the cookie is marked Secure."""
        app = qa_app(APPCONFIG_OVERRIDES=True)
        app.debug = True
        response = app.test_client().get(FORCE_ON, base_url="https://localhost")
        assert "Secure" in response.headers["Set-Cookie"]

    def test_forged_cookie_is_ignored_with_one_warning(
        self, qa_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """An unsigned cookie counts for nothing, logs one WARNING, and is deleted."""
        app = qa_app(APPCONFIG_OVERRIDES=True)
        app.debug = True
        client = app.test_client()
        client.set_cookie("appconfig_overrides", "old:on")
        with caplog.at_level(logging.WARNING):
            response = client.get("/flag")
        assert response.json is not None and response.json["enabled"] is False
        assert response.headers["Set-Cookie"].startswith("appconfig_overrides=;")
        assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1

    def test_clear(self, qa_app: Callable[..., Flask]) -> None:
        """``clear`` forgets the flag and deletes the cookie."""
        app = qa_app(APPCONFIG_OVERRIDES=True)
        app.debug = True
        client = app.test_client()
        client.get(FORCE_ON)
        response = client.get("/flag?appconfig_flag_old=clear")
        assert response.json is not None and response.json["reason"] == "STATIC"
        assert response.headers["Set-Cookie"].startswith("appconfig_overrides=;")

    def test_no_secret_key_no_overrides(self, make_app: Callable[..., Flask]) -> None:
        """Without a SECRET_KEY nothing can be signed: overrides are ignored, not unsigned."""
        app = make_app(APPCONFIG_OVERRIDES=True)
        app.debug = True
        app.add_url_rule("/flag", "flag", flag_view)
        response = app.test_client().get(FORCE_ON)
        assert response.json is not None and response.json["enabled"] is False
        assert "Set-Cookie" not in response.headers


class TestPermissionFunction:
    @pytest.mark.parametrize("setting", [header_permission, f"{__name__}.header_permission"])
    def test_function_decides(self, qa_app: Callable[..., Flask], setting: Any) -> None:
        """A function (or its dotted path) admits exactly the requests it says."""
        client = qa_app(APPCONFIG_OVERRIDES=setting).test_client()
        assert enabled(client, FORCE_ON) is False
        assert enabled(client, FORCE_ON, headers={"X-QA": "yes"}) is True
        assert enabled(client) is False
        assert enabled(client, headers={"X-QA": "yes"}) is True

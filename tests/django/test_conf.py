"""The APPCONFIG accessor, the caches the setting_changed receiver clears, and what requests
serve when the settings are wrong (servers such as gunicorn run no system checks)."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client, override_settings

from django_appconfig import conf
from django_appconfig._context import user_context

from .conftest import FlagsFile


def tenant_context(request: object) -> Mapping[str, Any]:
    return {"tenant": "acme"}


def broken_context(request: object) -> Mapping[str, Any]:
    raise LookupError("no tenant")


def list_context(request: object) -> list[str]:
    return ["acme"]


class TestGetConfig:
    def test_merged_over_defaults(self) -> None:
        """Unset keys take the documented defaults, adapter keys included."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": "x.json"}):
            config = conf.get_config()
        assert config["FILE"] == "x.json"
        assert config["START_TIMEOUT"] == 5.0
        assert config["FORMAT"] == "auto"
        assert config["CONTEXT"] is None
        assert config["CLIENT"] is None

    def test_override_settings_takes_effect(self) -> None:
        """A changed APPCONFIG is seen at once and the old value comes back afterwards."""
        before = conf.get_config()["FILE"]
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": "other.json"}):
            assert conf.get_config()["FILE"] == "other.json"
        assert conf.get_config()["FILE"] == before


class TestContextFunction:
    def test_default_is_the_user_context_with_auth(self) -> None:
        """With django.contrib.auth installed the default context is the user's."""
        assert conf.get_context_function() is user_context

    def test_none_without_auth(self) -> None:
        """Without django.contrib.auth there is no default context function."""
        with override_settings(INSTALLED_APPS=["django_appconfig"]):
            assert conf.get_context_function() is None
        assert conf.get_context_function() is user_context

    def test_context_setting_wins(self) -> None:
        """CONTEXT names the function to use instead."""
        dotted = f"{__name__}.tenant_context"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": dotted}):
            function = conf.get_context_function()
        assert function is not None
        assert function.__wrapped__ is tenant_context  # type: ignore[attr-defined]
        assert {"tenant": "acme"} == function(object())


class TestRequestsWithBadSettings:
    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("DEFAULTS", ["beta"]),
            ("CONTEXT", "os.sep"),
            ("CACHE_PATH", 5),
            ("START_TIMEOUT", math.nan),
            ("POLL_INTERVAL", "30"),
            ("FILE", "."),
            ("AGENT_URL", "localhost:2772"),
            ("REGION", 5),
            ("CLIENT", "os.sep"),
        ],
    )
    def test_pages_serve_defaults_and_health_says_why(
        self, flags_file: FlagsFile, client: Client, settings: Any, key: str, value: object
    ) -> None:
        """A bad value renders pages with every flag at its default, and the health view
        answers 503 naming the key, instead of a 500 on every request."""
        assert "NEW CHECKOUT" in client.get("/page/").content.decode()
        settings.APPCONFIG = {**settings.APPCONFIG, key: value}
        page = client.get("/page/")
        health = client.get("/health/flags")
        assert (200, 503) == (page.status_code, health.status_code)
        assert "OLD CHECKOUT" in page.content.decode()
        assert f"APPCONFIG.{key}" in health.json()["last_error"]

    def test_appconfig_not_a_dict(self, client: Client, settings: Any) -> None:
        """An APPCONFIG that is not a dict fails no request either."""
        settings.APPCONFIG = ["SOURCE", "file"]
        assert 200 == client.get("/page/").status_code
        health = client.get("/health/flags")
        assert 503 == health.status_code
        assert "APPCONFIG: must be a dict of settings, not list" in health.json()["last_error"]

    @pytest.mark.parametrize(
        ("function", "logged"),
        [("broken_context", "raised"), ("list_context", "returned list, not a dict")],
    )
    def test_failing_context_function_gives_an_empty_context(
        self,
        flags_file: FlagsFile,
        client: Client,
        settings: Any,
        caplog: pytest.LogCaptureFixture,
        function: str,
        logged: str,
    ) -> None:
        """A context function that raises or returns a non-dict leaves pages at 200 with an
        empty context, and is logged once for all requests."""
        settings.APPCONFIG = {**settings.APPCONFIG, "CONTEXT": f"{__name__}.{function}"}
        with caplog.at_level(logging.ERROR):
            responses = [client.get("/context/") for _ in range(3)]
        assert [200, 200, 200] == [r.status_code for r in responses]
        assert [] == responses[0].json()["context_keys"]
        assert 200 == client.get("/health/flags").status_code
        assert 1 == caplog.text.count(f"context function {function} {logged}")

"""The APPCONFIG accessor and the caches the setting_changed receiver clears."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.test import override_settings

from django_appconfig import conf
from django_appconfig._context import user_context


def tenant_context(request: object) -> Mapping[str, Any]:
    return {"tenant": "acme"}


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
            assert conf.get_context_function() is tenant_context

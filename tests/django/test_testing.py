"""``override_flags`` and the ``flags`` pytest fixture."""

from __future__ import annotations

import pytest
from django.test import Client, SimpleTestCase, override_settings

from django_appconfig import get_client
from django_appconfig.pytest_plugin import FlagOverrides
from django_appconfig.testing import override_flags, static_client

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


class TestOverrideFlags:
    def test_context_manager(self, flags_file: FlagsFile, client: Client) -> None:
        """Inside the block views, templates, decorators and get_client see the override."""
        with override_flags({"new_checkout": False, "dark_mode": {"enabled": True}}):
            assert get_client().is_enabled("new_checkout") is False
            assert client.get("/checkout/").status_code == 404
            html = client.get("/page/").content.decode()
            assert "OLD CHECKOUT" in html
            assert "DARK" in html
        assert get_client().is_enabled("new_checkout") is True
        assert client.get("/checkout/").status_code == 200

    def test_nesting_restores_each_level(self, flags_file: FlagsFile) -> None:
        """Nested overrides restore the outer one on exit."""
        client = get_client()
        with override_flags({"dark_mode": True}):
            with override_flags({"dark_mode": False}):
                assert client.is_enabled("dark_mode") is False
            assert client.is_enabled("dark_mode") is True
        assert client.is_enabled("dark_mode") is False

    def test_function_decorator(self, flags_file: FlagsFile) -> None:
        """As a decorator the override holds during the call only."""

        @override_flags({"dark_mode": True})
        def read() -> bool:
            return get_client().is_enabled("dark_mode")

        assert read() is True
        assert get_client().is_enabled("dark_mode") is False

    def test_attributes_are_seen_by_templates(self, flags_file: FlagsFile, client: Client) -> None:
        """An override with attributes feeds ``flag_value``."""
        with override_flags({"new_checkout": {"enabled": True, "color": "blue"}}):
            assert "color=blue" in client.get("/page/").content.decode()


@override_settings(APPCONFIG={"CLIENT": "django_appconfig.testing.static_client"})
@override_flags({"beta": True})
class TestClassDecorator(SimpleTestCase):
    """``override_flags`` on a TestCase class applies to each test of it."""

    def test_sees_the_override(self) -> None:
        """A test of a decorated class sees the flag on, with no flags source at all."""
        assert get_client().is_enabled("beta")


class TestStaticClient:
    def test_empty_and_never_fetches(self) -> None:
        """``static_client`` serves an empty document: flags come from overrides alone."""
        client = static_client()
        try:
            assert client.start() is True
            assert client.snapshot().flag_names == frozenset()
        finally:
            client.close()


class TestFlagsFixture:
    def test_installed_as_a_pytest_plugin(self, pytestconfig: pytest.Config) -> None:
        """The package's pytest11 entry point loads the plugin, so no conftest import is needed."""
        from django_appconfig import pytest_plugin

        assert pytestconfig.pluginmanager.get_plugin("django_appconfig") is pytest_plugin

    def test_set_and_item(self, flags_file: FlagsFile, flags: FlagOverrides) -> None:
        """``flags.set`` and ``flags[name] =`` force flags for the rest of the test."""
        flags.set({"dark_mode": True})
        flags["new_checkout"] = False
        assert get_client().is_enabled("dark_mode") is True
        assert flags.client.is_enabled("new_checkout") is False

    def test_undone_at_teardown(self, flags_file: FlagsFile) -> None:
        """Leaving the fixture's scope removes every override it set."""
        from django_appconfig import pytest_plugin

        generator = pytest_plugin.flags.__wrapped__()  # type: ignore[attr-defined]
        overrides = next(generator)
        overrides.set({"dark_mode": True})
        assert get_client().is_enabled("dark_mode") is True
        with pytest.raises(StopIteration):
            next(generator)
        assert get_client().is_enabled("dark_mode") is False

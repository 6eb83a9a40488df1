"""``override_flags``, the ``appconfig_flags`` pytest fixture, and the plugin in an
environment without Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, SimpleTestCase, override_settings

from appconfig_core import UnknownFlagError
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


class TestStrictMode:
    """Under override_flags an unknown name raises, so a test suite catches typos."""

    def test_a_misspelt_read_raises_under_an_override(
        self, flags_file: FlagsFile, client: Client
    ) -> None:
        """A view reading a misspelt flag fails the request while override_flags is active."""
        with override_flags({"new_checkout": True}), pytest.raises(UnknownFlagError) as raised:
            client.get("/flag/new_chekout/")
        assert ("new_chekout", ("new_checkout",)) == (raised.value.name, raised.value.suggestions)
        assert client.get("/flag/new_chekout/").status_code == 200  # outside: a warning only

    def test_a_misspelt_override_raises(self, flags_file: FlagsFile) -> None:
        """Forcing a name the document lacks raises, naming the close match."""
        overriding = override_flags({"dark_mdoe": True})
        with pytest.raises(UnknownFlagError, match="did you mean 'dark_mode'"):
            overriding.enable()

    def test_the_fixture_is_strict_too(
        self, flags_file: FlagsFile, appconfig_flags: FlagOverrides
    ) -> None:
        """The appconfig_flags fixture makes reads strict once it forces a flag."""
        appconfig_flags.set({"dark_mode": True})
        with pytest.raises(UnknownFlagError):
            appconfig_flags.client.is_enabled("dark_mdoe")

    def test_defaults_declare_flags_not_deployed_yet(
        self, flags_file: FlagsFile, settings: Any
    ) -> None:
        """A name in DEFAULTS may be forced and read in strict mode."""
        settings.APPCONFIG = {**settings.APPCONFIG, "DEFAULTS": {"next_big_thing": False}}
        with override_flags({"next_big_thing": True}):
            assert get_client().is_enabled("next_big_thing") is True

    def test_strict_false_only_warns(self, flags_file: FlagsFile, settings: Any) -> None:
        """STRICT False keeps the test helpers lenient: the unknown name answers its default."""
        settings.APPCONFIG = {**settings.APPCONFIG, "STRICT": False}
        with override_flags({"new_checkout": True}):
            assert get_client().is_enabled("new_chekout") is False

    def test_strict_true_raises_without_an_override(
        self, flags_file: FlagsFile, settings: Any
    ) -> None:
        """STRICT True makes every read of an unknown name raise."""
        settings.APPCONFIG = {**settings.APPCONFIG, "STRICT": True}
        with pytest.raises(UnknownFlagError):
            get_client().is_enabled("new_chekout")

    def test_an_empty_document_judges_nothing(self) -> None:
        """With static_client's empty document there is nothing to compare names with."""
        client = static_client()
        try:
            client.start()
            with client.override({"beta": True}):
                assert (True, False) == (client.is_enabled("beta"), client.is_enabled("gamma"))
        finally:
            client.close()


class TestStaticClient:
    def test_empty_and_never_fetches(self) -> None:
        """``static_client`` serves an empty document: flags come from overrides alone."""
        client = static_client()
        try:
            assert client.start() is True
            assert client.snapshot().flag_names == ()
        finally:
            client.close()


class TestFlagsFixture:
    def test_installed_as_a_pytest_plugin(self, pytestconfig: pytest.Config) -> None:
        """The package's pytest11 entry point loads the plugin, so no conftest import is needed."""
        from django_appconfig import pytest_plugin

        assert pytestconfig.pluginmanager.get_plugin("django_appconfig") is pytest_plugin

    def test_set_and_item(self, flags_file: FlagsFile, appconfig_flags: FlagOverrides) -> None:
        """``appconfig_flags.set`` and ``appconfig_flags[name] =`` force flags for the test."""
        appconfig_flags.set({"dark_mode": True})
        appconfig_flags["new_checkout"] = False
        assert get_client().is_enabled("dark_mode") is True
        assert appconfig_flags.client.is_enabled("new_checkout") is False

    def test_undone_at_teardown(self, flags_file: FlagsFile) -> None:
        """Leaving the fixture's scope removes every override it set."""
        from django_appconfig import pytest_plugin

        generator = pytest_plugin.appconfig_flags.__wrapped__()  # type: ignore[attr-defined]
        overrides = next(generator)
        overrides.set({"dark_mode": True})
        assert get_client().is_enabled("dark_mode") is True
        with pytest.raises(StopIteration):
            next(generator)
        assert get_client().is_enabled("dark_mode") is False

    def test_no_fixture_named_flags(self, pytestconfig: pytest.Config) -> None:
        """The plugin defines no ``flags`` fixture, which would pass for a project's own."""
        from django_appconfig import pytest_plugin

        assert not hasattr(pytest_plugin, "flags")

    def test_says_what_is_missing_without_django(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Asked for where Django is not installed, the fixture fails saying so."""
        import importlib.util

        from django_appconfig import pytest_plugin

        real = importlib.util.find_spec
        monkeypatch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *args: None if name == "django" else real(name, *args),
        )
        generator = pytest_plugin.appconfig_flags.__wrapped__()  # type: ignore[attr-defined]
        with pytest.raises(pytest.fail.Exception, match="Django is not installed"):
            next(generator)


ROOT = Path(__file__).resolve().parents[2]

#: Installed first on sys.meta_path, it makes Django (and what only Django brings) look
#: uninstalled, as in `pip install 'appconfig-flags[flask]' pytest`.
NO_DJANGO = """
import sys


class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"django", "asgiref", "pytest_django"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoDjango())
"""


def run_flask_only_suite(python_path: list[str]) -> subprocess.CompletedProcess[str]:
    """pytest on tests/flask_only, as a Flask-only project runs it (pytest-django absent)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([*python_path, env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "tests/flask_only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestPluginWithoutDjango:
    def test_flask_only_suite_passes_when_django_cannot_be_imported(self, tmp_path: Path) -> None:
        """With Django not importable at all, pytest starts (the plugin loads) and the Flask
        suite using the documented helpers passes."""
        (tmp_path / "sitecustomize.py").write_text(NO_DJANGO)
        result = run_flask_only_suite([str(tmp_path)])
        assert 0 == result.returncode, result.stdout + result.stderr
        assert "4 passed" in result.stdout

    def test_flask_only_suite_imports_no_django_when_installed(self) -> None:
        """With Django installed but not configured, the plugin still imports none of it."""
        result = run_flask_only_suite([])
        assert 0 == result.returncode, result.stdout + result.stderr
        assert "4 passed" in result.stdout

"""The ``override_flags`` pytest fixture (imported into this folder's conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string

from flask_appconfig import current_flags

Override = Callable[[Mapping[str, Any]], None]


@pytest.fixture(name="page")
def _page(app: Flask) -> Flask:
    @app.route("/")
    def index() -> str:
        return render_template_string("{% flag 'old' %}on{% else %}off{% endflag %}")

    return app


class TestOverrideFlagsFixture:
    def test_forces_a_flag_for_the_test(self, page: Flask, override_flags: Override) -> None:
        """A flag forced through the fixture is seen by a rendered page."""
        override_flags({"old": True})
        assert page.test_client().get("/").data == b"on"

    def test_later_calls_stack(self, app: Flask, override_flags: Override) -> None:
        """Several calls in one test combine, the later winning."""
        override_flags({"old": True, "banner": False})
        override_flags({"banner": True})
        with app.app_context():
            assert current_flags.is_enabled("old")
            assert current_flags.is_enabled("banner")


#: A user's suite, set up as docs/flask.md says; both tests share one client, so a forced
#: flag that outlived its test would show in the second.
USER_CONFTEST = """
import pytest
from flask import Flask

from appconfig_core import FlagClient, StaticSource
from flask_appconfig import AppConfigFlags

pytest_plugins = ["flask_appconfig.testing"]
CLIENT = FlagClient(StaticSource({"beta": {"enabled": False}}))


@pytest.fixture
def app():
    app = Flask("user_app")
    AppConfigFlags(app, client=CLIENT)
    return app
"""
USER_TESTS = """
from flask_appconfig import current_flags


def test_forced(app, override_flags):
    override_flags({"beta": True})
    with app.app_context():
        assert current_flags.is_enabled("beta")


def test_back_in_the_next_test(app):
    with app.app_context():
        assert not current_flags.is_enabled("beta")
"""


class TestAsAPlugin:
    def test_enabled_by_pytest_plugins_and_undone_after_the_test(self, tmp_path: Path) -> None:
        """Enabled with pytest_plugins, the fixture forces a flag for one test only."""
        (tmp_path / "conftest.py").write_text(USER_CONFTEST)
        (tmp_path / "test_user.py").write_text(USER_TESTS)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 passed" in result.stdout

"""The ``override_flags`` pytest fixture (imported into this folder's conftest)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

    def test_nothing_leaks_into_the_next_test(self, page: Flask) -> None:
        """Without the fixture the document's value is back."""
        assert page.test_client().get("/").data == b"off"

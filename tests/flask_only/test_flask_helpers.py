"""The documented Flask test helpers, in an environment that may hold no Django at all."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from flask import Flask

Override = Callable[[Mapping[str, Any]], None]


class TestFlaskHelpers:
    def test_file_flags_reach_the_page(self, app: Flask) -> None:
        """Without overrides the page shows the flags file's values."""
        assert b"stable banner" == app.test_client().get("/").data

    def test_override_flags_fixture(self, app: Flask, override_flags: Override) -> None:
        """The override_flags fixture forces flags for the test."""
        override_flags({"beta": True, "banner": False})
        assert b"beta " == app.test_client().get("/").data

    def test_override_context_manager(self, app: Flask) -> None:
        """``flags.override`` forces flags inside its block only."""
        extension = app.extensions["appconfig"]
        with extension.override({"beta": True}):
            assert b"beta banner" == app.test_client().get("/").data
        assert b"stable banner" == app.test_client().get("/").data


class TestDjangoPlugin:
    def test_loaded_without_importing_django(self, pytestconfig: pytest.Config) -> None:
        """The package's pytest plugin is loaded, and neither it nor anything else of the
        package imported Django or asgiref."""
        assert pytestconfig.pluginmanager.get_plugin("django_appconfig") is not None
        assert [] == sorted(
            name for name in sys.modules if name.partition(".")[0] in {"django", "asgiref"}
        )

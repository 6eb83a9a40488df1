"""The APPCONFIG_* keys: reading, validation problems and the context function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from flask import Config

from appconfig_core.errors import ConfigurationError
from flask_appconfig._config import (
    find_problems,
    read_settings,
    resolve_context,
    set_defaults,
)


def context_function() -> Mapping[str, Any]:
    """A context function importable by dotted path."""
    return {}


NOT_CALLABLE = 42


def config(**values: Any) -> Config:
    result = Config(".")
    result.update(values)
    set_defaults(result)
    return result


class TestReadSettings:
    def test_strips_the_prefix(self) -> None:
        """Settings come back without APPCONFIG_ and ignore other keys."""
        settings = read_settings(config(APPCONFIG_PROFILE="web", SECRET_KEY="x"))
        assert settings["PROFILE"] == "web"
        assert "SECRET_KEY" not in settings


class TestFindProblems:
    def test_clean_file_config(self, tmp_path: Any) -> None:
        """A file source with an existing file has no problems."""
        path = tmp_path / "f.json"
        path.write_text("{}")
        settings = read_settings(config(APPCONFIG_SOURCE="file", APPCONFIG_FILE=str(path)))
        assert find_problems(settings, own_client=False) == []

    def test_own_client_skips_source_keys(self) -> None:
        """With a client given, missing application/environment/profile are not errors."""
        assert find_problems(read_settings(config()), own_client=True) == []

    def test_own_client_still_warns_unknown_keys(self) -> None:
        """With a client given, a misspelt key is still reported."""
        problems = find_problems(read_settings(config(APPCONFIG_PROFIL="x")), own_client=True)
        assert [(p.code, p.key) for p in problems] == [("W001", "APPCONFIG_PROFIL")]

    def test_context_not_callable(self) -> None:
        """A CONTEXT naming something that is not callable is E006."""
        settings = read_settings(config(APPCONFIG_CONTEXT=f"{__name__}.NOT_CALLABLE"))
        problems = find_problems(settings, own_client=True)
        assert [(p.code, p.key) for p in problems] == [("E006", "APPCONFIG_CONTEXT")]


class TestResolveContext:
    def test_none(self) -> None:
        """No CONTEXT means the default context."""
        assert resolve_context(None) is None

    def test_dotted_path(self) -> None:
        """A dotted path resolves to the function."""
        assert resolve_context(f"{__name__}.context_function") is context_function

    def test_callable(self) -> None:
        """A callable is used as is."""
        assert resolve_context(context_function) is context_function

    def test_bad_path(self) -> None:
        """A path that does not import raises ConfigurationError saying what failed."""
        with pytest.raises(ConfigurationError, match="cannot import"):
            resolve_context("nowhere.at_all")

"""The APPCONFIG_* keys: reading, validation problems and the context function."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Config, Flask

from appconfig_core.errors import ConfigurationError
from flask_appconfig import AppConfigFlags, current_flags
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
        """A dotted path resolves to the function (guarded, see TestContextAtRuntime)."""
        resolved = resolve_context(f"{__name__}.context_function")
        assert resolved.__wrapped__ is context_function  # type: ignore[union-attr]

    def test_callable(self) -> None:
        """A callable is used as is, behind the same guard."""
        assert resolve_context(context_function).__wrapped__ is context_function  # type: ignore[union-attr]

    def test_bad_path(self) -> None:
        """A path that does not import raises ConfigurationError saying what failed."""
        with pytest.raises(ConfigurationError, match="cannot import"):
            resolve_context("nowhere.at_all")


def file_app(flags_file: Path, **config: Any) -> Flask:
    """An app reading ``flags_file``, with ``config`` laid over."""
    app = Flask(__name__)
    app.config.update({"APPCONFIG_SOURCE": "file", "APPCONFIG_FILE": str(flags_file), **config})
    return app


class TestInitAppRefusesEachBadKey:
    @pytest.mark.parametrize(
        ("key", "value", "code", "message"),
        [
            ("DEFAULTS", ["beta"], "E007", "must be a dict of flag names to defaults, not list"),
            ("CONTEXT", "os.sep", "E006", "'os.sep' is not callable (it is str)"),
            ("CACHE_PATH", 5, "E011", "must be a path (str or os.PathLike), not int"),
            ("START_TIMEOUT", math.nan, "E007", "must be a finite number of seconds, not nan"),
            ("POLL_INTERVAL", "30", "E002", "must be a number of seconds, not str '30'"),
            ("AGENT_URL", "localhost:2772", "E010", "'localhost:2772' is not an http(s) URL"),
            ("AGENT_TOKEN", 7, "E010", "must be a non-empty string, not int"),
            ("ENDPOINT_URL", "nope", "E012", "'nope' is not an http(s) URL"),
            ("REGION", 5, "E012", "must be a string, not int"),
            ("FORMAT", ["raw"], "E005", "must be a string, not list"),
            ("SOURCE", "s3", "E004", "unknown source 's3'"),
            ("HEALTH_URL", 5, "E009", "int is not a path"),
        ],
    )
    def test_raises_configuration_error_with_the_code(
        self, flags_file: Path, key: str, value: object, code: str, message: str
    ) -> None:
        """Each bad APPCONFIG_* value is one line of the ConfigurationError, with its code."""
        app = file_app(flags_file, **{f"APPCONFIG_{key}": value})
        with pytest.raises(ConfigurationError) as info:
            AppConfigFlags(app)
        lines = str(info.value).splitlines()[1:]
        assert 1 == len(lines), lines
        assert lines[0].startswith(f"  [{code}] APPCONFIG_{key}: {message} (")
        assert "appconfig" not in app.extensions

    def test_application_of_the_wrong_type(self) -> None:
        """APPCONFIG_APPLICATION=123 is the wrong type, not a missing value."""
        app = Flask(__name__)
        app.config.update(
            APPCONFIG_APPLICATION=123, APPCONFIG_ENVIRONMENT="e", APPCONFIG_PROFILE="p"
        )
        with pytest.raises(
            ConfigurationError, match=re.escape("[E001] APPCONFIG_APPLICATION: must be a string")
        ):
            AppConfigFlags(app)

    def test_directory_as_file(self, tmp_path: Path) -> None:
        """A directory given as APPCONFIG_FILE is named as a directory."""
        app = file_app(tmp_path)
        with pytest.raises(ConfigurationError, match=re.escape("is a directory, not a flags")):
            AppConfigFlags(app)


class TestHealthUrlCollision:
    def test_route_registered_before_init_app(self, flags_file: Path) -> None:
        """A HEALTH_URL that a view already serves is refused at init_app (E009)."""
        app = file_app(flags_file, APPCONFIG_HEALTH_URL="/health")
        app.add_url_rule("/health", "health", lambda: "mine")
        with pytest.raises(ConfigurationError) as info:
            AppConfigFlags(app)
        assert (
            "[E009] APPCONFIG_HEALTH_URL: '/health' is already the route of the view 'health'"
            in str(info.value)
        )

    def test_route_registered_after_init_app_is_logged_once(
        self, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """A view added later at the same path is logged once, at the first request."""
        app = make_app(APPCONFIG_HEALTH_URL="/health")
        app.add_url_rule("/health", "health", lambda: "mine")
        client = app.test_client()
        with caplog.at_level(logging.ERROR, "flask_appconfig"):
            client.get("/health")
            client.get("/health")
        assert 1 == caplog.text.count("[E009] APPCONFIG_HEALTH_URL: '/health' is already")

    def test_no_collision_logs_nothing(
        self, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """Distinct paths are fine: the health route answers and nothing is logged."""
        app = make_app(APPCONFIG_HEALTH_URL="/-/flags")
        app.add_url_rule("/health", "health", lambda: "mine")
        with caplog.at_level(logging.ERROR, "flask_appconfig"):
            assert 200 == app.test_client().get("/-/flags").status_code
        assert "E009" not in caplog.text


def broken_context() -> Mapping[str, Any]:
    raise LookupError("no tenant")


class TestContextAtRuntime:
    @pytest.mark.parametrize(
        ("function", "logged"),
        [(broken_context, "raised"), (lambda: ["acme"], "returned list, not a dict")],
    )
    def test_failing_context_function_never_fails_a_request(
        self,
        make_app: Callable[..., Flask],
        caplog: pytest.LogCaptureFixture,
        function: Any,
        logged: str,
    ) -> None:
        """Requests evaluate with an empty context and answer 200; the failure is logged once."""
        app = make_app(APPCONFIG_CONTEXT=function)
        app.add_url_rule("/", "index", lambda: {"context": dict(current_flags.context)})
        client = app.test_client()
        with caplog.at_level(logging.ERROR):
            responses = [client.get("/") for _ in range(3)]
        assert [200, 200, 200] == [r.status_code for r in responses]
        assert {"context": {}} == responses[0].json
        assert 1 == caplog.text.count(logged)

"""System checks: the exact messages ``manage.py check`` prints for each mistake."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from django.core.checks import Error, run_checks
from django.core.checks import Warning as CheckWarning
from django.test import override_settings

from django_appconfig._client import current_client, reset_client
from django_appconfig._context import KEYS

HINT_NAME = "set it to the AppConfig {} name or ID"
NAMES = {"APPLICATION": "a", "ENVIRONMENT": "e", "PROFILE": "p"}


def appconfig_messages() -> list[object]:
    return [m for m in run_checks() if m.id and m.id.startswith("django_appconfig.")]


def context_for_tests(request: object) -> dict[str, object]:
    return {}


NOT_CALLABLE = 42


class TestCheckSettings:
    def test_valid_settings_pass(self) -> None:
        """The test project's own settings raise nothing."""
        assert appconfig_messages() == []

    @pytest.mark.parametrize("source", ["appconfig", "agent"])
    def test_missing_names(self, source: str) -> None:
        """The appconfig and agent sources need an application, environment and profile (E001)."""
        with override_settings(APPCONFIG={"SOURCE": source}):
            assert appconfig_messages() == [
                Error(
                    f"APPCONFIG.{key}: required for the {source!r} source",
                    hint=HINT_NAME.format(key.lower()),
                    id="django_appconfig.E001",
                )
                for key in ("APPLICATION", "ENVIRONMENT", "PROFILE")
            ]

    def test_wrong_type_is_not_missing(self) -> None:
        """APPLICATION=123 is reported as the wrong type, not as a missing value."""
        with override_settings(APPCONFIG={**NAMES, "APPLICATION": 123}):
            assert appconfig_messages() == [
                Error(
                    "APPCONFIG.APPLICATION: must be a string, not int",
                    hint=HINT_NAME.format("application"),
                    id="django_appconfig.E001",
                )
            ]

    @pytest.mark.parametrize("interval", [5, 14, 86401])
    def test_poll_interval_outside_appconfig_limits(self, interval: int) -> None:
        """A whole number outside 15..86400 for AppConfig is E002."""
        with override_settings(APPCONFIG={**NAMES, "POLL_INTERVAL": interval}):
            assert appconfig_messages() == [
                Error(
                    f"APPCONFIG.POLL_INTERVAL: {interval} is outside AppConfig's limits",
                    hint="use whole seconds from 15 to 86400, or None",
                    id="django_appconfig.E002",
                )
            ]

    @pytest.mark.parametrize(
        ("interval", "message"),
        [
            ("30", "must be a number of seconds, not str '30'"),
            (30.5, "must be a whole number of seconds for the 'appconfig' source, not 30.5"),
            (True, "must be a number of seconds, not bool True"),
        ],
    )
    def test_poll_interval_of_the_wrong_type(self, interval: object, message: str) -> None:
        """A string, a fraction or a bool is a type problem, not a range one (still E002)."""
        with override_settings(APPCONFIG={**NAMES, "POLL_INTERVAL": interval}):
            assert [(m.id, m.msg) for m in appconfig_messages()] == [
                ("django_appconfig.E002", f"APPCONFIG.POLL_INTERVAL: {message}")
            ]

    @pytest.mark.parametrize("interval", [15, 86400, None])
    def test_poll_interval_at_the_limits_passes(self, interval: int | None) -> None:
        """15 and 86400 themselves, and None (AppConfig's own interval), raise nothing."""
        with override_settings(APPCONFIG={**NAMES, "POLL_INTERVAL": interval}):
            assert appconfig_messages() == []

    def test_poll_interval_not_positive_for_a_file(self) -> None:
        """For the file source any positive interval will do; zero is E002."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "POLL_INTERVAL": 0}):
            assert appconfig_messages() == [
                Error(
                    "APPCONFIG.POLL_INTERVAL: must be more than 0 and at most 86400 seconds, not 0",
                    hint="use a number of seconds, e.g. 5, or None",
                    id="django_appconfig.E002",
                )
            ]

    def test_missing_flags_file(self, tmp_path: Path) -> None:
        """The file source needs an existing file (E003)."""
        missing = tmp_path / "nope.json"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": str(missing)}):
            assert appconfig_messages() == [
                Error(
                    f"APPCONFIG.FILE: {str(missing)!r} does not exist",
                    hint="create it or fix the path",
                    id="django_appconfig.E003",
                )
            ]

    def test_directory_is_not_a_flags_file(self, tmp_path: Path) -> None:
        """A directory given as FILE is reported as a directory, not as missing."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": str(tmp_path)}):
            assert appconfig_messages() == [
                Error(
                    f"APPCONFIG.FILE: {str(tmp_path)!r} is a directory, not a flags file",
                    hint="give the path of a JSON or YAML file",
                    id="django_appconfig.E003",
                )
            ]

    @override_settings(APPCONFIG={"SOURCE": "file"})
    def test_file_not_set(self) -> None:
        """The file source without FILE is E003 too."""
        assert appconfig_messages() == [
            Error(
                "APPCONFIG.FILE: required for the 'file' source",
                hint="set it to a JSON or YAML flags file",
                id="django_appconfig.E003",
            )
        ]

    @override_settings(APPCONFIG={"SOURCE": "s3", "FORMAT": "xml"})
    def test_unknown_source_and_format(self) -> None:
        """An unknown SOURCE is E004 and an unknown FORMAT is E005."""
        assert appconfig_messages() == [
            Error(
                "APPCONFIG.SOURCE: unknown source 's3'",
                hint="use one of appconfig, agent, file",
                id="django_appconfig.E004",
            ),
            Error(
                "APPCONFIG.FORMAT: unknown format 'xml'",
                hint="use one of auto, appconfig, powertools, raw",
                id="django_appconfig.E005",
            ),
        ]

    def test_bad_start_timeout_and_defaults(self) -> None:
        """A negative START_TIMEOUT and a DEFAULTS entry that is not a flag are E007."""
        config = {"SOURCE": "file", "FILE": __file__, "START_TIMEOUT": -1, "DEFAULTS": {"b": "on"}}
        with override_settings(APPCONFIG=config):
            assert appconfig_messages() == [
                Error(
                    "APPCONFIG.START_TIMEOUT: must be from 0 to 300 seconds, not -1",
                    hint="use a number of seconds, e.g. 5 (0 never waits)",
                    id="django_appconfig.E007",
                ),
                Error(
                    "APPCONFIG.DEFAULTS: defaults['b'] must be true/false or an object with a"
                    ' boolean "enabled", not str',
                    hint='use {"flag": true} or {"flag": {"enabled": true, ...}}',
                    id="django_appconfig.E007",
                ),
            ]

    @pytest.mark.parametrize(
        ("key", "value", "message", "code"),
        [
            ("START_TIMEOUT", math.nan, "must be a finite number of seconds, not nan", "E007"),
            ("DEFAULTS", ["beta"], "must be a dict of flag names to defaults, not list", "E007"),
            ("AGENT_URL", "localhost:2772", "'localhost:2772' is not an http(s) URL", "E010"),
            ("CACHE_PATH", 5, "must be a path (str or os.PathLike), not int", "E011"),
            ("REGION", 1, "must be a string, not int", "E012"),
            ("ENDPOINT_URL", "appconfig", "'appconfig' is not an http(s) URL", "E012"),
        ],
    )
    def test_every_key_is_type_checked(
        self, key: str, value: object, message: str, code: str
    ) -> None:
        """Keys that once passed `check` silently, or crashed it, are each one error with an id."""
        with override_settings(APPCONFIG={**NAMES, key: value}):
            assert [(m.id, m.msg) for m in appconfig_messages()] == [
                (f"django_appconfig.{code}", f"APPCONFIG.{key}: {message}")
            ]

    @override_settings(APPCONFIG=["APPLICATION"])
    def test_appconfig_not_a_dict(self) -> None:
        """An APPCONFIG that is not a dict is one error, E013, and nothing else."""
        assert appconfig_messages() == [
            Error(
                "APPCONFIG: must be a dict of settings, not list",
                hint='write it as {"APPLICATION": "...", "ENVIRONMENT": "...", "PROFILE": "..."}',
                id="django_appconfig.E013",
            )
        ]

    def test_unknown_key_warns(self) -> None:
        """A misspelt key is a warning (W001), not an error."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "POLL_INTERVALL": 5}):
            assert appconfig_messages() == [
                CheckWarning(
                    "APPCONFIG.POLL_INTERVALL: unknown setting",
                    hint="remove it or fix its spelling",
                    id="django_appconfig.W001",
                )
            ]

    def test_context_not_importable(self) -> None:
        """A CONTEXT that cannot be imported is E006."""
        with override_settings(
            APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": "nowhere.context"}
        ):
            assert appconfig_messages() == [
                Error(
                    "APPCONFIG.CONTEXT: cannot import 'nowhere' for 'nowhere.context':"
                    " No module named 'nowhere'",
                    hint="set it to the dotted path of a request -> dict function,"
                    " e.g. 'myproject.flags.context'",
                    id="django_appconfig.E006",
                )
            ]

    @pytest.mark.parametrize(
        ("dotted", "kind"), [(f"{__name__}.NOT_CALLABLE", "int"), ("os.sep", "str")]
    )
    def test_context_not_callable(self, dotted: str, kind: str) -> None:
        """A CONTEXT naming something importable that is not a function is E006 too."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": dotted}):
            assert [(m.id, m.msg) for m in appconfig_messages()] == [
                (
                    "django_appconfig.E006",
                    f"APPCONFIG.CONTEXT: {dotted!r} is not callable (it is {kind})",
                )
            ]

    def test_importable_context_passes(self) -> None:
        """A CONTEXT naming a function raises nothing."""
        dotted = f"{__name__}.context_for_tests"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": dotted}):
            assert appconfig_messages() == []

    @override_settings(APPCONFIG={"CLIENT": "nowhere.factory"})
    def test_client_replaces_source_checks(self) -> None:
        """With CLIENT the source keys are not checked; an unimportable CLIENT is E008."""
        assert appconfig_messages() == [
            Error(
                "APPCONFIG.CLIENT: cannot import 'nowhere' for 'nowhere.factory':"
                " No module named 'nowhere'",
                hint="set it to the dotted path of a () -> FlagClient function,"
                " e.g. 'myproject.flags.client'",
                id="django_appconfig.E008",
            )
        ]

    def test_client_factory_passes(self) -> None:
        """A CLIENT naming a factory raises nothing, even with no source keys at all."""
        with override_settings(APPCONFIG={"CLIENT": "django_appconfig.testing.static_client"}):
            assert appconfig_messages() == []

    def test_checks_start_nothing(self) -> None:
        """Running the checks builds no client (so ``manage.py check`` opens no connection)."""
        reset_client()
        with override_settings(APPCONFIG=NAMES):
            run_checks()
            assert current_client() is None


SPLIT_BY_USER_ID_TYPO = {
    "version": "1",
    "flags": {"recs": {"name": "Recommendations"}},
    "values": {
        "recs": {
            "_variants": [
                {"name": "half", "enabled": True, "rule": "(split pct::50 by::$userId)"},
                {"name": "default", "enabled": False},
            ]
        }
    },
}


def declared_context(request: object) -> dict[str, object]:
    return {}


declared_context.context_keys = ("userId",)  # type: ignore[attr-defined]


class TestRuleContextKeys:
    @pytest.fixture
    def flags_path(self, tmp_path: Path) -> str:
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(SPLIT_BY_USER_ID_TYPO))
        return str(path)

    def test_a_rule_key_the_default_context_lacks_is_w002(self, flags_path: str) -> None:
        """``$userId`` against the default context warns, listing its keys and suggesting user_id."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": flags_path}):
            assert appconfig_messages() == [
                CheckWarning(
                    "APPCONFIG.FILE: values.recs._variants[0].rule reads context key 'userId',"
                    " which the default Django context never supplies (it supplies"
                    f" {', '.join(sorted(KEYS))}); did you mean 'user_id'?",
                    hint="supply the key from the context function, or make the rule read a key"
                    " it supplies (the project's convention is user_id)",
                    id="django_appconfig.W002",
                )
            ]

    def test_a_context_function_declaring_the_key_passes(self, flags_path: str) -> None:
        """A CONTEXT function whose ``context_keys`` list the key gives no warning."""
        dotted = f"{__name__}.declared_context"
        settings = {"SOURCE": "file", "FILE": flags_path, "CONTEXT": dotted}
        with override_settings(APPCONFIG=settings):
            assert appconfig_messages() == []

    def test_an_undeclared_context_function_is_not_guessed(self, flags_path: str) -> None:
        """A CONTEXT function without ``context_keys`` supplies unknown keys: no warning."""
        dotted = f"{__name__}.context_for_tests"
        settings = {"SOURCE": "file", "FILE": flags_path, "CONTEXT": dotted}
        with override_settings(APPCONFIG=settings):
            assert appconfig_messages() == []

    def test_network_sources_are_not_fetched(self) -> None:
        """The agent and AppConfig sources are not read by checks, so they get no W002."""
        reset_client()
        with override_settings(APPCONFIG=NAMES):
            assert appconfig_messages() == []
            assert current_client() is None

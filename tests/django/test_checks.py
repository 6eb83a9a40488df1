"""System checks: the exact messages ``manage.py check`` prints for each mistake."""

from __future__ import annotations

from pathlib import Path

from django.core.checks import Error, run_checks
from django.core.checks import Warning as CheckWarning
from django.test import override_settings

HINT_NAME = "set it to the AppConfig {} name or ID"


def appconfig_messages() -> list[object]:
    return [m for m in run_checks() if m.id and m.id.startswith("django_appconfig.")]


def context_for_tests(request: object) -> dict[str, object]:
    return {}


NOT_CALLABLE = 42


class TestCheckSettings:
    def test_valid_settings_pass(self) -> None:
        """The test project's own settings raise nothing."""
        assert appconfig_messages() == []

    @override_settings(APPCONFIG={})
    def test_missing_names(self) -> None:
        """The appconfig source needs an application, environment and profile (E001)."""
        assert appconfig_messages() == [
            Error(
                f"APPCONFIG.{key} is required for the 'appconfig' source",
                hint=HINT_NAME.format(key.lower()),
                id="django_appconfig.E001",
            )
            for key in ("APPLICATION", "ENVIRONMENT", "PROFILE")
        ]

    @override_settings(
        APPCONFIG={"APPLICATION": "a", "ENVIRONMENT": "e", "PROFILE": "p", "POLL_INTERVAL": 5}
    )
    def test_poll_interval_below_appconfig_minimum(self) -> None:
        """An interval outside 15..86400 for AppConfig is E002."""
        assert appconfig_messages() == [
            Error(
                "poll interval 5 is outside AppConfig's limits",
                hint="use whole seconds from 15 to 86400, or None",
                id="django_appconfig.E002",
            )
        ]

    def test_missing_flags_file(self, tmp_path: Path) -> None:
        """The file source needs an existing file (E003)."""
        missing = tmp_path / "nope.json"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": str(missing)}):
            assert appconfig_messages() == [
                Error(
                    f"the flags file {str(missing)!r} does not exist",
                    hint="create it or fix the path",
                    id="django_appconfig.E003",
                )
            ]

    @override_settings(APPCONFIG={"SOURCE": "s3", "FORMAT": "xml"})
    def test_unknown_source_and_format(self) -> None:
        """An unknown SOURCE is E004 and an unknown FORMAT is E005."""
        assert appconfig_messages() == [
            Error(
                "unknown source 's3'",
                hint="use one of appconfig, agent, file",
                id="django_appconfig.E004",
            ),
            Error(
                "unknown format 'xml'",
                hint="use one of auto, appconfig, powertools, raw",
                id="django_appconfig.E005",
            ),
        ]

    def test_unknown_key_warns(self) -> None:
        """A misspelt key is a warning (W001), not an error."""
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "POLL_INTERVALL": 5}):
            assert appconfig_messages() == [
                CheckWarning(
                    "unknown setting APPCONFIG.POLL_INTERVALL",
                    hint="remove it or fix its spelling",
                    id="django_appconfig.W001",
                )
            ]

    def test_context_not_importable(self) -> None:
        """A CONTEXT that cannot be imported is E006."""
        with override_settings(
            APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": "nowhere.context"}
        ):
            [message] = appconfig_messages()
        assert message.id == "django_appconfig.E006"
        assert message.msg.startswith(
            "APPCONFIG.CONTEXT cannot be imported: cannot import 'nowhere'"
        )
        assert message.hint == (
            "set it to the dotted path of a request -> dict function,"
            " e.g. 'myproject.flags.context'"
        )

    def test_context_not_callable(self) -> None:
        """A CONTEXT naming something that is not a function is E006 too."""
        dotted = f"{__name__}.NOT_CALLABLE"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": dotted}):
            assert [(m.id, m.msg) for m in appconfig_messages()] == [
                ("django_appconfig.E006", f"APPCONFIG.CONTEXT {dotted!r} is not callable")
            ]

    def test_importable_context_passes(self) -> None:
        """A CONTEXT naming a function raises nothing."""
        dotted = f"{__name__}.context_for_tests"
        with override_settings(APPCONFIG={"SOURCE": "file", "FILE": __file__, "CONTEXT": dotted}):
            assert appconfig_messages() == []

    @override_settings(APPCONFIG={"CLIENT": "nowhere.factory"})
    def test_client_replaces_source_checks(self) -> None:
        """With CLIENT the source keys are not checked; an unimportable CLIENT is E008."""
        assert [m.id for m in appconfig_messages()] == ["django_appconfig.E008"]

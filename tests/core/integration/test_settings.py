from __future__ import annotations

from pathlib import Path

import pytest

from appconfig_core import (
    AgentSource,
    AppConfigDataSource,
    ConfigurationError,
    FileSource,
    build_client,
    merged_settings,
    settings_problems,
)

BASE = {"APPLICATION": "shop", "ENVIRONMENT": "prod", "PROFILE": "flags"}


def codes(settings: dict, **kwargs) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def, type-arg]
    return [(p.code, p.key) for p in settings_problems(merged_settings(settings), **kwargs)]


class TestSettingsProblems:
    def test_valid_settings_have_no_problems(self) -> None:
        """The README's three keys are enough."""
        assert [] == codes(BASE)

    def test_missing_identifiers(self) -> None:
        """Each missing identifier is E001, under the user's spelling of the key."""
        assert [("E001", "APPCONFIG_ENVIRONMENT"), ("E001", "APPCONFIG_PROFILE")] == codes(
            {"APPLICATION": "shop"}, prefix="APPCONFIG_"
        )

    @pytest.mark.parametrize("interval", [14, 86401, 30.5, "60"])
    def test_poll_interval_outside_limits(self, interval: object) -> None:
        """An AppConfig poll interval outside 15..86400 whole seconds is E002."""
        assert [("E002", "POLL_INTERVAL")] == codes({**BASE, "POLL_INTERVAL": interval})

    def test_file_source_needs_an_existing_file(self, tmp_path: Path) -> None:
        """The file source without FILE, or with a missing file, is E003."""
        assert [("E003", "FILE")] == codes({"SOURCE": "file"})
        assert [("E003", "FILE")] == codes({"SOURCE": "file", "FILE": str(tmp_path / "x.json")})

    def test_unknown_source_format_and_key(self) -> None:
        """Unknown SOURCE is E004, FORMAT E005, an unknown key W001."""
        assert [("E004", "SOURCE"), ("E005", "FORMAT"), ("W001", "PROFLE")] == codes(
            {"SOURCE": "s3", "FORMAT": "xml", "PROFLE": "x"}
        )

    def test_adapter_keys_are_not_unknown(self) -> None:
        """Keys the adapter declares are accepted."""
        assert [] == codes({**BASE, "CONTEXT": "x.y"}, extra_keys=frozenset({"CONTEXT"}))

    def test_bad_defaults_and_timeout(self) -> None:
        """Bad DEFAULTS and START_TIMEOUT are E007."""
        assert [("E007", "START_TIMEOUT"), ("E007", "DEFAULTS")] == codes(
            {**BASE, "START_TIMEOUT": -1, "DEFAULTS": {"x": "on"}}
        )


class TestBuildClient:
    def test_appconfig_source(self) -> None:
        """The default source is AppConfigData with the given poll interval."""
        client = build_client({**BASE, "POLL_INTERVAL": 30, "DEFAULTS": {"x": True}})
        assert isinstance(client.source, AppConfigDataSource)
        assert 30 == client.source.poll_interval
        assert client.is_enabled("x")

    def test_agent_and_file_sources(self, tmp_path: Path) -> None:
        """SOURCE picks the agent or the file source."""
        flags = tmp_path / "f.json"
        flags.write_text("{}")
        assert isinstance(build_client({**BASE, "SOURCE": "agent"}).source, AgentSource)
        assert isinstance(build_client({"SOURCE": "file", "FILE": str(flags)}).source, FileSource)

    def test_errors_raise_together(self) -> None:
        """All errors are raised in one ConfigurationError; warnings are not errors."""
        with pytest.raises(ConfigurationError, match="APPLICATION.*ENVIRONMENT.*PROFILE"):
            build_client({"TYPO": 1})

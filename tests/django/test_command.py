"""``manage.py appconfig status|list|eval|validate``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .conftest import FlagsFile


def run(*args: str) -> str:
    out = StringIO()
    call_command("appconfig", *args, stdout=out)
    return out.getvalue()


class TestAppconfigCommand:
    def test_status(self, flags_file: FlagsFile) -> None:
        """``status`` says the flags are loaded, from the network, at which version."""
        lines = run("status").splitlines()
        assert lines[0] == "ready: yes"
        assert lines[1] == "origin: network"
        assert lines[2].startswith("version: ")
        assert lines[4] == "last error: -"

    def test_status_fails_when_not_ready(self, tmp_path: Path, settings: object) -> None:
        """``status`` exits with an error when no flags are loaded."""
        path = tmp_path / "flags.json"
        path.write_text("[broken")
        settings.APPCONFIG = {"SOURCE": "file", "FILE": str(path)}  # type: ignore[attr-defined]
        with pytest.raises(CommandError, match="no flags are loaded"):
            run("status")

    def test_list(self, flags_file: FlagsFile) -> None:
        """``list`` prints each flag for an empty context, sorted."""
        assert run("list").splitlines() == [
            "dark_mode: off (STATIC)",
            'new_checkout: on (STATIC) {"color": "green"}',
            "vip: off (variant 'everyone', DEFAULT)",
        ]

    def test_eval_with_context(self, flags_file: FlagsFile) -> None:
        """``eval NAME -c k=v`` evaluates with a JSON-decoded context."""
        out = run("eval", "vip", "-c", "is_staff=true", "--context", 'groups=["beta"]')
        assert out == 'vip: on (variant \'beta-staff\', TARGETING_MATCH) {"tier": "gold"}\n'

    def test_eval_bad_pair(self, flags_file: FlagsFile) -> None:
        """A context pair without ``=`` is a command error that says the expected form."""
        with pytest.raises(CommandError, match="key=value"):
            run("eval", "vip", "-c", "is_staff")

    def test_validate_file(self, tmp_path: Path) -> None:
        """``validate FILE`` accepts a good document and reports the problems of a bad one."""
        good = tmp_path / "good.json"
        good.write_text(json.dumps({"a": {"enabled": True}, "b": {"enabled": False}}))
        assert run("validate", str(good)) == f"OK {good}: AppConfig retrieval form, 2 flags\n"
        bad = tmp_path / "bad.json"
        bad.write_text(
            json.dumps(
                {
                    "version": "1",
                    "flags": {"a": {"name": "A"}},
                    "values": {"a": {"_variants": [{"name": "x", "rule": "(eq $x"}]}},
                }
            )
        )
        with pytest.raises(CommandError, match=r"invalid \(\d problems?\)"):
            run("validate", str(bad))

    def test_validate_missing_file(self, tmp_path: Path) -> None:
        """``validate`` on a missing file says it cannot read it."""
        with pytest.raises(CommandError, match="cannot read"):
            run("validate", str(tmp_path / "none.json"))

    def test_validate_configured_source(self, flags_file: FlagsFile) -> None:
        """``validate`` without FILE checks what the configured source serves."""
        assert run("validate").startswith("valid: version ")

    def test_bad_settings_are_a_command_error(self, settings: object) -> None:
        """Invalid settings surface as a command error naming the setting."""
        settings.APPCONFIG = {"SOURCE": "file"}  # type: ignore[attr-defined]
        with pytest.raises(CommandError, match=r"APPCONFIG\.FILE"):
            run("status")

"""``manage.py appconfig status|list|eval|validate``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from appconfig_core.integration import unconfigured_report
from django_appconfig import get_client
from tests.support import wait_until

from .conftest import WAIT, FlagsFile

#: The fields of the one status payload, in order (health endpoints print the same).
STATUS_KEYS = list(unconfigured_report("x").body)


def run(*args: str, out: StringIO | None = None) -> str:
    out = out or StringIO()
    call_command("appconfig", *args, stdout=out)
    return out.getvalue()


def failing(*args: str) -> tuple[CommandError, list[str]]:
    """Run a command expected to fail: its error and the lines it printed first."""
    out = StringIO()
    with pytest.raises(CommandError) as info:
        run(*args, out=out)
    return info.value, out.getvalue().splitlines()


class TestStatus:
    def test_ok(self, flags_file: FlagsFile) -> None:
        """``status`` prints every field of the shared payload and succeeds when healthy."""
        lines = run("status").splitlines()
        assert STATUS_KEYS == [line.split(":", 1)[0] for line in lines]
        assert ["health: ok", "ready: yes", "origin: file"] == lines[:3]
        assert "last_error: -" in lines

    def test_degraded_exits_1(self, flags_file: FlagsFile) -> None:
        """A failing source with last good flags still served is degraded: exit status 1."""
        get_client()
        flags_file.path.write_text("{broken")
        assert wait_until(lambda: get_client().status.health == "degraded", WAIT)
        error, lines = failing("status")
        assert (1, "flags are degraded") == (error.returncode, str(error))
        assert ["health: degraded", "ready: yes"] == lines[:2]

    def test_unavailable_exits_2(self, tmp_path: Path, settings: object) -> None:
        """With no flags loaded ``status`` exits 2 and prints why."""
        path = tmp_path / "flags.json"
        path.write_text("[broken")
        settings.APPCONFIG = {"SOURCE": "file", "FILE": str(path)}  # type: ignore[attr-defined]
        error, lines = failing("status")
        assert (2, "flags are unavailable") == (error.returncode, str(error))
        assert STATUS_KEYS == [line.split(":", 1)[0] for line in lines]

    def test_bad_settings_are_unavailable(self, settings: object) -> None:
        """Invalid settings print the same fields, naming the setting, and exit 2."""
        settings.APPCONFIG = {"SOURCE": "file"}  # type: ignore[attr-defined]
        error, lines = failing("status")
        assert 2 == error.returncode
        assert STATUS_KEYS == [line.split(":", 1)[0] for line in lines]
        assert "APPCONFIG.FILE" in lines[STATUS_KEYS.index("last_error")]


class TestAppconfigCommand:
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

    def test_validate_configured_file(self, flags_file: FlagsFile) -> None:
        """``validate`` without FILE checks the configured flags file."""
        assert f"OK {flags_file.path}: AppConfig stored form, 3 flags\n" == run("validate")

    @pytest.mark.parametrize("text", ["[]", "{}", "null", '{"beta": true}'])
    def test_validate_no_flags_fails(self, tmp_path: Path, text: str) -> None:
        """A document with no flags fails under auto, saying what auto guessed."""
        path = tmp_path / "flags.json"
        path.write_text(text)
        error, lines = failing("validate", str(path))
        assert (1, f"{path}: invalid (no flags)") == (error.returncode, str(error))
        assert lines[0].startswith(f"{path}: format auto read this document as ")

    def test_validate_raw_when_asked_for(self, tmp_path: Path) -> None:
        """``--format raw`` accepts a document with no flags."""
        path = tmp_path / "settings.json"
        path.write_text('{"beta": true}')
        assert f"OK {path}: raw configuration, no flags\n" == run(
            "validate", str(path), "--format", "raw"
        )

    def test_bad_settings_are_a_command_error(self, settings: object) -> None:
        """Invalid settings surface as a command error naming the setting."""
        settings.APPCONFIG = {"SOURCE": "file"}  # type: ignore[attr-defined]
        with pytest.raises(CommandError, match=r"APPCONFIG\.FILE"):
            run("list")

    def test_unexpected_error_is_one_line(
        self, flags_file: FlagsFile, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An error nobody foresaw is a one-line command error, never a traceback."""
        from django_appconfig.management.commands import appconfig

        def broken() -> None:
            raise TypeError("surprise")

        monkeypatch.setattr(appconfig, "get_client", broken)
        with pytest.raises(CommandError, match=r"^unexpected TypeError: surprise \(a bug in"):
            run("list")

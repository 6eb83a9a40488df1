"""``manage.py appconfig status|list|eval|validate|refs``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from appconfig_core.devserver import DevServer
from appconfig_core.integration import unconfigured_report
from django_appconfig import get_client
from django_appconfig._client import reset_client
from django_appconfig._context import KEYS
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
        """``list`` prints each flag for an empty context, in document order."""
        assert run("list").splitlines() == [
            'new_checkout: on (STATIC) {"color": "green"}',
            "dark_mode: off (STATIC)",
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


SAMPLE = Path(__file__).parents[1] / "core" / "integration" / "refs_sample"
EXAMPLE = Path(__file__).parents[2] / "example_projects" / "appconfig" / "shop:demo:flags.json"


class TestEval:
    def test_unknown_flag_exits_1(self, flags_file: FlagsFile) -> None:
        """``eval`` of a flag the loaded document lacks exits 1, suggesting the close name."""
        error, lines = failing("eval", "new_chekout")
        assert 1 == error.returncode
        assert [] == lines
        version = get_client().status.version
        assert str(error) == (
            f"no flag named 'new_chekout' in version {version} of file {flags_file.path}; did you mean"
            " 'new_checkout'? (flags: dark_mode, new_checkout, vip)"
        )


@pytest.fixture
def agent(tmp_path: Path, settings: Any) -> Iterator[DevServer]:
    """The process client reading a profile through the local server's Agent API."""
    from .test_agent_variants import STORED as AGENT_STORED

    (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(AGENT_STORED))
    with DevServer(tmp_path) as server:
        settings.APPCONFIG = {
            "SOURCE": "agent",
            "APPLICATION": "shop",
            "ENVIRONMENT": "test",
            "PROFILE": "flags",
            "AGENT_URL": server.url,
            "POLL_INTERVAL": 3600,
            "START_TIMEOUT": 5.0,
        }
        yield server
        reset_client()


class TestEvalThroughTheAgent:
    def test_context_reaches_the_agent(self, agent: DevServer) -> None:
        """``eval -c`` of a flag the Agent evaluates asks the Agent with that context."""
        before = sum(1 for record in agent.requests if record.operation == "Agent")
        staff = run("eval", "vip", "-c", "is_staff=true")
        assert staff == 'vip: on (variant \'staff\', TARGETING_MATCH) {"tier": "gold"}\n'
        assert run("eval", "vip").startswith("vip: off (variant 'everyone'")
        assert sum(1 for record in agent.requests if record.operation == "Agent") > before


class TestValidateContextKeys:
    def test_a_rule_key_the_default_context_lacks_warns(self, tmp_path: Path) -> None:
        """``validate`` passes and warns about a rule reading a key the context never supplies."""
        path = tmp_path / "flags.json"
        path.write_text(EXAMPLE.read_text().replace("by::$user_id", "by::$userId"))
        lines = run("validate", str(path)).splitlines()
        assert f"OK {path}: AppConfig stored form, 5 flags" == lines[0]
        assert [
            f"{path}: warning: values.recommendations._variants[0].rule reads context key"
            f" 'email', which the default Django context never supplies (it supplies"
            f" {', '.join(sorted(KEYS))})",
            f"{path}: warning: values.recommendations._variants[1].rule reads context key"
            f" 'userId', which the default Django context never supplies (it supplies"
            f" {', '.join(sorted(KEYS))}); did you mean 'user_id'?",
        ] == lines[1:]


class TestRefs:
    @pytest.fixture
    def sample(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        shutil.copytree(SAMPLE, tmp_path / "sample")
        monkeypatch.chdir(tmp_path / "sample")
        return tmp_path / "sample"

    def test_against_a_document_file(self, sample: Path) -> None:
        """``refs --document`` prints the seeded typos and exits 1."""
        error, lines = failing("refs", "--document", "flags.json")
        assert 1 == error.returncode
        assert [
            "shop/templates/shop/page.html:5",
            "shop/views.py:16",
        ] == [line.split(": error:")[0] for line in lines if ": error: " in line]

    def test_against_the_loaded_flags(self, flags_file: FlagsFile, tmp_path: Path) -> None:
        """Without --document the live configuration is compared; unreferenced flags warn."""
        code = tmp_path / "code"
        code.mkdir()
        (code / "views.py").write_text('flags_for(request).is_enabled("new_checkout")\n')
        lines = run("refs", str(code)).splitlines()
        label = f"version {get_client().status.version} of file {flags_file.path}"
        assert [
            f"{label}: warning: flag 'dark_mode' is defined but nothing references it",
            f"{label}: warning: flag 'vip' is defined but nothing references it",
            f"1 file scanned against {label} (3 flags): 0 missing, 0 deprecated still"
            " referenced, 2 unreferenced",
        ] == lines
        error, _ = failing("refs", str(code), "--strict")
        assert 1 == error.returncode

    def test_json_on_the_example_shop(self) -> None:
        """The Django example shop read against its document: nothing missing, as JSON."""
        shop = EXAMPLE.parents[1] / "django_shop"
        body = json.loads(run("refs", str(shop), "--document", str(EXAMPLE), "--json"))
        assert [] == body["missing"]
        assert {"new_checkout", "promo_banner", "recommendations", "gift_cards"} <= {
            name for name in body["flags"] if name not in body["unreferenced"]
        }

    def test_nothing_to_compare_exits_2(self, tmp_path: Path, settings: Any) -> None:
        """With no flags loaded and no --document, refs exits 2 saying what to pass."""
        path = tmp_path / "flags.json"
        path.write_text("[broken")
        settings.APPCONFIG = {"SOURCE": "file", "FILE": str(path), "START_TIMEOUT": 0}
        try:
            error, _ = failing("refs", str(tmp_path))
        finally:
            reset_client()
        assert 2 == error.returncode
        assert "pass --document FILE" in str(error)

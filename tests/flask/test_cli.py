"""``flask appconfig status|list|eval|validate`` through Flask's CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from appconfig_core import FlagClient, StaticSource
from appconfig_core.integration import unconfigured_report
from flask_appconfig import AppConfigFlags
from tests.support import wait_until

from .conftest import TIMEOUT, stored

#: The fields of the one status payload, in order (health endpoints give the same).
STATUS_KEYS = list(unconfigured_report("x").body)


def keys(output: str) -> list[str]:
    return [line.split(":", 1)[0] for line in output.splitlines()]


class TestStatus:
    def test_ok(self, app: Flask) -> None:
        """status starts the client and prints every field of the shared payload; exit 0."""
        result = app.test_cli_runner().invoke(args=["appconfig", "status"])
        assert result.exit_code == 0, result.output
        assert STATUS_KEYS == keys(result.output)
        assert ["health: ok", "ready: yes", "origin: file"] == result.output.splitlines()[:3]

    def test_degraded_exits_1(self, app: Flask, flags_file: Path) -> None:
        """A failing source with the last good flags still served is degraded: exit 1."""
        client = app.extensions["appconfig"].get_client(app)
        client.start()
        flags_file.write_text("{broken")
        assert wait_until(lambda: client.status.health == "degraded", TIMEOUT)
        result = app.test_cli_runner().invoke(args=["appconfig", "status"])
        assert result.exit_code == 1
        assert ["health: degraded", "ready: yes"] == result.output.splitlines()[:2]

    def test_unavailable_exits_2(self) -> None:
        """status exits 2 when no document could be loaded."""
        client = FlagClient(StaticSource(b"{", content_type="application/json"), start_timeout=1)
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        result = app.test_cli_runner().invoke(args=["appconfig", "status"])
        client.close()
        assert result.exit_code == 2
        assert STATUS_KEYS == keys(result.output)
        assert "ready: no" in result.output.splitlines()


class TestList:
    def test_lists_every_flag(self, app: Flask) -> None:
        """list prints one line per flag, sorted, evaluated for an empty context."""
        result = app.test_cli_runner().invoke(args=["appconfig", "list"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert [line.split(":")[0] for line in lines] == ["banner", "beta", "old"]
        assert lines[0].startswith("banner: on")

    def test_no_flags(self, make_app: Callable[..., Flask], tmp_path: Path) -> None:
        """list says so when the document defines no flags."""
        empty = tmp_path / "empty.json"
        empty.write_text("{}")
        app = make_app(APPCONFIG_FILE=str(empty))
        result = app.test_cli_runner().invoke(args=["appconfig", "list"])
        assert result.output.startswith("no flags")


class TestEval:
    def test_with_context(self, app: Flask) -> None:
        """eval NAME -c k=v evaluates with that context."""
        runner = app.test_cli_runner()
        pro = runner.invoke(args=["appconfig", "eval", "beta", "-c", "plan=pro"])
        free = runner.invoke(args=["appconfig", "eval", "beta", "--context", "plan=free"])
        assert pro.output.startswith("beta: on (variant 'pros', TARGETING_MATCH)")
        assert free.output.startswith("beta: off (variant 'rest', DEFAULT)")

    def test_bad_pair_is_a_usage_error(self, app: Flask) -> None:
        """A context entry without '=' is rejected as a bad parameter (exit code 2)."""
        result = app.test_cli_runner().invoke(args=["appconfig", "eval", "beta", "-c", "plan"])
        assert result.exit_code == 2
        assert "key=value" in result.output

    def test_missing_flag(self, app: Flask) -> None:
        """A flag the document lacks is reported as FLAG_NOT_FOUND."""
        result = app.test_cli_runner().invoke(args=["appconfig", "eval", "nope"])
        assert "FLAG_NOT_FOUND" in result.output


class TestValidate:
    def test_valid_file(self, app: Flask, tmp_path: Path) -> None:
        """A valid document passes, with its flag count."""
        path = tmp_path / "good.json"
        path.write_text(json.dumps(stored({"a": {"enabled": True}, "b": {"enabled": False}})))
        result = app.test_cli_runner().invoke(args=["appconfig", "validate", str(path)])
        assert result.exit_code == 0, result.output
        assert result.output == f"OK {path}: AppConfig stored form, 2 flags\n"

    def test_invalid_file_lists_problems(self, app: Flask, tmp_path: Path) -> None:
        """An invalid document exits 1 and prints each problem with the file's name."""
        path = tmp_path / "bad.json"
        bad = stored({"a": {"_variants": [{"name": "x", "enabled": True, "rule": "(eq $a"}]}})
        path.write_text(json.dumps(bad))
        result = app.test_cli_runner().invoke(args=["appconfig", "validate", str(path)])
        assert result.exit_code == 1
        lines = result.output.splitlines()
        assert lines[0].startswith(f"{path}: values.a._variants[0].rule: ")
        assert lines[-1] == f"{path}: invalid (2 problems)"

    def test_not_json(self, app: Flask, tmp_path: Path) -> None:
        """A file that does not parse is reported, not raised."""
        path = tmp_path / "broken.json"
        path.write_text("{not json")
        result = app.test_cli_runner().invoke(args=["appconfig", "validate", str(path)])
        assert result.exit_code == 1
        assert f"{path}: document" in result.output

    def test_defaults_to_the_configured_file(self, app: Flask) -> None:
        """Without FILE and with the file source, the configured file is checked."""
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("OK ")
        assert result.output.endswith(": AppConfig stored form, 3 flags\n")

    def test_other_source_reports_the_loaded_document(self) -> None:
        """Without FILE and with another source, the loaded document's version is reported."""
        client = FlagClient(StaticSource({"a": {"enabled": True}}, version="3"))
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        client.close()
        assert result.exit_code == 0, result.output
        assert "OK static document: version 3 (static), 1 flag\n" == result.output

    @pytest.mark.parametrize("text", ["[]", "{}", "null", '{"beta": true}'])
    def test_no_flags_exits_1(self, app: Flask, tmp_path: Path, text: str) -> None:
        """A document with no flags fails under auto, saying what auto guessed and why."""
        path = tmp_path / "flags.json"
        path.write_text(text)
        result = app.test_cli_runner().invoke(args=["appconfig", "validate", str(path)])
        assert result.exit_code == 1
        lines = result.output.splitlines()
        assert lines[0].startswith(f"{path}: format auto read this document as ")
        assert ", because " in lines[0]
        assert f"{path}: invalid (no flags)" == lines[-1]

    def test_raw_when_asked_for(self, app: Flask, tmp_path: Path) -> None:
        """--format raw accepts a document with no flags."""
        path = tmp_path / "settings.json"
        path.write_text('{"beta": true}')
        args = ["appconfig", "validate", str(path), "--format", "raw"]
        result = app.test_cli_runner().invoke(args=args)
        assert (0, f"OK {path}: raw configuration, no flags\n") == (
            result.exit_code,
            result.output,
        )


class TestNoTraceback:
    def test_unexpected_error_is_one_line(
        self, app: Flask, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An error nobody foresaw prints one line and exits 1, never a traceback."""
        from flask_appconfig import _cli

        def broken(app: Flask) -> None:
            raise TypeError("surprise")

        monkeypatch.setattr(_cli, "state_for", broken)
        result = app.test_cli_runner().invoke(args=["appconfig", "list"])
        assert 1 == result.exit_code
        assert result.output.startswith("Error: unexpected TypeError: surprise (a bug in")
        assert "Traceback" not in result.output

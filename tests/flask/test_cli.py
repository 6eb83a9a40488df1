"""``flask appconfig status|list|eval|validate`` through Flask's CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from appconfig_core import FlagClient, StaticSource
from flask_appconfig import AppConfigFlags

from .conftest import stored


class TestStatus:
    def test_ready(self, app: Flask) -> None:
        """status starts the client and prints its state; exit code 0 when ready."""
        result = app.test_cli_runner().invoke(args=["appconfig", "status"])
        assert result.exit_code == 0, result.output
        assert "ready: True" in result.output
        assert "origin: network" in result.output

    def test_not_ready_exits_1(self) -> None:
        """status exits 1 when no document could be loaded."""
        client = FlagClient(StaticSource(b"{", content_type="application/json"), start_timeout=1)
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        result = app.test_cli_runner().invoke(args=["appconfig", "status"])
        client.close()
        assert result.exit_code == 1
        assert "ready: False" in result.output


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
        client = FlagClient(StaticSource({"a": {"enabled": True}}))
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        client.close()
        assert result.exit_code == 0, result.output
        assert "is valid" in result.output

"""``flask appconfig status|list|eval|validate|refs`` through Flask's CLI runner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from appconfig_core import FlagClient, StaticSource
from appconfig_core.devserver import DevServer
from appconfig_core.integration import unconfigured_report
from flask_appconfig import AppConfigFlags
from tests.support import wait_until

from .conftest import DOCUMENT, TIMEOUT, stored

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
        """list prints one line per flag, in document order, evaluated for an empty context."""
        result = app.test_cli_runner().invoke(args=["appconfig", "list"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert [line.split(":")[0] for line in lines] == ["beta", "banner", "old"]
        assert lines[1].startswith("banner: on")

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

    def test_missing_flag_exits_1(self, app: Flask) -> None:
        """A flag the document lacks exits 1, as in the other CLIs, suggesting the close name."""
        result = app.test_cli_runner().invoke(args=["appconfig", "eval", "bta"])
        assert 1 == result.exit_code
        version = app.extensions["appconfig"].get_client(app).status.version
        assert result.output == (
            f"Error: no flag named 'bta' in version {version} of file {app.config['APPCONFIG_FILE']};"
            " did you mean 'beta'? (flags: banner, beta, old)\n"
        )


class TestEvalThroughTheAgent:
    def test_context_reaches_the_agent(self, tmp_path: Path) -> None:
        """eval -c of a flag the Agent evaluates asks the Agent with that context."""
        (tmp_path / "shop:test:flags.featureflags.json").write_text(json.dumps(DOCUMENT))
        with DevServer(tmp_path) as server:
            app = Flask(__name__)
            app.config.update(
                APPCONFIG_SOURCE="agent",
                APPCONFIG_APPLICATION="shop",
                APPCONFIG_ENVIRONMENT="test",
                APPCONFIG_PROFILE="flags",
                APPCONFIG_AGENT_URL=server.url,
                APPCONFIG_POLL_INTERVAL=3600,
            )
            AppConfigFlags(app)
            try:
                runner = app.test_cli_runner()
                pro = runner.invoke(args=["appconfig", "eval", "beta", "-c", "plan=pro"])
                free = runner.invoke(args=["appconfig", "eval", "beta"])
                asked = [r for r in server.requests if r.operation == "Agent"]
            finally:
                app.extensions["appconfig"].get_client(app).close()
        assert pro.output == "beta: on (variant 'pros', TARGETING_MATCH)\n", pro.output
        assert free.output.startswith("beta: off (variant 'rest', DEFAULT)")
        assert len(asked) >= 2


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
        assert result.output.splitlines()[0].endswith(": AppConfig stored form, 3 flags")


class TestValidateContextKeys:
    def test_a_rule_key_the_default_context_lacks_warns(self, app: Flask) -> None:
        """The test document's ``$plan`` is no key of the default context: a warning, exit 0."""
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        path = app.config["APPCONFIG_FILE"]
        assert (
            0,
            [
                f"{path}: warning: values.beta._variants[0].rule reads context key 'plan', which the"
                " default Flask context never supplies (it supplies targeting_key, user_id,"
                " visitor_id)"
            ],
        ) == (result.exit_code, result.output.splitlines()[1:])

    def test_a_declared_context_function(self, make_app: Callable[..., Flask]) -> None:
        """A context function whose ``context_keys`` list ``plan`` gives no warning."""

        def context() -> dict[str, str]:
            return {"plan": "pro"}

        context.context_keys = ("plan",)  # type: ignore[attr-defined]
        app = make_app(APPCONFIG_CONTEXT=context)
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        assert 1 == len(result.output.splitlines()), result.output

    def test_an_undeclared_context_function_is_not_guessed(
        self, make_app: Callable[..., Flask]
    ) -> None:
        """A context function without ``context_keys`` has unknown keys: no warning."""
        app = make_app(APPCONFIG_CONTEXT=lambda: {})
        result = app.test_cli_runner().invoke(args=["appconfig", "validate"])
        assert 1 == len(result.output.splitlines()), result.output


SAMPLE = Path(__file__).parents[1] / "core" / "integration" / "refs_sample"
EXAMPLES = Path(__file__).parents[2] / "example_projects"


class TestRefs:
    def test_against_a_document_file(
        self, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """refs --document finds the sample tree's seeded typos and exits 1."""
        shutil.copytree(SAMPLE, tmp_path / "sample")
        monkeypatch.chdir(tmp_path / "sample")
        result = app.test_cli_runner().invoke(
            args=["appconfig", "refs", "--document", "flags.json"]
        )
        assert 1 == result.exit_code
        errors = [line for line in result.output.splitlines() if ": error: " in line]
        assert ["shop/templates/shop/page.html:5", "shop/views.py:16"] == [
            line.split(": error:")[0] for line in errors
        ]

    def test_example_shop_against_the_loaded_flags(self, make_app: Callable[..., Flask]) -> None:
        """The Flask shop compared with the live configuration of its own document: exit 0."""
        app = make_app(APPCONFIG_FILE=str(EXAMPLES / "appconfig" / "shop:demo:flags.json"))
        args = ["appconfig", "refs", str(EXAMPLES / "flask_shop"), "--json"]
        result = app.test_cli_runner().invoke(args=args)
        assert 0 == result.exit_code, result.output
        body = json.loads(result.output)
        assert [] == body["missing"]
        assert "legacy_search" in body["unreferenced"]
        strict = app.test_cli_runner().invoke(args=[*args, "--strict"])
        assert 1 == strict.exit_code

    def test_nothing_to_compare_exits_2(self) -> None:
        """With no flags loaded and no --document, refs exits 2 and asks for a document."""
        client = FlagClient(StaticSource(b"{", content_type="application/json"), start_timeout=1)
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        result = app.test_cli_runner().invoke(args=["appconfig", "refs", "."])
        client.close()
        assert 2 == result.exit_code
        assert "pass --document FILE" in result.output

    def test_a_missing_path_is_a_usage_error(self, app: Flask, tmp_path: Path) -> None:
        """A path that does not exist exits 2 with click's usage error."""
        result = app.test_cli_runner().invoke(args=["appconfig", "refs", str(tmp_path / "x")])
        assert 2 == result.exit_code
        assert "no such file or directory" in result.output

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

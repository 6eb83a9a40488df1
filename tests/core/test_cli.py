"""The ``appconfig-flags`` command line (appconfig_core._cli), driven through ``main(argv)``."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from appconfig_core._cli import main, parse_context
from tests.support import STATUS_KEYS

POWERTOOLS_DOC = {
    "premium": {
        "default": False,
        "rules": {
            "vip": {
                "when_match": True,
                "conditions": [
                    {"action": "EQUALS", "key": "tier", "value": "vip"},
                    {"action": "KEY_GREATER_THAN_VALUE", "key": "n", "value": 4},
                ],
            }
        },
    },
    "night": {
        "default": False,
        "rules": {
            "late": {
                "when_match": True,
                "conditions": [
                    {
                        "action": "SCHEDULE_BETWEEN_TIME_RANGE",
                        "key": "CURRENT_TIME",
                        "value": {"START": "22:00", "END": "06:00", "TIMEZONE": "Europe/Paris"},
                    }
                ],
            }
        },
    },
    "plain": {"default": True},
}


def write(tmp_path: Path, document: Any, name: str = "flags.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


@pytest.fixture(name="flags_file")
def _flags_file(tmp_path: Path) -> str:
    return write(tmp_path, POWERTOOLS_DOC)


class TestParseContext:
    def test_json_values_and_strings(self) -> None:
        """Values that parse as JSON are decoded; anything else stays a string."""
        assert (
            parse_context(["n=5", "ok=true", 'tags=["a"]', "tier=vip", 'id="5"', "x=null"])
        ) == {"n": 5, "ok": True, "tags": ["a"], "tier": "vip", "id": "5", "x": None}

    def test_value_may_contain_equals(self) -> None:
        """Only the first "=" separates key from value."""
        assert parse_context(["q=a=b"]) == {"q": "a=b"}

    def test_malformed_entry(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """An entry without "=" is a usage error (exit 2) with one clear line."""
        assert main(["eval", flags_file, "plain", "-c", "tier"]) == 2
        err = capsys.readouterr().err
        assert err == "appconfig-flags: -c expects key=value, got 'tier'\n"


class TestValidate:
    def test_valid_file(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """A valid file exits 0 with a one-line summary naming the format and flag count."""
        assert main(["validate", flags_file]) == 0
        assert f"OK {flags_file}: Powertools schema, 3 flags\n" == capsys.readouterr().out

    def test_every_problem_on_its_own_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """An invalid file exits 1 and lists each problem with its location."""
        path = write(
            tmp_path,
            {
                "a": {"default": "yes"},
                "b": {"default": True, "rules": {"r": {"when_match": True, "conditions": []}}},
            },
        )
        assert main(["validate", path]) == 1
        assert [
            f'{path}: a.default: must be true or false (set "boolean_type": false for a'
            " non-boolean feature)",
            f'{path}: b.rules["r"].conditions: must be a non-empty list of conditions',
            f"{path}: format auto read this document as the Powertools schema, because an entry"
            ' holds "default"; if it is free-form configuration, set format="raw"',
            f"{path}: invalid (2 problems)",
        ] == capsys.readouterr().out.splitlines()

    def test_retrieval_form(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """The AppConfig retrieval form is detected and counted."""
        path = write(tmp_path, {"a": {"enabled": True, "x": 1}})
        assert main(["validate", path]) == 0
        assert f"OK {path}: AppConfig retrieval form, 1 flag\n" == capsys.readouterr().out

    def test_raw(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Free-form configuration validates as raw, with no flags, when raw is asked for."""
        path = write(tmp_path, "timeout: 5\n", name="app.yaml")
        assert main(["validate", path, "--format", "raw"]) == 0
        assert f"OK {path}: raw configuration, no flags\n" == capsys.readouterr().out

    @pytest.mark.parametrize(
        ("text", "name", "guess"),
        [
            ("[]", "flags.json", "raw configuration"),
            ("{}", "flags.json", "the AppConfig retrieval form"),
            ("null", "flags.json", "raw configuration"),
            ('{"beta": true}', "flags.json", "raw configuration"),
            ("timeout: 5\n", "app.yaml", "raw configuration"),
            ("beta on", "flags.txt", "raw configuration"),
        ],
    )
    def test_no_flags_exits_1_under_auto(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, name: str, guess: str
    ) -> None:
        """Under auto a document with no flags exits 1, saying what auto guessed and why."""
        path = write(tmp_path, text, name=name)
        assert main(["validate", path]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith(f"{path}: format auto read this document as {guess} with no")
        assert ", because " in out[0]
        assert f"{path}: invalid (no flags)" == out[-1]

    def test_forced_format(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """--format powertools validates even a document auto would call raw."""
        path = write(tmp_path, {"a": {"x": 1}})
        assert main(["validate", path, "--format", "powertools"]) == 1
        assert "a.default: is required" in capsys.readouterr().out

    def test_bad_json(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A file that does not parse exits 1 with the parser's position, no traceback."""
        path = write(tmp_path, '{"a": ')
        assert main(["validate", path]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith(f"{path}: document: invalid JSON:")
        assert "line 1" in out[0]
        assert [f"{path}: invalid (1 problem)"] == out[1:]

    def test_missing_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A missing file exits 2 with one line saying so."""
        path = str(tmp_path / "nope.json")
        assert main(["validate", path]) == 2
        assert f"appconfig-flags: cannot read {path}: No such file or directory\n" == (
            capsys.readouterr().err
        )

    def test_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """FILE "-" reads the document from standard input."""
        stdin = io.TextIOWrapper(io.BytesIO(b'{"a": {"default": true}}'))
        monkeypatch.setattr(sys, "stdin", stdin)
        assert main(["validate", "-"]) == 0
        assert capsys.readouterr().out == "OK -: Powertools schema, 1 flag\n"

    def test_unknown_format_is_usage_error(self, flags_file: str) -> None:
        """An unknown --format is rejected by argparse with exit 2."""
        with pytest.raises(SystemExit) as info:
            main(["validate", flags_file, "--format", "xml"])
        assert info.value.code == 2


class TestEval:
    def test_prints_evaluation(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """eval prints the one-line evaluation every command line prints."""
        assert main(["eval", flags_file, "premium", "-c", "tier=vip", "-c", "n=5"]) == 0
        assert "premium: on (variant 'vip', TARGETING_MATCH)\n" == capsys.readouterr().out

    def test_numbers_are_numbers(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """-c n=5 is the number 5 (a quoted "5" would not compare greater than 4)."""
        main(["eval", flags_file, "premium", "-c", "tier=vip", "-c", 'n="5"', "--json"])
        assert {
            k: v
            for k, v in json.loads(capsys.readouterr().out).items()
            if k in {"reason", "enabled"}
        } == {"reason": "DEFAULT", "enabled": False}

    def test_json_output(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """--json prints the evaluation as one JSON object."""
        assert main(["eval", flags_file, "plain", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == {
            "name": "plain",
            "enabled": True,
            "value": True,
            "variant": None,
            "reason": "STATIC",
            "error": None,
            "version": None,
            "attributes": {},
        }

    def test_at_pins_the_clock(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """--at evaluates time rules at the given instant (no offset means UTC)."""
        main(["eval", flags_file, "night", "--at", "2024-03-04T21:30:00", "--json"])
        assert json.loads(capsys.readouterr().out)["variant"] == "late"
        main(["eval", flags_file, "night", "--at", "2024-03-04T12:00:00+00:00", "--json"])
        assert json.loads(capsys.readouterr().out)["variant"] is None

    def test_bad_at(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """A malformed --at is a usage error."""
        assert main(["eval", flags_file, "night", "--at", "tonight"]) == 2
        assert "--at expects an ISO 8601" in capsys.readouterr().err

    def test_unknown_flag(self, capsys: pytest.CaptureFixture[str], flags_file: str) -> None:
        """An unknown flag exits 1, suggesting the close name and listing the file's flags."""
        assert main(["eval", flags_file, "premum"]) == 1
        assert (
            f"appconfig-flags: no flag named 'premum' in {flags_file}; did you mean 'premium'?"
            " (flags: night, plain, premium)\n"
        ) == capsys.readouterr().err

    def test_invalid_document(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """eval on an invalid file names the first problem and points at validate."""
        path = write(tmp_path, {"a": {"default": 1}, "b": {"default": 2}})
        assert main(["eval", path, "a"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"appconfig-flags: {path}: a.default: must be true or false")
        assert err.endswith(f"(and 1 more; run 'appconfig-flags validate {path}')\n")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(name="aws_env")
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and no shared config, so boto3 never reaches real AWS settings."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_APPCONFIGDATA"):
        monkeypatch.delenv(name, raising=False)


class TestFetch:
    def test_prints_document(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_env: None
    ) -> None:
        """fetch prints the deployed document from a local AppConfig server."""
        from appconfig_core.devserver import DevServer

        (tmp_path / "shop:prod:flags.json").write_text(json.dumps(POWERTOOLS_DOC))
        with DevServer(tmp_path) as server:
            status = main(
                [
                    "fetch",
                    "--application", "shop",
                    "--environment", "prod",
                    "--profile", "flags",
                    "--endpoint-url", server.url,
                    "--region", "us-east-1",
                ]
            )  # fmt: skip
        captured = capsys.readouterr()
        assert status == 0
        assert json.loads(captured.out) == POWERTOOLS_DOC
        assert captured.err.startswith("AppConfig shop/prod/flags: version")

    def test_unreachable_endpoint(self, capsys: pytest.CaptureFixture[str], aws_env: None) -> None:
        """An endpoint nobody listens on exits 1 with one line, no traceback."""
        url = f"http://127.0.0.1:{_closed_port()}"
        argv = ["fetch", "--application", "a", "--environment", "e", "--profile", "p"]
        assert main([*argv, "--endpoint-url", url, "--region", "us-east-1"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("appconfig-flags: AppConfig a/e/p: StartConfigurationSession failed")
        assert len(err.splitlines()) == 1

    def test_bad_identifier(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An application name AppConfig cannot accept is a usage error (exit 2)."""
        argv = ["fetch", "--application", "a" * 200, "--environment", "e", "--profile", "p"]
        assert main(argv) == 2
        assert "application must be the AppConfig application name" in capsys.readouterr().err

    def test_missing_option(self) -> None:
        """fetch without --profile is rejected by argparse with exit 2."""
        with pytest.raises(SystemExit) as info:
            main(["fetch", "--application", "a", "--environment", "e"])
        assert info.value.code == 2


class TestStatus:
    def test_ok_through_appconfigdata(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_env: None
    ) -> None:
        """status loads a profile through boto3, prints every status field and exits 0."""
        from appconfig_core.devserver import DevServer

        (tmp_path / "shop:prod:flags.json").write_text(json.dumps(POWERTOOLS_DOC))
        argv = ["status", "--application", "shop", "--environment", "prod", "--profile", "flags"]
        with DevServer(tmp_path) as server:
            code = main([*argv, "--endpoint-url", server.url, "--region", "us-east-1"])
        lines = capsys.readouterr().out.splitlines()
        assert 0 == code
        assert STATUS_KEYS == [line.split(":", 1)[0] for line in lines]
        assert ["health: ok", "ready: yes", "origin: network"] == lines[:3]

    def test_cache_only_is_degraded(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_env: None
    ) -> None:
        """With AppConfig gone and flags from the disk cache, status exits 1 (degraded)."""
        from appconfig_core.devserver import DevServer

        served = tmp_path / "served"
        served.mkdir()
        (served / "shop:prod:flags.json").write_text(json.dumps(POWERTOOLS_DOC))
        argv = ["status", "--application", "shop", "--environment", "prod", "--profile", "flags"]
        argv += ["--region", "us-east-1", "--cache-path", str(tmp_path / "flags.cache")]
        with DevServer(served) as server:
            url = server.url
            assert 0 == main([*argv, "--endpoint-url", url])
        capsys.readouterr()
        code = main([*argv, "--endpoint-url", url, "--timeout", "2"])  # the server is gone
        captured = capsys.readouterr()
        lines = captured.out.splitlines()
        assert 1 == code, captured.err
        assert ["health: degraded", "ready: yes", "origin: cache"] == lines[:3]

    def test_nothing_loaded_is_unavailable(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A flags file that does not parse leaves nothing loaded: status exits 2."""
        path = write(tmp_path, '{"a": ')
        assert 2 == main(["status", "--source", "file", "--file", path, "--timeout", "2"])
        assert "health: unavailable" == capsys.readouterr().out.splitlines()[0]

    def test_missing_option_names_it(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A source without its required option is one line naming the option, exit 2."""
        assert 2 == main(["status", "--application", "shop"])
        captured = capsys.readouterr()
        assert captured.err.startswith("appconfig-flags: --environment")
        assert 1 == len(captured.err.splitlines())


class TestNoTraceback:
    def test_unexpected_error_is_one_line(
        self, capsys: pytest.CaptureFixture[str], flags_file: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An error nobody foresaw exits 1 with one line on stderr, never a traceback."""
        from appconfig_core import _cli

        def broken(*args: object, **kwargs: object) -> None:
            raise TypeError("surprise")

        monkeypatch.setattr(_cli, "compile_document", broken)
        assert 1 == main(["eval", flags_file, "plain"])
        err = capsys.readouterr().err
        assert err.startswith("appconfig-flags: unexpected TypeError: surprise")
        assert "Traceback" not in err
        assert 1 == len(err.splitlines())


EXAMPLE = str(Path(__file__).parents[2] / "example_projects" / "appconfig" / "shop:demo:flags.json")


class TestExampleFlagFile:
    """The CLI on the example shops' flag file (the stored form, with variants)."""

    def test_validates(self, capsys: pytest.CaptureFixture[str]) -> None:
        """validate accepts the example file and names its format."""
        assert main(["validate", EXAMPLE]) == 0
        assert capsys.readouterr().out == f"OK {EXAMPLE}: AppConfig stored form, 5 flags\n"

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["new_checkout"], {"enabled": True, "reason": "STATIC", "variant": None}),
            (
                ["recommendations", "-c", "email=ann@example.com"],
                {"enabled": True, "reason": "TARGETING_MATCH", "variant": "staff"},
            ),
            (["recommendations"], {"enabled": True, "reason": "DEFAULT", "variant": "default"}),
            (["gift_cards"], {"enabled": False, "reason": "STATIC", "variant": None}),
        ],
    )
    def test_evaluates(
        self, capsys: pytest.CaptureFixture[str], argv: list[str], expected: dict[str, Any]
    ) -> None:
        """eval answers each kind of flag in the example file."""
        assert main(["eval", EXAMPLE, *argv, "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert {key: answer[key] for key in expected} == expected

    def test_split_variant(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Some users fall in the example's 50% split and get reason SPLIT."""
        reasons = set()
        for i in range(20):
            main(["eval", EXAMPLE, "recommendations", "-c", f"user_id=u{i}", "--json"])
            reasons.add(json.loads(capsys.readouterr().out)["reason"])
        assert reasons == {"SPLIT", "DEFAULT"}


class TestValidateContextKeys:
    def test_warns_about_keys_the_context_lacks(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--context-keys makes validate warn, still exiting 0, for a rule key not in the list."""
        assert main(["validate", EXAMPLE, "--context-keys", "userId,email"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert [
            f"OK {EXAMPLE}: AppConfig stored form, 5 flags",
            f"{EXAMPLE}: warning: values.recommendations._variants[1].rule reads context key"
            " 'user_id', which the context (--context-keys) never supplies (it supplies email,"
            " userId); did you mean 'userId'?",
        ] == lines

    def test_silent_without_the_option_or_when_every_key_is_listed(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without --context-keys nothing is known to be missing; with all keys, nothing is."""
        main(["validate", EXAMPLE])
        main(["validate", EXAMPLE, "--context-keys", "user_id, email"])
        assert 2 == len(capsys.readouterr().out.splitlines())


SAMPLE = Path(__file__).parent / "integration" / "refs_sample"


class TestRefs:
    def test_sample_tree_fails_on_its_typos(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The seeded typos exit 1, each on its own file:line error line."""
        monkeypatch.chdir(SAMPLE)
        assert main(["refs", "--document", "flags.json"]) == 1
        out = capsys.readouterr().out.splitlines()
        errors = [line for line in out if ": error: " in line]
        assert [line.split(": error:")[0] for line in errors] == [
            "shop/templates/shop/page.html:5",
            "shop/views.py:16",
        ]

    def test_example_projects_are_clean(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The shops read only flags their document defines: exit 0, legacy_search left unread."""
        shops = str(Path(EXAMPLE).parents[1])
        assert main(["refs", shops, "--document", EXAMPLE, "--json"]) == 0
        body = json.loads(capsys.readouterr().out)
        assert ([], ["legacy_search"]) == (body["missing"], body["unreferenced"])
        assert main(["refs", shops, "--document", EXAMPLE, "--strict"]) == 1

    def test_usage_errors_exit_2(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A missing path, an unreadable or invalid document are usage errors (exit 2)."""
        assert main(["refs", str(tmp_path / "none"), "--document", EXAMPLE]) == 2
        assert "no such file or directory" in capsys.readouterr().err
        assert main(["refs", str(tmp_path), "--document", str(tmp_path / "none.json")]) == 2
        assert "cannot read" in capsys.readouterr().err
        bad = write(tmp_path, {"a": {"default": "yes"}})
        assert main(["refs", str(tmp_path), "--document", bad]) == 2
        assert "not a valid flags document" in capsys.readouterr().err


class TestEntryPoints:
    def test_console_script(self) -> None:
        """The installed appconfig-flags console script runs main()."""
        from importlib.metadata import entry_points

        [script] = entry_points(group="console_scripts", name="appconfig-flags")
        assert script.load() is main

    def test_interrupt_exits_130(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flags_file: str
    ) -> None:
        """Ctrl-C exits 130 without a traceback."""
        from appconfig_core import _cli

        def interrupted(args: object, out: object) -> int:
            raise KeyboardInterrupt

        monkeypatch.setattr(_cli, "_validate", interrupted)
        assert main(["validate", flags_file]) == 130
        assert capsys.readouterr().err == ""


class TestSubprocess:
    def test_python_m(self, flags_file: str) -> None:
        """``python -m appconfig_core`` runs the same CLI and exits with its status."""
        env = {**os.environ, "PYTHONWARNINGS": "error"}
        ok = subprocess.run(
            [sys.executable, "-m", "appconfig_core", "eval", flags_file, "plain", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert (ok.returncode, ok.stderr) == (0, "")
        assert json.loads(ok.stdout)["enabled"] is True
        missing = subprocess.run(
            [sys.executable, "-m", "appconfig_core", "validate", flags_file + ".nope"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert missing.returncode == 2
        assert "Traceback" not in missing.stderr
        assert len(missing.stderr.splitlines()) == 1

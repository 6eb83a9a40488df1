"""The shared settings: every key type-checked once, each problem with its code and message."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import (
    AgentSource,
    AppConfigDataSource,
    ConfigurationError,
    FileSource,
)
from appconfig_core.integration import (
    DEFAULTS,
    build_client,
    callable_problem,
    configuration_error,
    container_problem,
    guard_context,
    merged_settings,
    resolve_callable,
    settings_problems,
)

BASE = {"APPLICATION": "shop", "ENVIRONMENT": "prod", "PROFILE": "flags"}
DOCS = Path(__file__).resolve().parents[3] / "docs"
TROUBLESHOOTING = DOCS / "troubleshooting.md"
#: Codes only the adapters report: the context function, Django's CLIENT, Flask's
#: HEALTH_URL, Django's APPCONFIG dict itself.
ADAPTER_CODES = {"E006", "E008", "E009", "E013", "W002"}
NOT_CALLABLE = 42

#: One example of each problem, with the exact message; docs/troubleshooting.md shows these.
#: Paths are relative to a directory holding ``flags.json`` (a file) and ``var/`` (a folder).
EXAMPLES: list[tuple[dict[str, Any], str, str]] = [
    ({"APPLICATION": None}, "E001", "APPLICATION: required for the 'appconfig' source"),
    ({"APPLICATION": 123}, "E001", "APPLICATION: must be a string, not int"),
    ({"PROFILE": "p" * 129}, "E001", "PROFILE: is 129 characters long; AppConfig allows 1 to 128"),
    ({"POLL_INTERVAL": 5}, "E002", "POLL_INTERVAL: 5 is outside AppConfig's limits"),
    ({"POLL_INTERVAL": "30"}, "E002", "POLL_INTERVAL: must be a number of seconds, not str '30'"),
    (
        {"POLL_INTERVAL": 30.5},
        "E002",
        "POLL_INTERVAL: must be a whole number of seconds for the 'appconfig' source, not 30.5",
    ),
    (
        {"POLL_INTERVAL": math.inf},
        "E002",
        "POLL_INTERVAL: must be a finite number of seconds, not inf",
    ),
    (
        {"SOURCE": "file", "FILE": "flags.json", "POLL_INTERVAL": 0},
        "E002",
        "POLL_INTERVAL: must be more than 0 and at most 86400 seconds, not 0",
    ),
    ({"SOURCE": "file", "FILE": None}, "E003", "FILE: required for the 'file' source"),
    ({"SOURCE": "file", "FILE": "x.json"}, "E003", "FILE: 'x.json' does not exist"),
    ({"SOURCE": "file", "FILE": "var"}, "E003", "FILE: 'var' is a directory, not a flags file"),
    ({"FILE": 5}, "E003", "FILE: must be a path (str or os.PathLike), not int"),
    ({"SOURCE": "aws"}, "E004", "SOURCE: unknown source 'aws'"),
    ({"SOURCE": ["file"]}, "E004", "SOURCE: must be a string, not list"),
    ({"FORMAT": "json"}, "E005", "FORMAT: unknown format 'json'"),
    ({"START_TIMEOUT": -1}, "E007", "START_TIMEOUT: must be from 0 to 300 seconds, not -1"),
    (
        {"START_TIMEOUT": math.nan},
        "E007",
        "START_TIMEOUT: must be a finite number of seconds, not nan",
    ),
    (
        {"START_TIMEOUT": "5"},
        "E007",
        "START_TIMEOUT: must be a number of seconds, not str '5'",
    ),
    (
        {"DEFAULTS": ["beta"]},
        "E007",
        "DEFAULTS: must be a dict of flag names to defaults, not list",
    ),
    (
        {"DEFAULTS": {"beta": "on"}},
        "E007",
        "DEFAULTS: defaults['beta'] must be true/false or an object with a boolean"
        ' "enabled", not str',
    ),
    (
        {"AGENT_URL": "localhost:2772"},
        "E010",
        "AGENT_URL: 'localhost:2772' is not an http(s) URL",
    ),
    ({"AGENT_TOKEN": 42}, "E010", "AGENT_TOKEN: must be a non-empty string, not int"),
    ({"CACHE_PATH": 5}, "E011", "CACHE_PATH: must be a path (str or os.PathLike), not int"),
    ({"CACHE_PATH": "var"}, "E011", "CACHE_PATH: 'var' is a directory"),
    ({"REGION": 5}, "E012", "REGION: must be a string, not int"),
    ({"REGION": "eu west 1"}, "E012", "REGION: 'eu west 1' is not a region name"),
    ({"ENDPOINT_URL": "nope"}, "E012", "ENDPOINT_URL: 'nope' is not an http(s) URL"),
    (
        {"BROWSER_FLAGS": "beta"},
        "E014",
        "BROWSER_FLAGS: must be a list or a dict of flag names, not str",
    ),
    ({"OVERRIDES": "os.sep"}, "E015", "OVERRIDES: 'os.sep' is not callable (it is str)"),
    ({"VISITOR_COOKIE": 3}, "E016", "VISITOR_COOKIE: must be a cookie name or None, not int"),
    ({"VISITOR_MAX_AGE": 60}, "E016", "VISITOR_MAX_AGE: 60 is outside 3600 to 63072000 seconds"),
    ({"STRICT": "yes"}, "E017", "STRICT: must be True, False or None, not str 'yes'"),
    ({"REPORT_USAGE": None}, "E017", "REPORT_USAGE: must be True or False, not NoneType None"),
    ({"POL_INTERVAL": 30}, "W001", "POL_INTERVAL: unknown setting"),
]

#: Values of every shape a settings file can hold by mistake.
ODD_VALUES: list[Any] = [
    None, "", 0, -1, True, 1.5, math.nan, math.inf, 10**30, "x", "30", "/", [], ["beta"], {},
    {1: True}, {"a": {"enabled": "x"}}, object(), b"bytes", "http://[::1", "http://h:0", "\0",
]  # fmt: skip


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding ``flags.json`` and an empty ``var/`` directory."""
    (tmp_path / "flags.json").write_text("{}")
    (tmp_path / "var").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(settings: Mapping[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    return [(p.code, str(p)) for p in settings_problems(merged_settings(settings), **kwargs)]


class TestSettingsProblems:
    def test_valid_settings_have_no_problems(self) -> None:
        """The README's three keys are enough."""
        assert [] == problems(BASE)

    @pytest.mark.parametrize(("settings", "code", "message"), EXAMPLES)
    def test_each_problem_says_what_is_wrong(
        self, workdir: Path, settings: dict[str, Any], code: str, message: str
    ) -> None:
        """Each wrong value gives exactly one problem, with its code and a precise message."""
        assert [(code, message)] == problems({**BASE, **settings})

    def test_key_spelt_as_the_framework_does(self) -> None:
        """``prefix`` makes each problem name the key the user wrote."""
        assert [
            ("E001", "APPCONFIG_ENVIRONMENT: required for the 'appconfig' source"),
            ("E001", "APPCONFIG_PROFILE: required for the 'appconfig' source"),
        ] == problems({"APPLICATION": "shop"}, prefix="APPCONFIG_")

    @pytest.mark.parametrize("interval", [15, 86400, None])
    def test_poll_interval_limits_are_inclusive(self, interval: int | None) -> None:
        """15 and 86400 themselves, and None (AppConfig decides), are accepted."""
        assert [] == problems({**BASE, "POLL_INTERVAL": interval})

    def test_token_is_never_shown(self) -> None:
        """An AGENT_TOKEN problem names the type only, never the value (it is a secret)."""
        [problem] = settings_problems(merged_settings({**BASE, "AGENT_TOKEN": ["s3cret"]}))
        assert "s3cret" not in f"{problem} {problem.hint}"

    def test_adapter_keys_are_not_unknown(self) -> None:
        """Keys the adapter declares are accepted."""
        assert [] == problems({**BASE, "CONTEXT": "x.y"}, extra_keys=frozenset({"CONTEXT"}))

    @pytest.mark.parametrize("key", sorted(DEFAULTS))
    @pytest.mark.parametrize("source", ["appconfig", "agent", "file"])
    def test_no_value_makes_the_checks_or_the_build_raise(self, source: str, key: str) -> None:
        """Whatever a key holds, checks return problems and build_client raises only
        ConfigurationError, so no setting can surface as another exception in a request."""
        for value in ODD_VALUES:
            settings = {**BASE, "SOURCE": source, "FILE": __file__, key: value}
            found = settings_problems(merged_settings(settings))
            try:
                client = build_client(settings)
            except ConfigurationError:
                assert any(p.is_error for p in found), (key, value)
            else:
                client.close()
                assert not any(p.is_error for p in found), (key, value)


class TestContainerProblem:
    def test_not_a_dict(self) -> None:
        """A settings object that is not a dict is E013; a dict or nothing is fine."""
        problem = container_problem(["APPLICATION"], "APPCONFIG")
        assert problem is not None
        assert ("E013", "APPCONFIG: must be a dict of settings, not list") == (
            problem.code,
            str(problem),
        )
        assert container_problem({}, "APPCONFIG") is None
        assert container_problem(None, "APPCONFIG") is None


class TestCallables:
    def test_resolves_a_dotted_path(self) -> None:
        """A dotted path gives the function it names."""
        assert resolve_callable("os.path.join") is __import__("os").path.join

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("os.sep", "'os.sep' is not callable (it is str)"),
            (f"{__name__}.NOT_CALLABLE", f"'{__name__}.NOT_CALLABLE' is not callable (it is int)"),
            (42, "must be a dotted path string, not int"),
            ("nowhere.fn", "cannot import 'nowhere' for 'nowhere.fn': No module named 'nowhere'"),
        ],
    )
    def test_what_is_wrong(self, value: Any, message: str) -> None:
        """Something importable but not callable, or not a path at all, is refused by name."""
        with pytest.raises(ConfigurationError, match=f"^{re.escape(message)}$"):
            resolve_callable(value)

    def test_function_objects_only_when_allowed(self) -> None:
        """Flask may pass the function itself; Django settings hold paths only."""
        assert resolve_callable(len, allow_object=True) is len
        with pytest.raises(ConfigurationError, match="dotted path string, not"):
            resolve_callable(len)

    def test_problem_carries_the_callers_code(self) -> None:
        """`callable_problem` files the failure under the adapter's key and code."""
        problem = callable_problem("os.sep", key="APPCONFIG.CONTEXT", code="E006", hint="h")
        assert problem is not None
        assert ("E006", "APPCONFIG.CONTEXT: 'os.sep' is not callable (it is str)") == (
            problem.code,
            str(problem),
        )
        assert callable_problem("os.getcwd", key="K", code="E006", hint="h") is None


class TestGuardContext:
    def test_raising_function_gives_an_empty_context_logged_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A context function that raises answers {} and is logged once, however often called."""

        def broken(request: object) -> Mapping[str, Any]:
            raise KeyError("user")

        guarded = guard_context(broken, logging.getLogger("test_settings"))
        with caplog.at_level(logging.ERROR, "test_settings"):
            assert ({}, {}) == (guarded("r1"), guarded("r2"))
        assert 1 == caplog.text.count("context function")
        assert "broken raised" in caplog.text

    def test_non_dict_gives_an_empty_context(self, caplog: pytest.LogCaptureFixture) -> None:
        """A context function returning a list answers {} and says what it returned."""
        guarded = guard_context(lambda: ["plan"], logging.getLogger("test_settings"))
        with caplog.at_level(logging.ERROR, "test_settings"):
            assert {} == guarded()
            guarded()
        assert 1 == caplog.text.count("returned list, not a dict")
        assert "plan" not in caplog.text

    def test_good_function_passes_through(self) -> None:
        """A mapping comes back as it is."""
        guarded = guard_context(lambda r: {"plan": r}, logging.getLogger("test_settings"))
        assert {"plan": "pro"} == guarded("pro")


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
        """All errors are raised in one ConfigurationError, each with its code; warnings are not."""
        with pytest.raises(ConfigurationError) as info:
            build_client({"TYPO": 1, "CACHE_PATH": 5})
        text = str(info.value)
        assert re.search(r"\[E001\] APPLICATION.*\[E001\] ENVIRONMENT.*\[E011\] CACHE_PATH", text)
        assert "TYPO" not in text

    def test_configuration_error_is_none_without_errors(self) -> None:
        """Warnings alone make no error."""
        assert configuration_error(settings_problems(merged_settings({**BASE, "X": 1}))) is None


class TestTroubleshootingPage:
    def test_page_shows_the_real_messages(self) -> None:
        """Every example message appears in docs/troubleshooting.md under its code."""
        rows = {}
        for line in TROUBLESHOOTING.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if line.startswith("| E") or line.startswith("| W"):
                rows.setdefault(cells[0], []).extend(re.findall(r"`([^`]+)`", cells[1]))
        missing = [(code, m) for _s, code, m in EXAMPLES if m not in rows.get(code, [])]
        assert [] == missing

    def test_configuration_page_lists_every_code(self) -> None:
        """docs/configuration.md's table of codes is exactly the core's codes and the adapters'."""
        text = (DOCS / "configuration.md").read_text(encoding="utf-8")
        documented = set(re.findall(r"^\| ([EW]\d{3}) \|", text, flags=re.MULTILINE))
        assert {code for _s, code, _m in EXAMPLES} | ADAPTER_CODES == documented

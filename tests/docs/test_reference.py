"""Reference tables in docs/ checked against the code, so a new key or a new price cannot drift.

docs/configuration.md's shared keys must be `appconfig_core._integration.settings.DEFAULTS`, defaults
included, and its constructor table must match the signatures; docs/cost.md's worked table
must follow from its own model; every settings problem code the code can report must be in
docs/troubleshooting.md.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import appconfig_core
from appconfig_core._integration.settings import DEFAULTS

from .markdown import ROOT, blocks

DOCS = ROOT / "docs"


def table_rows(path: Path, heading: str) -> list[list[str]]:
    """The body rows of the first table after ``heading``, as lists of stripped cells."""
    text = path.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]*)`", cell)
    assert match, f"expected one code span, got {cell!r}"
    return match[1]


class TestConfigurationReference:
    def test_shared_keys_are_the_core_defaults(self) -> None:
        """The shared-keys table lists exactly the keys of DEFAULTS, each with its default."""
        rows = table_rows(DOCS / "configuration.md", "## Shared keys")
        documented = {code(row[0]): ast.literal_eval(code(row[1])) for row in rows}
        assert dict(DEFAULTS) == documented

    @pytest.mark.parametrize(
        ("name", "argument", "default"),
        [
            ("FlagClient", "defaults", "`None`"),
            ("FlagClient", "cache_path", "`None`"),
            ("FlagClient", "start_timeout", "`5.0`"),
            ("FlagClient", "format", '`"auto"`'),
            ("AppConfigDataSource", "min_poll_interval", "`None`"),
            ("AppConfigDataSource", "client", "`None`"),
            ("AgentSource", "url", '`"http://localhost:2772"`'),
            ("AgentSource", "poll_interval", "`10.0`"),
            ("AgentSource", "token", "`None`"),
            ("AgentSource", "timeout", "`3.0`"),
            ("FileSource", "poll_interval", "`1.0`"),
            ("StaticSource", "poll_interval", "`1.0`"),
        ],
    )
    def test_constructor_defaults(self, name: str, argument: str, default: str) -> None:
        """A constructor argument's documented default is the one in its signature."""
        rows = table_rows(DOCS / "configuration.md", "## Plain Python: constructor arguments")
        owner = ""
        for row in rows:
            owner = row[0] or owner
            if owner.strip("`").startswith(name) and argument in re.findall(r"`(\w+)`", row[1]):
                assert default == row[2]
                break
        else:
            pytest.fail(f"configuration.md documents no {name}({argument}=...)")
        parameter = inspect.signature(getattr(appconfig_core, name)).parameters[argument]
        assert ast.literal_eval(code(default)) == parameter.default


class TestCostModel:
    def monthly(self) -> Any:
        """The ``monthly`` function docs/cost.md defines, run as the page shows it."""
        (block,) = [b for b in blocks(DOCS / "cost.md") if "def monthly" in b.text]
        namespace: dict[str, Any] = {}
        exec(block.text, namespace)
        return namespace["monthly"]

    def test_worked_table_follows_from_the_model(self) -> None:
        """Every row of the worked table is what the page's model computes for it."""
        monthly = self.monthly()
        rows = table_rows(DOCS / "cost.md", "## Worked table")
        assert 6 == len(rows)
        for shape, path, sessions, per_hour, requests, received, dollars in rows:
            processes, hosts = map(int, shape.split(" x "))
            expected_sessions = processes * hosts if path == "direct" else hosts
            interval = 60 if path == "direct" else 45
            assert expected_sessions == int(sessions.replace(",", "")), shape
            assert expected_sessions * 3600 // interval == int(per_hour.replace(",", ""))
            assert monthly(expected_sessions, interval) == (
                int(requests.replace(",", "")),
                int(received.replace(",", "")),
                float(dollars),
            ), f"{shape} {path}"


class TestTroubleshootingCodes:
    def test_every_settings_code_is_listed(self) -> None:
        """Each problem code the settings checks can report has a row in troubleshooting.md."""
        sources = [*ROOT.joinpath("core").glob("*.py")]
        sources += [*ROOT.joinpath("django_appconfig").rglob("*.py")]
        sources += [*ROOT.joinpath("flask_appconfig").rglob("*.py")]
        emitted = {c for p in sources for c in re.findall(r'"([EW]\d{3})"', p.read_text())}
        rows = table_rows(DOCS / "troubleshooting.md", "## 1. Settings")
        assert emitted
        assert emitted <= {row[0] for row in rows}

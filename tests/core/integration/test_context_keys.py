"""Rules checked against the keys a context supplies: the warnings and what they suggest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appconfig_core._integration.context_keys import (
    SuppliedKeys,
    context_key_warnings,
    declared_context_keys,
    file_context_warnings,
)
from appconfig_core._integration.report import validation_report
from tests.core.formats.test_context_keys import STORED

DJANGO = SuppliedKeys.of(
    ("user_id", "is_authenticated", "is_staff", "groups"), "the default Django context"
)


class TestWarnings:
    def test_a_key_the_context_lacks_is_named_with_what_it_supplies(self) -> None:
        """``$userId`` against Django's keys warns once, listing them and suggesting user_id."""
        assert [
            "values.vip._variants[1].rule reads context key 'userId', which the default Django"
            " context never supplies (it supplies groups, is_authenticated, is_staff, user_id);"
            " did you mean 'user_id'?"
        ] == context_key_warnings(STORED, DJANGO)

    def test_no_warning_when_every_key_is_supplied(self) -> None:
        """A context supplying every key a rule reads gives no warning."""
        keys = SuppliedKeys.of(("is_staff", "userId"), "CONTEXT")
        assert [] == context_key_warnings(STORED, keys)

    def test_a_context_with_no_keys(self) -> None:
        """An empty context says it supplies no keys, and suggests nothing."""
        warnings = context_key_warnings(STORED, SuppliedKeys.of((), "the context"))
        assert 2 == len(warnings)
        assert all("(it supplies no keys)" in warning for warning in warnings)

    def test_file_warnings_and_unreadable_files(self, tmp_path: Path) -> None:
        """A file is read and checked; a missing or broken file gives no warnings (others report it)."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(STORED))
        assert 1 == len(file_context_warnings(path, DJANGO))
        path.write_text("{broken")
        assert [] == file_context_warnings(path, DJANGO)
        assert [] == file_context_warnings(tmp_path / "none.json", DJANGO)

    def test_validation_report_adds_them_after_the_ok_line(self) -> None:
        """``validate`` keeps passing and prints each warning after its OK line."""
        ok, lines = validation_report("f.json", json.dumps(STORED).encode(), None, supplied=DJANGO)
        assert ok
        assert lines[0] == "OK f.json: AppConfig stored form, 2 flags"
        assert lines[1].startswith("f.json: warning: values.vip._variants[1].rule reads")
        assert 2 == len(lines)


class TestDeclaredKeys:
    @pytest.mark.parametrize(
        ("declared", "expected"),
        [
            (("user_id", "email"), frozenset({"user_id", "email"})),
            (["plan"], frozenset({"plan"})),
            ("user_id", None),
            ([1, 2], None),
            (3, None),
        ],
    )
    def test_a_context_keys_attribute(self, declared: Any, expected: frozenset[str] | None) -> None:
        """An iterable of strings declares keys; a lone string or anything else declares none."""

        def context() -> dict[str, Any]:
            return {}

        context.context_keys = declared  # type: ignore[attr-defined]
        assert expected == declared_context_keys(context)

    def test_no_attribute_is_unknown(self) -> None:
        """A function without the attribute supplies keys nobody can know."""
        assert declared_context_keys(lambda: {}) is None

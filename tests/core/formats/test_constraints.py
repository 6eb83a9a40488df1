"""Tests for attribute constraint definitions and the values they accept."""

from __future__ import annotations

from typing import Any

import pytest

from appconfig_core._formats.constraints import (
    Constraint,
    check_attribute_values,
    compile_constraint,
    value_shape_problem,
)

WHERE = "flags.f.attributes.a.constraints"


def compile_ok(raw: dict[str, Any]) -> Constraint:
    problems: list[tuple[str, str]] = []
    constraint = compile_constraint(raw, WHERE, problems)
    assert problems == []
    assert constraint is not None
    return constraint


def problems_of(raw: Any) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    assert compile_constraint(raw, WHERE, problems) is None
    return problems


class TestDefinitions:
    @pytest.mark.parametrize(
        ("raw", "location", "message"),
        [
            ("string", WHERE, "must be an object with a type"),
            ({}, f"{WHERE}.type", "must be one of 'string', 'number', 'boolean', 'array'"),
            ({"type": "date"}, f"{WHERE}.type", "must be one of"),
            (
                {"type": "string", "pattern": "a", "enum": ["a"]},
                WHERE,
                "pattern and enum cannot both be given",
            ),
            (
                {"type": "string", "pattern": "("},
                f"{WHERE}.pattern",
                "not a valid regular expression",
            ),
            ({"type": "string", "pattern": 5}, f"{WHERE}.pattern", "must be a string"),
            ({"type": "string", "enum": []}, f"{WHERE}.enum", "1 to 100 items"),
            ({"type": "string", "enum": ["x"] * 101}, f"{WHERE}.enum", "1 to 100 items"),
            (
                {"type": "string", "enum": [True]},
                f"{WHERE}.enum",
                "strings (at most 1024 characters) or integers",
            ),
            ({"type": "number", "minimum": 1.5}, f"{WHERE}.minimum", "must be an integer"),
            ({"type": "number", "maximum": "9"}, f"{WHERE}.maximum", "must be an integer"),
            (
                {"type": "number", "minimum": 5, "maximum": 1},
                WHERE,
                "minimum is greater than maximum",
            ),
            (
                {"type": "boolean", "pattern": "x"},
                f"{WHERE}.pattern",
                "not allowed in a boolean constraint",
            ),
            ({"type": "string", "required": "yes"}, f"{WHERE}.required", "must be true or false"),
            (
                {"type": "array", "elements": {"type": "boolean"}},
                f"{WHERE}.elements.type",
                "'string', 'number'",
            ),
            (
                {"type": "array", "elements": {"type": "string", "required": True}},
                f"{WHERE}.elements.required",
                "of array elements",
            ),
        ],
    )
    def test_rejected_definitions(self, raw: Any, location: str, message: str) -> None:
        """Each constraint rule AppConfig enforces is reported at its location."""
        problems = problems_of(raw)
        assert any(loc == location and message in msg for loc, msg in problems), problems

    def test_integral_floats_are_integers(self) -> None:
        """A bound written 10.0 is an integer, as in JSON Schema."""
        assert compile_ok({"type": "number", "minimum": 10.0}).minimum == 10


class TestValues:
    def test_string_pattern_is_a_search(self) -> None:
        """A pattern matches anywhere in the value, as JSON Schema's pattern does."""
        constraint = compile_ok({"type": "string", "pattern": "^#[0-9a-f]{6}$"})
        assert constraint.problem("#00ff00") is None
        assert "pattern" in str(constraint.problem("green"))
        assert compile_ok({"type": "string", "pattern": "b"}).problem("abc") is None

    def test_string_enum_with_integers(self) -> None:
        """Integer enum items accept their decimal string."""
        constraint = compile_ok({"type": "string", "enum": ["red", 5]})
        assert constraint.problem("red") is None
        assert constraint.problem("5") is None
        assert constraint.problem("blue") == "is not one of the constraint's enum values"
        assert constraint.problem(5) == "must be a string"

    def test_number_bounds_are_inclusive(self) -> None:
        """minimum and maximum are inclusive; booleans are not numbers."""
        constraint = compile_ok({"type": "number", "minimum": 1, "maximum": 10})
        assert constraint.problem(1) is None
        assert constraint.problem(10.0) is None
        assert constraint.problem(0.5) == "is below the constraint's minimum 1"
        assert constraint.problem(11) == "is above the constraint's maximum 10"
        assert constraint.problem(True) == "must be a number"

    def test_boolean(self) -> None:
        """A boolean constraint accepts only true and false."""
        constraint = compile_ok({"type": "boolean"})
        assert constraint.problem(False) is None
        assert constraint.problem("false") == "must be true or false"

    def test_array_elements(self) -> None:
        """Array element constraints apply to each item, and the first failure is named."""
        constraint = compile_ok({"type": "array", "elements": {"type": "number", "maximum": 3}})
        assert constraint.problem([1, 2, 3]) is None
        assert constraint.problem([1, 5]) == "item [1] is above the constraint's maximum 3"
        assert constraint.problem("1") == "must be an array"


class TestPatterns:
    @pytest.mark.timeout(10)
    def test_nested_bounded_repeats_load_and_validate(self) -> None:
        """A pattern that backtracks for minutes under re loads and checks values at once."""
        constraint = compile_ok({"type": "string", "pattern": "^(a{1,10}){1,10}$"})
        assert constraint.problem("a" * 100) is None
        assert "does not match" in str(constraint.problem("a" * 100 + "!"))

    @pytest.mark.timeout(10)
    def test_hostile_pattern_in_a_document_loads_and_rejects_the_value(self) -> None:
        """Through a whole stored document, the hostile value is reported, not hung on."""
        from appconfig_core._formats.stored import compile_stored
        from appconfig_core.errors import DocumentError

        def document(value: str) -> dict[str, Any]:
            constraints = {"type": "string", "pattern": "^(a{1,10}){1,10}$"}
            return {
                "version": "1",
                "flags": {"f": {"name": "F", "attributes": {"a": {"constraints": constraints}}}},
                "values": {"f": {"enabled": True, "a": value}},
            }

        assert compile_stored(document("a" * 100))
        with pytest.raises(DocumentError, match=r"values\.f\.a: does not match"):
            compile_stored(document("a" * 100 + "!"))

    @pytest.mark.parametrize(
        ("pattern", "message"),
        [
            (
                r"^(a)\1$",
                r"backreference \1 is not supported: RE2 runs in linear time and has no"
                " backreferences",
            ),
            ("^(?=a)", "lookahead (?= is not supported: RE2 runs in linear time and has no"),
            ("(?<=a)b", "lookbehind (?<= is not supported"),
        ],
    )
    def test_construct_re2_cannot_run_is_a_problem_at_the_pattern(
        self, pattern: str, message: str
    ) -> None:
        """A backreference or lookaround is reported at the pattern's location, named."""
        problems = problems_of({"type": "string", "pattern": pattern})
        assert [(f"{WHERE}.pattern", message)] == [
            (location, text[: len(message)]) for location, text in problems
        ]

    @pytest.mark.parametrize(
        ("pattern", "value", "ok"),
        [
            ("^#[0-9a-f]{6}$", "#00ff00", True),
            ("^#[0-9a-f]{6}$", "#00FF00", False),
            ("(?i)^#[0-9a-f]{6}$", "#00FF00", True),
            ("^[à-ü]+$", "éè", True),
            ("^v\\d+$", "v12", True),
        ],
    )
    def test_ordinary_patterns_keep_their_meaning(self, pattern: str, value: str, ok: bool) -> None:
        """Anchors, classes, flags and non-ASCII text match as they did under re."""
        assert ok is (compile_ok({"type": "string", "pattern": pattern}).problem(value) is None)


class TestShapes:
    @pytest.mark.parametrize("value", ["x" * 1024, 1, 1.5, True, [], ["a", "b"], [1, 2.5]])
    def test_allowed(self, value: Any) -> None:
        """Strings, numbers, booleans and homogeneous arrays are attribute values."""
        assert value_shape_problem(value) is None

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("x" * 1025, "longer than 1024"),
            (["a", 1], "only strings or only numbers"),
            (["x" * 1025], "item [0] is longer"),
            (None, "must be a string, a number"),
            ({"a": 1}, "must be a string, a number"),
            (float("nan"), "must be a string, a number"),
        ],
    )
    def test_rejected(self, value: Any, message: str) -> None:
        """Anything else is rejected with the reason."""
        assert message in str(value_shape_problem(value))


class TestAttributeValues:
    def test_undeclared_and_required(self) -> None:
        """Undeclared attributes are reported, and required ones when the flag is enabled."""
        declared = {"color": compile_ok({"type": "string", "required": True}), "size": None}
        problems: list[tuple[str, str]] = []
        check_attribute_values(
            {"shape": "x", "size": 3},
            declared,
            "values.f",
            problems,
            enabled=True,
            declared_at="flags.f.attributes",
        )
        assert problems == [
            ("values.f.shape", "attribute is not declared; add it under flags.f.attributes"),
            ("values.f.color", "is required by flags.f.attributes.color.constraints"),
        ]

    def test_required_not_enforced_when_disabled(self) -> None:
        """A disabled flag serves no attributes, so required ones may be absent."""
        declared = {"color": compile_ok({"type": "string", "required": True})}
        problems: list[tuple[str, str]] = []
        check_attribute_values(
            {}, declared, "values.f", problems, enabled=False, declared_at="flags.f.attributes"
        )
        assert problems == []

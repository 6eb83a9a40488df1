"""Attribute constraints of the AppConfig stored form: checked once when a document loads.

A constraint definition is validated as AppConfig's schema validates it, then compiled into
a `Constraint` that checks attribute values (of plain flags and of variants). Problems are
appended to a shared list as ``(location, message)`` so a document reports all of them at
once. Messages name the rule broken, never the offending value: values are configuration
content and error messages end up in logs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from appconfig_core._rules.regex import Pattern, PatternError, compile_pattern
from appconfig_core.errors import Problems

MAX_STRING: Final = 1024
MAX_ENUM: Final = 100
MAX_ATTRIBUTES: Final = 25
TYPES: Final = ("string", "number", "boolean", "array")
_ALLOWED: Final = {
    "string": {"type", "required", "pattern", "enum"},
    "number": {"type", "required", "minimum", "maximum"},
    "boolean": {"type", "required"},
    "array": {"type", "required", "elements"},
}


@dataclass(frozen=True, slots=True)
class Constraint:
    """One compiled constraint; ``elements`` constrains each item of an array."""

    type: str
    required: bool = False
    pattern: Pattern | None = None
    enum: frozenset[str] | None = None
    minimum: int | None = None
    maximum: int | None = None
    elements: Constraint | None = None

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` under this constraint, or ``None``."""
        if self.type == "boolean":
            return None if isinstance(value, bool) else "must be true or false"
        if self.type == "array":
            if not isinstance(value, list):
                return "must be an array"
            if self.elements is not None:
                for index, item in enumerate(value):
                    issue = self.elements.problem(item)
                    if issue is not None:
                        return f"item [{index}] {issue}"
            return None
        if self.type == "number":
            if not is_number(value):
                return "must be a number"
            if self.minimum is not None and value < self.minimum:
                return f"is below the constraint's minimum {self.minimum}"
            if self.maximum is not None and value > self.maximum:
                return f"is above the constraint's maximum {self.maximum}"
            return None
        if not isinstance(value, str):
            return "must be a string"
        if self.pattern is not None and not self.pattern.search(value):
            return f"does not match the constraint's pattern {self.pattern.source!r}"
        if self.enum is not None and value not in self.enum:
            return "is not one of the constraint's enum values"
        return None


def is_number(value: Any) -> bool:
    """Whether ``value`` is a JSON number (booleans are not; NaN and infinity are not)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _is_integer(value: Any) -> bool:
    return is_number(value) and float(value).is_integer()


def value_shape_problem(value: Any) -> str | None:
    """What makes ``value`` no AppConfig attribute value, or ``None``.

    Allowed: a string of at most 1024 characters, a number, a boolean, or an array of only
    strings (each at most 1024 characters) or only numbers.
    """
    if isinstance(value, str):
        return None if len(value) <= MAX_STRING else f"is longer than {MAX_STRING} characters"
    if isinstance(value, bool) or is_number(value):
        return None
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            too_long = [i for i, item in enumerate(value) if len(item) > MAX_STRING]
            return (
                f"item [{too_long[0]}] is longer than {MAX_STRING} characters" if too_long else None
            )
        if all(is_number(item) for item in value):
            return None
        return "must be an array of only strings or only numbers"
    return "must be a string, a number, a boolean or an array of strings or numbers"


def compile_constraint(
    raw: Any, where: str, problems: Problems, *, element: bool = False
) -> Constraint | None:
    """Validate the constraint definition ``raw`` found at ``where``; compile it if it is valid."""
    before = len(problems)
    if not isinstance(raw, Mapping):
        problems.append((where, "must be an object with a type"))
        return None
    kind = raw.get("type")
    types = ("string", "number") if element else TYPES
    if not isinstance(kind, str) or kind not in types:
        problems.append((f"{where}.type", f"must be one of {', '.join(repr(t) for t in types)}"))
        return None
    allowed = _ALLOWED[kind] - ({"required"} if element else set())
    for key in raw:
        if key not in allowed:
            problems.append(
                (
                    f"{where}.{key}",
                    f"is not allowed in a {kind} constraint"
                    + (" of array elements" if element else ""),
                )
            )
    required = raw.get("required", False)
    if not isinstance(required, bool):
        problems.append((f"{where}.required", "must be true or false"))
    fields: dict[str, Any] = {}
    if kind == "string":
        fields = _string_fields(raw, where, problems)
    elif kind == "number":
        fields = _number_fields(raw, where, problems)
    elif kind == "array" and "elements" in raw:
        fields["elements"] = compile_constraint(
            raw["elements"], f"{where}.elements", problems, element=True
        )
    if len(problems) > before:
        return None
    return Constraint(kind, required=required is True, **fields)


def _string_fields(raw: Mapping[str, Any], where: str, problems: Problems) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "pattern" in raw and "enum" in raw:
        problems.append((where, "pattern and enum cannot both be given; keep one"))
    if "pattern" in raw:
        pattern = raw["pattern"]
        if not isinstance(pattern, str) or len(pattern) > MAX_STRING:
            problems.append(
                (f"{where}.pattern", f"must be a string of at most {MAX_STRING} characters")
            )
        else:
            try:
                fields["pattern"] = compile_pattern(pattern)
            except PatternError as exc:
                problems.append((f"{where}.pattern", str(exc)))
    if "enum" in raw:
        enum = raw["enum"]
        if not isinstance(enum, list) or not 1 <= len(enum) <= MAX_ENUM:
            problems.append((f"{where}.enum", f"must be an array of 1 to {MAX_ENUM} items"))
        elif not all(
            (isinstance(item, str) and len(item) <= MAX_STRING)
            or (isinstance(item, int) and not isinstance(item, bool))
            for item in enum
        ):
            problems.append(
                (
                    f"{where}.enum",
                    f"items must be strings (at most {MAX_STRING} characters) or integers",
                )
            )
        else:
            fields["enum"] = frozenset(str(item) for item in enum)
    return fields


def _number_fields(raw: Mapping[str, Any], where: str, problems: Problems) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for bound in ("minimum", "maximum"):
        if bound in raw:
            if _is_integer(raw[bound]):
                fields[bound] = int(raw[bound])
            else:
                problems.append((f"{where}.{bound}", "must be an integer"))
    if fields.get("minimum", -math.inf) > fields.get("maximum", math.inf):
        problems.append((where, "minimum is greater than maximum"))
    return fields


def check_attribute_values(
    values: Mapping[str, Any],
    declared: Mapping[str, Constraint | None],
    where: str,
    problems: Problems,
    *,
    enabled: bool,
    declared_at: str,
) -> None:
    """Check ``values`` (attribute name to value) against the flag's declared attributes.

    Every attribute must be declared and satisfy its constraint; attributes whose constraint
    says ``required`` must be present when the flag (or variant) is ``enabled``.
    """
    for name, value in values.items():
        location = f"{where}.{name}"
        if name not in declared:
            problems.append((location, f"attribute is not declared; add it under {declared_at}"))
            continue
        issue = value_shape_problem(value)
        constraint = declared[name]
        if issue is None and constraint is not None:
            issue = constraint.problem(value)
        if issue is not None:
            problems.append((location, issue))
    if enabled:
        for name, constraint in declared.items():
            if constraint is not None and constraint.required and name not in values:
                problems.append(
                    (f"{where}.{name}", f"is required by {declared_at}.{name}.constraints")
                )


__all__ = [
    "MAX_ATTRIBUTES",
    "MAX_ENUM",
    "MAX_STRING",
    "TYPES",
    "Constraint",
    "check_attribute_values",
    "compile_constraint",
    "is_number",
    "value_shape_problem",
]

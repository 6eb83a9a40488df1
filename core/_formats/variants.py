"""Multi-variant flags: variants tried in order, first matching rule wins, else the default.

Every `Evaluation` a variant flag can return is built at load, so answering a context
costs the rule predicates and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, TypeGuard

from appconfig_core._evaluation.flagset import Context
from appconfig_core._evaluation.metadata import FlagInfo
from appconfig_core._evaluation.result import (
    DEFAULT,
    EMPTY_MAPPING,
    ERROR,
    GENERAL,
    SPLIT,
    TARGETING_MATCH,
    Evaluation,
)
from appconfig_core._rules.compiler import CompiledRule, Predicate, compile_rule
from appconfig_core.errors import Problems, RuleSyntaxError

from .constraints import MAX_ATTRIBUTES, Constraint, check_attribute_values

log = logging.getLogger("appconfig_core")

MAX_VARIANTS: Final = 32
MAX_NAME: Final = 64
_VARIANT_KEYS: Final = frozenset({"name", "enabled", "rule", "attributeValues"})


class VariantFlag:
    """A flag whose answer depends on the context through its variants' rules.

    ``_rules`` holds, per rule variant in document order: its predicate, its ``enabled``,
    the `Evaluation` for a targeting match, the one for a split decision, and the rule with
    its splits settled (``None`` when the rule has no split; see `CompiledRule`).
    """

    __slots__ = (
        "_checks",
        "_default",
        "_default_enabled",
        "_error",
        "_rules",
        "_warned",
        "definition",
        "info",
        "name",
    )

    def __init__(
        self,
        name: str,
        rules: list[tuple[CompiledRule, bool, Evaluation, Evaluation]],
        default: Evaluation,
        *,
        version: str | None = None,
        definition: Any = None,
    ) -> None:
        self.name = name
        self.definition = definition
        #: What the document declares about the flag (`Snapshot.flags`), set by the stored form.
        self.info: FlagInfo | None = None
        self._rules: tuple[tuple[Predicate, Evaluation, Evaluation, Predicate | None], ...] = tuple(
            (rule.predicate, match, split, rule.settled) for rule, _, match, split in rules
        )
        self._checks: tuple[tuple[Predicate, bool], ...] = tuple(
            (rule.predicate, enabled) for rule, enabled, _, _ in rules
        )
        self._default = default
        self._default_enabled = default.enabled
        self._error = Evaluation(name, False, False, reason=ERROR, error=GENERAL, version=version)
        self._warned = False

    def is_enabled(self, context: Context) -> bool:
        """The ``enabled`` of the variant ``context`` selects; false if a rule fails."""
        try:
            for predicate, enabled in self._checks:
                if predicate(context):
                    return enabled
        except Exception as exc:  # noqa: BLE001 - evaluation never raises
            self._report(exc)
            return False
        return self._default_enabled

    def evaluate(self, context: Context) -> Evaluation:
        """The prebuilt evaluation of the variant ``context`` selects, with its reason."""
        try:
            for predicate, match, split, settled in self._rules:
                if predicate(context):
                    if settled is None or settled(context):
                        return match
                    return split
        except Exception as exc:  # noqa: BLE001 - evaluation never raises
            self._report(exc)
            return self._error
        return self._default

    def _report(self, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            log.warning(
                "flag %r: a variant rule failed with %s; answering disabled with reason ERROR",
                self.name,
                type(exc).__name__,
            )


def is_display_name(text: Any, limit: int = MAX_NAME) -> TypeGuard[str]:
    """Whether ``text`` is a name AppConfig accepts: 1 to ``limit`` characters on one line."""
    return (
        isinstance(text, str) and 1 <= len(text) <= limit and "\n" not in text and "\r" not in text
    )


def _is_default(variant: Mapping[str, Any]) -> bool:
    rule = variant.get("rule")
    return rule is None or (isinstance(rule, str) and not rule.strip())


def compile_variants(
    key: str,
    variants: Any,
    declared: Mapping[str, Constraint | None],
    *,
    where: str,
    declared_at: str,
    problems: Problems,
    version: str | None,
    definition: Any,
) -> VariantFlag | None:
    """Validate ``values.<key>._variants`` and build the flag; ``None`` if it has problems.

    A variant whose ``rule`` is missing, empty or only whitespace is the default; there
    must be exactly one. Rule syntax errors name the flag, the variant and the position.
    """
    before = len(problems)
    if not isinstance(variants, list) or not 1 <= len(variants) <= MAX_VARIANTS:
        problems.append((where, f"must be an array of 1 to {MAX_VARIANTS} variants"))
        return None
    rules: list[tuple[CompiledRule, bool, Evaluation, Evaluation]] = []
    defaults: list[tuple[int, Evaluation]] = []
    names: set[str] = set()
    for index, variant in enumerate(variants):
        at = f"{where}[{index}]"
        if not isinstance(variant, Mapping):
            problems.append((at, "must be an object with name and enabled"))
            continue
        for extra in sorted(set(variant) - _VARIANT_KEYS, key=str):
            problems.append(
                (f"{at}.{extra}", "is not allowed in a variant; use attributeValues for attributes")
            )
        name = variant.get("name")
        if not is_display_name(name):
            problems.append(
                (f"{at}.name", f"is required: 1 to {MAX_NAME} characters without line breaks")
            )
            name = f"#{index}"
        elif name in names:
            problems.append((f"{at}.name", f"variant name {name!r} is used twice in this flag"))
        names.add(name)
        enabled = variant.get("enabled")
        if not isinstance(enabled, bool):
            problems.append((f"{at}.enabled", "is required: true or false"))
            enabled = False
        attributes = variant.get("attributeValues", {})
        if not isinstance(attributes, Mapping) or len(attributes) > MAX_ATTRIBUTES:
            problems.append(
                (
                    f"{at}.attributeValues",
                    f"must be an object of at most {MAX_ATTRIBUTES} attributes",
                )
            )
            attributes = {}
        check_attribute_values(
            attributes,
            declared,
            f"{at}.attributeValues",
            problems,
            enabled=enabled,
            declared_at=declared_at,
        )
        shown = attributes if enabled else None

        def build(
            reason: str, name: str = name, enabled: bool = enabled, shown: Any = shown
        ) -> Evaluation:
            return _evaluation(key, enabled, shown, name, reason, version=version)

        if _is_default(variant):
            defaults.append((index, build(DEFAULT)))
            continue
        rule = variant["rule"]
        if not isinstance(rule, str):
            problems.append((f"{at}.rule", "must be a string"))
            continue
        try:
            compiled = compile_rule(rule, seed=key)
        except RuleSyntaxError as exc:
            problems.append(
                (
                    f"{at}.rule",
                    f"rule of variant {name!r} in flag {key!r} does not parse:"
                    f" {exc.reason} at character {exc.position}",
                )
            )
            continue
        rules.append((compiled, enabled, build(TARGETING_MATCH), build(SPLIT)))
    if len(defaults) != 1:
        found = ", ".join(f"[{i}]" for i, _ in defaults) or "none"
        problems.append(
            (where, f"needs exactly one default variant (one without a rule); found {found}")
        )
    if len(problems) > before:
        return None
    return VariantFlag(key, rules, defaults[0][1], version=version, definition=definition)


def _evaluation(
    key: str,
    enabled: bool,
    attributes: Mapping[str, Any] | None,
    variant: str,
    reason: str,
    *,
    version: str | None,
) -> Evaluation:
    shown = MappingProxyType(dict(attributes)) if attributes else EMPTY_MAPPING
    return Evaluation(key, enabled, enabled, shown, variant, reason, None, version)


__all__ = ["MAX_VARIANTS", "VariantFlag", "compile_variants", "is_display_name"]

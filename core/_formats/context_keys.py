"""Where a valid flags document reads the evaluation context, and which keys it reads there.

The stored form reads keys in its variant rules (``$key``, ``exists key::"name"``); the
Powertools schema in each condition's ``key``, except the SCHEDULE_* actions, which read the
clock. Locations are spelt as validation spells them, so a warning points at the same place
an error would. The retrieval form carries no rules (the Agent evaluates them), so it reads
nothing here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appconfig_core._rules.refs import referenced_keys
from appconfig_core.errors import RuleSyntaxError

from .detect import AUTO, POWERTOOLS, RAW, detect_format, is_stored_form
from .powertools import feature_location
from .powertools_actions import SCHEDULE_DATETIME, SCHEDULE_DAYS, SCHEDULE_TIME

_CLOCK_ACTIONS = frozenset({SCHEDULE_TIME, SCHEDULE_DATETIME, SCHEDULE_DAYS})


def rule_context_keys(document: Any, fmt: str = AUTO) -> list[tuple[str, frozenset[str]]]:
    """``(location, keys)`` for each rule of ``document`` that reads the context, in order.

    Meant for documents that already validate: whatever is malformed is skipped, not reported.
    """
    if fmt == RAW or not isinstance(document, Mapping):
        return []
    if fmt == POWERTOOLS or (fmt == AUTO and detect_format(document) == POWERTOOLS):
        return _powertools(document)
    if is_stored_form(document):
        return _stored(document)
    return []


def _stored(document: Mapping[str, Any]) -> list[tuple[str, frozenset[str]]]:
    found: list[tuple[str, frozenset[str]]] = []
    values = document.get("values")
    if not isinstance(values, Mapping):
        return found
    for flag, value in values.items():
        variants = value.get("_variants") if isinstance(value, Mapping) else None
        if not isinstance(variants, list):
            continue
        for index, variant in enumerate(variants):
            rule = variant.get("rule") if isinstance(variant, Mapping) else None
            if not isinstance(rule, str) or not rule.strip():
                continue
            try:
                keys = referenced_keys(rule)
            except RuleSyntaxError:
                continue
            if keys:
                found.append((f"values.{flag}._variants[{index}].rule", keys))
    return found


def _powertools(document: Mapping[str, Any]) -> list[tuple[str, frozenset[str]]]:
    found: list[tuple[str, frozenset[str]]] = []
    for name, feature in document.items():
        rules = feature.get("rules") if isinstance(feature, Mapping) else None
        if not isinstance(name, str) or not isinstance(rules, Mapping):
            continue
        for rule_name, rule in rules.items():
            conditions = rule.get("conditions") if isinstance(rule, Mapping) else None
            if not isinstance(conditions, list):
                continue
            for index, condition in enumerate(conditions):
                if not isinstance(condition, Mapping):
                    continue
                key = condition.get("key")
                if isinstance(key, str) and key and condition.get("action") not in _CLOCK_ACTIONS:
                    where = f"{feature_location(name)}.rules[{_quote(rule_name)}]"
                    found.append((f"{where}.conditions[{index}].key", frozenset({key})))
    return found


def _quote(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = ["rule_context_keys"]

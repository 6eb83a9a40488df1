"""Which context keys a rule reads, so a rule can be checked against what an adapter supplies.

A rule copied with ``$userId`` into an app whose context has ``user_id`` targets nobody and
says nothing; knowing the keys each rule reads lets ``validate`` and the system checks say so
before deployment. Uses the one parser (`syntax.parse_rule`), so a key counts exactly when
the evaluator would look it up.
"""

from __future__ import annotations

from .coerce import STR
from .syntax import Call, Literal, Node, Ref, parse_rule


def referenced_keys(rule: str) -> frozenset[str]:
    """The context keys ``rule`` reads: every ``$key`` and every ``(exists key::"name")``.

    Raises `appconfig_core.errors.RuleSyntaxError` when ``rule`` does not parse, as loading
    it would.
    """
    keys: set[str] = set()
    _collect(parse_rule(rule), keys)
    return frozenset(keys)


def _collect(node: Node, keys: set[str]) -> None:
    if isinstance(node, Ref):
        keys.add(node.key)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect(arg, keys)
        for name, value, _ in node.params:
            if node.op == "exists" and name == "key" and isinstance(value, Literal):
                if value.kind == STR and isinstance(value.value, str):
                    keys.add(value.value)
            else:
                _collect(value, keys)


__all__ = ["referenced_keys"]

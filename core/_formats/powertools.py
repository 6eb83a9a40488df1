"""The AWS Lambda Powertools feature-flag schema, validated and compiled once at load.

Schema (the same as Powertools' ``SchemaValidator`` accepts)::

    {feature: {"default": <value>, "boolean_type": true, "rules": {rule_name: rule}}}
    rule      = {"when_match": <value>, "conditions": [condition, ...]}   (conditions ANDed)
    condition = {"action": <one of ACTIONS>, "key": "<context key>", "value": <not null>}

``default`` is required and, unless ``boolean_type`` is ``false``, a boolean, as every
``when_match`` must then be. Rules are tried in document order; the first whose conditions
all hold gives its ``when_match``; none gives ``default``.

Every problem in the document is collected into one `DocumentError`, each with a location
such as ``premium.rules["beta testers"].conditions[0].value``. Documented deliberate
differences from Powertools are in docs/powertools.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from appconfig_core._evaluation.flag import StaticFlag
from appconfig_core._evaluation.flagset import Clock, CompiledFlag, Context, utc_now
from appconfig_core._evaluation.result import DEFAULT, TARGETING_MATCH, Evaluation
from appconfig_core.errors import DocumentError, Problems

from .powertools_actions import ACTIONS, Condition, InvalidCondition, build_condition

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_ACTION_LIST = ", ".join(ACTIONS)


class PowertoolsFlag:
    """A feature with rules: the first rule whose conditions all hold answers.

    Each rule is a ``(match, evaluation)`` pair whose `Evaluation` was built at load, so a
    call runs the conditions and returns a shared object; nothing is allocated per call.
    """

    __slots__ = ("_default", "_rules", "definition", "name")

    def __init__(
        self,
        name: str,
        rules: Sequence[tuple[Condition, Evaluation]],
        default: Evaluation,
        *,
        definition: Any = None,
    ) -> None:
        self.name = name
        self.definition = definition
        self._rules = tuple(rules)
        self._default = default

    def is_enabled(self, context: Context) -> bool:
        """Whether the computed value is truthy for ``context``."""
        for match, evaluation in self._rules:
            if match(context):
                return evaluation.enabled
        return self._default.enabled

    def evaluate(self, context: Context) -> Evaluation:
        """The matching rule's evaluation (variant = rule name), else the default's."""
        for match, evaluation in self._rules:
            if match(context):
                return evaluation
        return self._default


def compile_powertools(
    document: Any, *, version: str | None = None, clock: Clock | None = None
) -> dict[str, CompiledFlag]:
    """Validate and compile a Powertools document; raise `DocumentError` with every problem.

    ``clock`` is what the SCHEDULE_* actions read (default: the wall clock in UTC); it should
    return an aware `datetime` (a naive one is taken as UTC).
    """
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"a Powertools document is an object of features, not {type(document).__name__}",
            location="document",
        )
    compiler = _Compiler(version, clock or utc_now)
    flags: dict[str, CompiledFlag] = {}
    for name, feature in document.items():
        if not isinstance(name, str) or not name:
            compiler.problems.append((repr(name), "feature names must be non-empty strings"))
            continue
        flag = compiler.feature(name, feature)
        if flag is not None:
            flags[name] = flag
    if compiler.problems:
        raise DocumentError(compiler.problems)
    return flags


def feature_location(name: str) -> str:
    """How a feature is named in problem locations: bare when plain, else quoted."""
    return name if _PLAIN_NAME.fullmatch(name) else f"[{_quote(name)}]"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Compiler:
    """Walks one document, collecting problems; holds what every flag shares."""

    def __init__(self, version: str | None, clock: Clock) -> None:
        self.version = version
        self.clock = clock
        self.problems: Problems = []

    def feature(self, name: str, feature: Any) -> CompiledFlag | None:
        where = feature_location(name)
        problems = self.problems
        if not isinstance(feature, Mapping) or not feature:
            problems.append((where, 'a feature must be a non-empty object with a "default"'))
            return None
        count = len(problems)
        boolean = feature.get("boolean_type", True)
        if not isinstance(boolean, bool):
            problems.append((f"{where}.boolean_type", "must be true or false"))
            boolean = bool(boolean)
        default = feature.get("default")
        if default is None:
            problems.append((f"{where}.default", "is required and must not be null"))
        elif boolean and not isinstance(default, bool):
            problems.append(
                (
                    f"{where}.default",
                    'must be true or false (set "boolean_type": false for a non-boolean feature)',
                )
            )
        rules = feature.get("rules")
        compiled: list[tuple[Condition, Evaluation]] = []
        if rules and not isinstance(rules, Mapping):
            problems.append((f"{where}.rules", "must be an object of named rules"))
        elif rules:
            for rule_name, rule in rules.items():
                entry = self.rule(name, where, rule_name, rule, boolean=boolean)
                if entry is not None:
                    compiled.append(entry)
        if len(problems) > count:
            return None
        value = bool(default) if boolean else default
        if not compiled:
            return StaticFlag(
                name, bool(value), value=value, version=self.version, definition=feature
            )
        fallback = Evaluation(name, bool(value), value, reason=DEFAULT, version=self.version)
        return PowertoolsFlag(name, compiled, fallback, definition=feature)

    def rule(
        self, name: str, where: str, rule_name: Any, rule: Any, *, boolean: bool
    ) -> tuple[Condition, Evaluation] | None:
        problems = self.problems
        if not isinstance(rule_name, str) or not rule_name:
            problems.append((f"{where}.rules", "rule names must be non-empty strings"))
            return None
        at = f"{where}.rules[{_quote(rule_name)}]"
        if not isinstance(rule, Mapping) or not rule:
            problems.append((at, 'a rule must be an object with "when_match" and "conditions"'))
            return None
        count = len(problems)
        when_match = rule.get("when_match")
        if boolean and not isinstance(when_match, bool):
            problems.append((f"{at}.when_match", "must be true or false in a boolean feature"))
        raw_conditions = rule.get("conditions")
        conditions: list[Condition] = []
        if not isinstance(raw_conditions, list) or not raw_conditions:
            problems.append((f"{at}.conditions", "must be a non-empty list of conditions"))
        else:
            for index, raw in enumerate(raw_conditions):
                condition = self.condition(f"{at}.conditions[{index}]", raw)
                if condition is not None:
                    conditions.append(condition)
        if len(problems) > count:
            return None
        value = bool(when_match) if boolean else when_match
        evaluation = Evaluation(
            name,
            bool(value),
            value,
            variant=rule_name,
            reason=TARGETING_MATCH,
            version=self.version,
        )
        return _all_of(conditions), evaluation

    def condition(self, at: str, raw: Any) -> Condition | None:
        problems = self.problems
        if not isinstance(raw, Mapping) or not raw:
            problems.append((at, 'a condition must be an object with "action", "key" and "value"'))
            return None
        action, key, value = raw.get("action"), raw.get("key"), raw.get("value")
        if action not in ACTIONS:
            shown = "missing" if action is None else repr(action)
            problems.append(
                (f"{at}.action", f"{shown} is not an action; use one of {_ACTION_LIST}")
            )
            action = None
        if not isinstance(key, str) or not key:
            problems.append((f"{at}.key", "must be a non-empty string naming a context key"))
            key = None
        if value is None:
            problems.append((f"{at}.value", "is required and must not be null"))
        if action is None or key is None or value is None:
            return None
        try:
            return build_condition(action, key, value, self.clock)
        except InvalidCondition as exc:
            problems.append((f"{at}.{exc.field}", exc.message))
            return None


def _all_of(conditions: list[Condition]) -> Condition:
    """One callable for a rule's ANDed conditions, flat for the common short cases."""
    if len(conditions) == 1:
        return conditions[0]
    if len(conditions) == 2:
        first, second = conditions

        def both(context: Context) -> bool:
            return first(context) and second(context)

        return both
    frozen = tuple(conditions)

    def every(context: Context) -> bool:
        for condition in frozen:  # noqa: SIM110 - a loop beats all() over a generator here
            if not condition(context):
                return False
        return True

    return every


__all__ = ["PowertoolsFlag", "compile_powertools", "feature_location"]

"""Scenarios 1-4: one flag check, a rule flag, a multi-variant flag, all flags for a context.

Every case is one row of `ROWS`: which library, which of its clients (`Peers`), and the
statement a user of that library writes, with ``x`` for the client and ``ctx`` for the
context in that library's own type. Each library's answer is checked before it is timed,
so a case that measures a fast wrong answer (an unknown flag, a context the library cannot
read) fails the run instead. Contexts are built once, outside the timed loop, for every
library alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

from . import _flags
from ._harness import OURS, Case, Result, Settings, measure
from ._peers import Peers, launchdarkly_context, openfeature_context

PLAIN = "1. plain flag"
RULE_MATCH = "2. rule flag, matching"
RULE_MISS = "2. rule flag, not matching"
SPLIT = "3. multi-variant, 10% split"
ALL_FLAGS = "4. all flags, 50 flags"
OPENFEATURE_OURS = "openfeature + appconfig-flags"


class Row(NamedTuple):
    """One timed case: ``client`` names a `Peers` attribute (``ours.snapshot`` pins one)."""

    group: str
    library: str
    label: str
    client: str
    stmt: str


#: The first row of each group is the baseline the others are compared with.
ROWS: Final = (
    Row(PLAIN, OURS, "client.is_enabled", "ours", 'x.is_enabled("plain", ctx)'),
    Row(PLAIN, OURS, "snapshot.is_enabled (pinned)", "ours.snapshot", 'x.is_enabled("plain", ctx)'),
    Row(PLAIN, OPENFEATURE_OURS, "get_boolean_value", "ours_openfeature", 'x.get_boolean_value("plain", False, ctx)'),
    Row(PLAIN, "powertools", "evaluate (AppConfigStore, cache hit)", "powertools", 'x.evaluate(name="plain", context=ctx, default=False)'),
    Row(PLAIN, "launchdarkly", "variation (file data source)", "launchdarkly", 'x.variation("plain", ctx, False)'),
    Row(PLAIN, "unleash", "is_enabled (bootstrapped)", "unleash", 'x.is_enabled("plain", ctx)'),
    Row(PLAIN, "openfeature", "get_boolean_value (in-memory provider)", "openfeature", 'x.get_boolean_value("plain", False, ctx)'),
    Row("rule", OURS, "is_enabled (AppConfig rule)", "ours", 'x.is_enabled("rule", ctx)'),
    Row("rule", OURS, "is_enabled (Powertools schema)", "ours_powertools", 'x.is_enabled("rule", ctx)'),
    Row("rule", OPENFEATURE_OURS, "get_boolean_value", "ours_openfeature", 'x.get_boolean_value("rule", False, ctx)'),
    Row("rule", "powertools", "evaluate (AppConfigStore, cache hit)", "powertools", 'x.evaluate(name="rule", context=ctx, default=False)'),
    Row("rule", "launchdarkly", "variation", "launchdarkly", 'x.variation("rule", ctx, False)'),
    Row("rule", "unleash", "is_enabled (constraints)", "unleash", 'x.is_enabled("rule", ctx)'),
    Row(SPLIT, OURS, "evaluate(...).variant", "ours", 'x.evaluate("split", ctx).variant'),
    Row(SPLIT, "powertools", "evaluate (MODULO_RANGE on userNumber)", "powertools", 'x.evaluate(name="split", context=ctx, default="control")'),
    Row(SPLIT, "launchdarkly", "variation (rule + rollout)", "launchdarkly", 'x.variation("split", ctx, "control")'),
    Row(SPLIT, "unleash", "get_variant (strategy variants)", "unleash", 'x.get_variant("split", ctx)["name"]'),
    Row(ALL_FLAGS, OURS, "enabled_flags", "ours_fifty", "x.enabled_flags(ctx)"),
    Row(ALL_FLAGS, "powertools", "get_enabled_features", "powertools_fifty", "x.get_enabled_features(context=ctx)"),
    Row(ALL_FLAGS, "launchdarkly", "all_flags_state", "launchdarkly_fifty", "x.all_flags_state(ctx)"),
    Row(ALL_FLAGS, "unleash", "is_enabled per name (no all-flags call)", "unleash", "[n for n in names if x.is_enabled(n, ctx)]"),
)  # fmt: skip

#: How each library takes a context; the rest take the dict itself.
CONTEXTS: Final[dict[str, Callable[[dict[str, Any]], Any]]] = {
    "launchdarkly": launchdarkly_context,
    "openfeature": openfeature_context,
    OPENFEATURE_OURS: openfeature_context,
}
ALL_ENABLED: Final = sorted(n for i, n in enumerate(_flags.FIFTY) if i % 2 == 0 or i % 5 == 4)


def _client(peers: Peers, name: str) -> Any:
    attribute, _, pinned = name.partition(".")
    client = getattr(peers, attribute)
    return client if client is None or not pinned else getattr(client, pinned)()


def cases(peers: Peers, group: str, context: dict[str, Any]) -> list[Case]:
    """The rows of ``group`` for every library present, ``context`` in each one's type."""
    built: list[Case] = []
    for row in ROWS:
        client = _client(peers, row.client) if row.group == group else None
        if client is None:
            continue
        names = {
            "x": client,
            "ctx": CONTEXTS.get(row.library, dict)(context),
            "names": list(_flags.FIFTY),
        }
        built.append(Case(row.library, row.label, row.stmt, names, ours=not built))
    return built


def _answer(got: Any) -> Any:
    if hasattr(got, "to_values_map"):  # LaunchDarkly's all-flags state
        return sorted(k for k, v in got.to_values_map().items() if v)
    return sorted(got) if isinstance(got, list | tuple) else got


def _checked(scenario: str, built: list[Case], accept: Callable[[Any], bool]) -> list[Case]:
    for case in built:
        got = _answer(_run_once(case))
        if not accept(got):
            raise AssertionError(f"{scenario}: {case.library} ({case.label}) answered {got!r}")
    return built


def _run_once(case: Case) -> Any:
    setup, _, expression = case.stmt.rpartition(";")
    namespace = dict(case.names)
    if setup:
        exec(setup, namespace)
    return eval(expression.strip(), namespace)


def run(peers: Peers, settings: Settings) -> list[Result]:
    """Scenarios 1-4, each group timed alternately."""
    match, miss = dict(_flags.MATCH), dict(_flags.MISS)
    groups = [
        (PLAIN, PLAIN, match, lambda got: got is True),
        (RULE_MATCH, "rule", match, lambda got: got is True),
        (RULE_MISS, "rule", miss, lambda got: got is False),
        (SPLIT, SPLIT, miss, lambda got: got in ("blue", "control")),
        (ALL_FLAGS, ALL_FLAGS, match, lambda got: got == ALL_ENABLED),
    ]
    results: list[Result] = []
    for scenario, group, context, accept in groups:
        results += measure(
            scenario, _checked(scenario, cases(peers, group, context), accept), settings
        )
    return results

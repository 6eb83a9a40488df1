"""Scenarios 1-4: one flag check, a rule flag, a multi-variant flag, all flags for a context.

Each library's answer is checked before it is timed, so a case that measures a fast wrong
answer (an unknown flag, a context the library cannot read) fails the run instead.
Contexts are built once, outside the timed loop, for every library alike.
"""

from __future__ import annotations

from typing import Any

from . import _flags
from ._harness import OURS, Case, Result, Settings, measure
from ._peers import Peers, launchdarkly_context, openfeature_context

PLAIN = "1. plain flag"
RULE_MATCH = "2. rule flag, matching"
RULE_MISS = "2. rule flag, not matching"
SPLIT = "3. multi-variant, 10% split"
ALL_FLAGS = "4. all flags, 50 flags"


def _check(library: str, scenario: str, got: Any, expected: Any) -> None:
    if got != expected:
        raise AssertionError(f"{scenario}: {library} answered {got!r}, expected {expected!r}")


def plain_cases(peers: Peers) -> list[Case]:
    """Scenario 1 for every library present."""
    ctx = dict(_flags.MATCH)
    cases = [
        Case(
            OURS,
            "client.is_enabled",
            'client.is_enabled("plain", ctx)',
            {"client": peers.ours, "ctx": ctx},
            ours=True,
        ),
        Case(
            OURS,
            "snapshot.is_enabled (pinned)",
            'snapshot.is_enabled("plain", ctx)',
            {"snapshot": peers.ours.snapshot(), "ctx": ctx},
        ),
    ]
    if peers.ours_openfeature is not None:
        cases.append(
            Case(
                "openfeature + appconfig-flags",
                "get_boolean_value",
                'of.get_boolean_value("plain", False, ctx)',
                {"of": peers.ours_openfeature, "ctx": openfeature_context(ctx)},
            )
        )
    if peers.powertools is not None:
        cases.append(
            Case(
                "powertools",
                "evaluate (AppConfigStore, cache hit)",
                'ff.evaluate(name="plain", context=ctx, default=False)',
                {"ff": peers.powertools, "ctx": ctx},
            )
        )
    if peers.launchdarkly is not None:
        cases.append(
            Case(
                "launchdarkly",
                "variation (file data source)",
                'ld.variation("plain", ctx, False)',
                {"ld": peers.launchdarkly, "ctx": launchdarkly_context(ctx)},
            )
        )
    if peers.unleash is not None:
        cases.append(
            Case(
                "unleash",
                "is_enabled (bootstrapped)",
                'un.is_enabled("plain", ctx)',
                {"un": peers.unleash, "ctx": ctx},
            )
        )
    if peers.openfeature is not None:
        cases.append(
            Case(
                "openfeature",
                "get_boolean_value (in-memory provider)",
                'of.get_boolean_value("plain", False, ctx)',
                {"of": peers.openfeature, "ctx": openfeature_context(ctx)},
            )
        )
    for case in cases:
        _check(case.library, PLAIN, _run_once(case), True)
    return cases


def rule_cases(peers: Peers, context: dict[str, Any], expected: bool) -> list[Case]:
    """Scenario 2 for ``context`` (matching or not) for every library that has rules."""
    ctx = dict(context)
    cases = [
        Case(
            OURS,
            "is_enabled (AppConfig rule)",
            'client.is_enabled("rule", ctx)',
            {"client": peers.ours, "ctx": ctx},
            ours=True,
        ),
        Case(
            OURS,
            "is_enabled (Powertools schema)",
            'client.is_enabled("rule", ctx)',
            {"client": peers.ours_powertools, "ctx": ctx},
        ),
    ]
    if peers.ours_openfeature is not None:
        cases.append(
            Case(
                "openfeature + appconfig-flags",
                "get_boolean_value",
                'of.get_boolean_value("rule", False, ctx)',
                {"of": peers.ours_openfeature, "ctx": openfeature_context(ctx)},
            )
        )
    if peers.powertools is not None:
        cases.append(
            Case(
                "powertools",
                "evaluate (AppConfigStore, cache hit)",
                'ff.evaluate(name="rule", context=ctx, default=False)',
                {"ff": peers.powertools, "ctx": ctx},
            )
        )
    if peers.launchdarkly is not None:
        cases.append(
            Case(
                "launchdarkly",
                "variation",
                'ld.variation("rule", ctx, False)',
                {"ld": peers.launchdarkly, "ctx": launchdarkly_context(ctx)},
            )
        )
    if peers.unleash is not None:
        cases.append(
            Case(
                "unleash",
                "is_enabled (constraints)",
                'un.is_enabled("rule", ctx)',
                {"un": peers.unleash, "ctx": ctx},
            )
        )
    for case in cases:
        _check(case.library, RULE_MATCH if expected else RULE_MISS, _run_once(case), expected)
    return cases


def split_cases(peers: Peers) -> list[Case]:
    """Scenario 3: the three-variant flag for a free-tier user (rule miss, then the split)."""
    ctx = dict(_flags.MISS)
    cases = [
        Case(
            OURS,
            "evaluate(...).variant",
            'client.evaluate("split", ctx).variant',
            {"client": peers.ours, "ctx": ctx},
            ours=True,
        )
    ]
    if peers.powertools is not None:
        cases.append(
            Case(
                "powertools",
                "evaluate (MODULO_RANGE on userNumber)",
                'ff.evaluate(name="split", context=ctx, default="control")',
                {"ff": peers.powertools, "ctx": ctx},
            )
        )
    if peers.launchdarkly is not None:
        cases.append(
            Case(
                "launchdarkly",
                "variation (rule + rollout)",
                'ld.variation("split", ctx, "control")',
                {"ld": peers.launchdarkly, "ctx": launchdarkly_context(ctx)},
            )
        )
    if peers.unleash is not None:
        cases.append(
            Case(
                "unleash",
                "get_variant (strategy variants)",
                'un.get_variant("split", ctx)["name"]',
                {"un": peers.unleash, "ctx": ctx},
            )
        )
    for case in cases:
        got = _run_once(case)
        if got not in ("blue", "control"):
            raise AssertionError(f"{SPLIT}: {case.library} answered {got!r}")
    return cases


def all_flags_cases(peers: Peers) -> list[Case]:
    """Scenario 4: every flag's answer for one context, 50 flags."""
    ctx = dict(_flags.MATCH)
    expected = sorted(n for i, n in enumerate(_flags.FIFTY) if i % 2 == 0 or i % 5 == 4)
    cases = [
        Case(
            OURS,
            "snapshot + is_enabled per flag_names",
            "s = client.snapshot(); [n for n in s.flag_names if s.is_enabled(n, ctx)]",
            {"client": peers.ours_fifty, "ctx": ctx},
            ours=True,
        )
    ]
    if peers.powertools_fifty is not None:
        cases.append(
            Case(
                "powertools",
                "get_enabled_features",
                "ff.get_enabled_features(context=ctx)",
                {"ff": peers.powertools_fifty, "ctx": ctx},
            )
        )
    if peers.launchdarkly_fifty is not None:
        cases.append(
            Case(
                "launchdarkly",
                "all_flags_state",
                "ld.all_flags_state(ctx)",
                {"ld": peers.launchdarkly_fifty, "ctx": launchdarkly_context(ctx)},
            )
        )
    if peers.unleash is not None:
        cases.append(
            Case(
                "unleash",
                "is_enabled per name (no all-flags call)",
                "[n for n in names if un.is_enabled(n, ctx)]",
                {"un": peers.unleash, "ctx": ctx, "names": list(_flags.FIFTY)},
            )
        )
    for case in cases:
        got = _run_once(case)
        if case.library in (OURS, "powertools", "unleash"):
            _check(case.library, ALL_FLAGS, sorted(got), expected)
        else:
            enabled = sorted(k for k, v in got.to_values_map().items() if v)
            _check(case.library, ALL_FLAGS, enabled, expected)
    return cases


def _run_once(case: Case) -> Any:
    expression = case.stmt.rsplit(";", 1)[-1].strip()
    namespace = dict(case.names)
    if ";" in case.stmt:
        exec(case.stmt.rsplit(";", 1)[0], namespace)
    return eval(expression, namespace)


def run(peers: Peers, settings: Settings) -> list[Result]:
    """Scenarios 1-4, each group timed alternately."""
    results = measure(PLAIN, plain_cases(peers), settings)
    results += measure(RULE_MATCH, rule_cases(peers, _flags.MATCH, True), settings)
    results += measure(RULE_MISS, rule_cases(peers, _flags.MISS, False), settings)
    results += measure(SPLIT, split_cases(peers), settings)
    results += measure(ALL_FLAGS, all_flags_cases(peers), settings)
    return results

"""The flags every library is measured on, written once in each library's own format.

Three flags carry the evaluation scenarios, with the same meaning everywhere:

* ``plain``: on for everyone;
* ``rule``: on when ``tier`` is ``"premium"`` and ``region`` is in `REGIONS`;
* ``split``: variant ``green`` for premium users, else ``blue`` for 10% of users, else
  ``control``. Powertools has no hashing, so its 10% is ``userNumber % 100 < 10``.

`fifty` adds fifty flags (forty plain, ten rule flags) for the all-flags scenario, and
`stored_document` builds documents of any size for the load scenario.
"""

from __future__ import annotations

import json
from typing import Any, Final

REGIONS: Final = ["eu-west-1", "eu-central-1"]
RULE_TEXT: Final = '(and (eq $tier "premium") (in $region ["eu-west-1" "eu-central-1"]))'

#: A matching and a non-matching context for ``rule``; the same dicts go to every library.
MATCH: Final = {"userId": "user-1234", "userNumber": 1234, "tier": "premium", "region": "eu-west-1"}
MISS: Final = {"userId": "user-1234", "userNumber": 1234, "tier": "free", "region": "us-east-1"}

FIFTY: Final = [f"flag{i:02d}" for i in range(50)]


def _is_rule(index: int) -> bool:
    return index % 5 == 4


# -- this project: the AppConfig stored form -------------------------------------------------


def _stored_plain(enabled: bool) -> dict[str, Any]:
    return {"enabled": enabled}


def _stored_rule() -> dict[str, Any]:
    return {
        "_variants": [
            {"name": "on", "enabled": True, "rule": RULE_TEXT},
            {"name": "off", "enabled": False},
        ]
    }


def _stored_split() -> dict[str, Any]:
    return {
        "_variants": [
            {"name": "green", "enabled": True, "rule": '(eq $tier "premium")'},
            {"name": "blue", "enabled": True, "rule": "(split pct::10 by::$userId)"},
            {"name": "control", "enabled": False},
        ]
    }


def ours_document() -> dict[str, Any]:
    """``plain``, ``rule`` and ``split`` in the stored form."""
    values = {"plain": _stored_plain(True), "rule": _stored_rule(), "split": _stored_split()}
    return {"version": "1", "flags": {k: {"name": k} for k in values}, "values": values}


def ours_fifty() -> dict[str, Any]:
    """The fifty flags in the stored form."""
    values = {
        name: _stored_rule() if _is_rule(i) else _stored_plain(i % 2 == 0)
        for i, name in enumerate(FIFTY)
    }
    return {"version": "1", "flags": {k: {"name": k} for k in values}, "values": values}


def stored_document(count: int) -> dict[str, Any]:
    """A realistic stored-form document of ``count`` flags for the load scenario.

    Seven in ten are plain flags with two constrained attributes, two in ten have a
    two-condition rule, one in ten a three-variant split.
    """
    flags: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for i in range(count):
        key = f"flag{i:04d}"
        kind = i % 10
        flags[key] = {
            "name": f"Flag {i}",
            "description": "A flag of the load benchmark",
            "attributes": {
                "limit": {"constraints": {"type": "number", "minimum": 0, "maximum": 1000}},
                "color": {"constraints": {"type": "string", "enum": ["red", "blue", "green"]}},
            },
        }
        if kind < 7:
            values[key] = {"enabled": i % 2 == 0, "limit": i % 1000, "color": "red"}
        elif kind < 9:
            values[key] = {
                "_variants": [
                    {
                        "name": "on",
                        "enabled": True,
                        "rule": RULE_TEXT,
                        "attributeValues": {"limit": 10, "color": "blue"},
                    },
                    {"name": "off", "enabled": False},
                ]
            }
        else:
            split = _stored_split()
            split["_variants"][0]["attributeValues"] = {"color": "green"}
            values[key] = split
    return {"version": "1", "flags": flags, "values": values}


# -- Powertools ------------------------------------------------------------------------------


def _pt_rule() -> dict[str, Any]:
    return {
        "default": False,
        "rules": {
            "premium in the EU": {
                "when_match": True,
                "conditions": [
                    {"action": "EQUALS", "key": "tier", "value": "premium"},
                    {"action": "KEY_IN_VALUE", "key": "region", "value": list(REGIONS)},
                ],
            }
        },
    }


def powertools_document() -> dict[str, Any]:
    """``plain``, ``rule`` and ``split`` in the Powertools schema."""
    return {
        "plain": {"default": True},
        "rule": _pt_rule(),
        "split": {
            "default": "control",
            "boolean_type": False,
            "rules": {
                "premium": {
                    "when_match": "green",
                    "conditions": [{"action": "EQUALS", "key": "tier", "value": "premium"}],
                },
                "ten percent": {
                    "when_match": "blue",
                    "conditions": [
                        {
                            "action": "MODULO_RANGE",
                            "key": "userNumber",
                            "value": {"BASE": 100, "START": 0, "END": 9},
                        }
                    ],
                },
            },
        },
    }


def powertools_fifty() -> dict[str, Any]:
    """The fifty flags in the Powertools schema."""
    return {
        name: _pt_rule() if _is_rule(i) else {"default": i % 2 == 0} for i, name in enumerate(FIFTY)
    }


def powertools_sized(count: int) -> dict[str, Any]:
    """``count`` Powertools features in the same 7/2/1 mix as `stored_document`."""
    document = powertools_document()
    features: dict[str, Any] = {}
    for i in range(count):
        kind = i % 10
        if kind < 7:
            features[f"flag{i:04d}"] = {"default": i % 2 == 0}
        elif kind < 9:
            features[f"flag{i:04d}"] = _pt_rule()
        else:
            features[f"flag{i:04d}"] = document["split"]
    return features


# -- LaunchDarkly (file data source) ---------------------------------------------------------


def _ld_flag(key: str, variations: list[Any], **parts: Any) -> dict[str, Any]:
    flag: dict[str, Any] = {
        "key": key,
        "version": 1,
        "on": True,
        "variations": variations,
        "offVariation": 0,
        "fallthrough": {"variation": 0},
        "targets": [],
        "contextTargets": [],
        "rules": [],
        "prerequisites": [],
        "salt": f"{key}-salt",
        "trackEvents": False,
        "trackEventsFallthrough": False,
    }
    flag.update(parts)
    return flag


def _ld_rule(key: str) -> dict[str, Any]:
    clauses = [
        {"attribute": "tier", "op": "in", "values": ["premium"], "negate": False},
        {"attribute": "region", "op": "in", "values": list(REGIONS), "negate": False},
    ]
    return _ld_flag(
        key, [False, True], rules=[{"id": f"{key}-r", "clauses": clauses, "variation": 1}]
    )


def launchdarkly_data(*, fifty: bool = False) -> dict[str, Any]:
    """``plain``, ``rule`` and ``split`` (or the fifty flags) as a LaunchDarkly flag file."""
    split = _ld_flag(
        "split",
        ["control", "blue", "green"],
        rules=[
            {
                "id": "split-premium",
                "clauses": [
                    {"attribute": "tier", "op": "in", "values": ["premium"], "negate": False}
                ],
                "variation": 2,
            }
        ],
        fallthrough={
            "rollout": {
                "variations": [{"variation": 1, "weight": 10000}, {"variation": 0, "weight": 90000}]
            }
        },
    )
    if not fifty:
        flags = {
            "plain": _ld_flag("plain", [False, True], fallthrough={"variation": 1}),
            "rule": _ld_rule("rule"),
            "split": split,
        }
        return {"flags": flags, "segments": {}}
    flags = {}
    for i, name in enumerate(FIFTY):
        flags[name] = (
            _ld_rule(name)
            if _is_rule(i)
            else _ld_flag(name, [False, True], fallthrough={"variation": int(i % 2 == 0)})
        )
    return {"flags": flags, "segments": {}}


# -- Unleash (bootstrapped) ------------------------------------------------------------------


def _unleash_rule(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "enabled": True,
        "strategies": [
            {
                "name": "default",
                "parameters": {},
                "constraints": [
                    {"contextName": "tier", "operator": "IN", "values": ["premium"]},
                    {"contextName": "region", "operator": "IN", "values": list(REGIONS)},
                ],
            }
        ],
    }


def _unleash_plain(name: str, enabled: bool) -> dict[str, Any]:
    return {"name": name, "enabled": enabled, "strategies": [{"name": "default", "parameters": {}}]}


def _unleash_split() -> dict[str, Any]:
    def rollout(variants: list[tuple[str, int]], constraints: list[Any]) -> dict[str, Any]:
        return {
            "name": "flexibleRollout",
            "parameters": {"rollout": "100", "stickiness": "userId", "groupId": "split"},
            "constraints": constraints,
            "variants": [
                {"name": n, "weight": w, "weightType": "variable", "stickiness": "userId"}
                for n, w in variants
            ],
        }

    premium = [{"contextName": "tier", "operator": "IN", "values": ["premium"]}]
    return {
        "name": "split",
        "enabled": True,
        "strategies": [
            rollout([("green", 1000)], premium),
            rollout([("blue", 100), ("control", 900)], []),
        ],
    }


def unleash_state(count: int | None = None) -> dict[str, Any]:
    """The Unleash client state: the evaluation flags and the fifty, or ``count`` load flags."""
    if count is not None:
        features = []
        for i in range(count):
            kind = i % 10
            name = f"flag{i:04d}"
            if kind < 7:
                features.append(_unleash_plain(name, i % 2 == 0))
            elif kind < 9:
                features.append(_unleash_rule(name))
            else:
                features.append({**_unleash_split(), "name": name})
        return {"version": 2, "features": features}
    features = [_unleash_plain("plain", True), _unleash_rule("rule"), _unleash_split()]
    for i, name in enumerate(FIFTY):
        features.append(_unleash_rule(name) if _is_rule(i) else _unleash_plain(name, i % 2 == 0))
    return {"version": 2, "features": features}


def dumps(document: Any) -> bytes:
    """The JSON bytes a source would hand over."""
    return json.dumps(document).encode()

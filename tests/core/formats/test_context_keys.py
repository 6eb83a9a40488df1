"""Where a document's rules read the context: stored-form variant rules, Powertools conditions."""

from __future__ import annotations

from typing import Any

from appconfig_core._formats.context_keys import rule_context_keys

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {"vip": {"name": "VIP"}, "plain": {"name": "Plain"}},
    "values": {
        "plain": {"enabled": True},
        "vip": {
            "_variants": [
                {"name": "staff", "enabled": True, "rule": "(eq $is_staff true)"},
                {"name": "half", "enabled": True, "rule": "(split pct::50 by::$userId)"},
                {"name": "constant", "enabled": True, "rule": "(eq 1 1)"},
                {"name": "default", "enabled": False},
            ]
        },
    },
}


class TestStoredForm:
    def test_each_rule_with_its_keys_and_location(self) -> None:
        """Every variant rule that reads a key is listed at the location validation uses."""
        assert [
            ("values.vip._variants[0].rule", frozenset({"is_staff"})),
            ("values.vip._variants[1].rule", frozenset({"userId"})),
        ] == rule_context_keys(STORED)

    def test_malformed_parts_are_skipped(self) -> None:
        """A rule that does not parse, or values that are not objects, give nothing, never raise."""
        broken = {
            "version": "1",
            "flags": {},
            "values": {"a": 3, "b": {"_variants": [{"rule": "(eq"}]}},
        }
        assert [] == rule_context_keys(broken)

    def test_retrieval_form_and_raw_read_nothing(self) -> None:
        """The retrieval form carries no rules; raw configuration is not flags."""
        assert [] == rule_context_keys({"a": {"enabled": True}})
        assert [] == rule_context_keys(STORED, "raw")


class TestPowertools:
    def test_condition_keys_but_not_the_clock(self) -> None:
        """Condition keys are context keys, except the SCHEDULE_* actions', which read the clock."""
        document = {
            "premium": {
                "default": False,
                "rules": {
                    "gold tier": {
                        "when_match": True,
                        "conditions": [
                            {"action": "EQUALS", "key": "tier", "value": "gold"},
                            {
                                "action": "SCHEDULE_BETWEEN_TIME_RANGE",
                                "key": "CURRENT_TIME",
                                "value": {"START": "09:00", "END": "17:00"},
                            },
                        ],
                    }
                },
            }
        }
        assert [
            ('premium.rules["gold tier"].conditions[0].key', frozenset({"tier"}))
        ] == rule_context_keys(document)

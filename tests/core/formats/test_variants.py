"""Tests for multi-variant flags: order, default, reasons, prebuilt answers, AWS's examples."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appconfig_core._evaluation.result import DEFAULT, ERROR, SPLIT, TARGETING_MATCH
from appconfig_core._formats.detect import compile_document
from appconfig_core._formats.stored import compile_stored
from appconfig_core._formats.variants import VariantFlag
from appconfig_core._rules.split import bucket
from appconfig_core.errors import DocumentError


def ui_refresh() -> dict[str, Any]:
    """The AWS user guide's multi-variant example (reference section 3.2)."""
    return {
        "version": "1",
        "flags": {
            "ui_refresh": {
                "name": "UI Refresh",
                "attributes": {"dark_mode_support": {"constraints": {"type": "boolean"}}},
            }
        },
        "values": {
            "ui_refresh": {
                "_variants": [
                    {
                        "name": "QA",
                        "enabled": True,
                        "rule": '(ends_with $email "qa-testers.mycompany.com")',
                        "attributeValues": {"dark_mode_support": True},
                    },
                    {
                        "name": "Beta Testers",
                        "enabled": True,
                        "rule": '(exists key::"opted_in_to_beta")',
                        "attributeValues": {"dark_mode_support": True},
                    },
                    {
                        "name": "Sample Population",
                        "enabled": True,
                        "rule": "(split pct::10 by::$email)",
                        "attributeValues": {"dark_mode_support": False},
                    },
                    {"name": "Default Variant", "enabled": False},
                ]
            }
        },
    }


def split_doc(*variants: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "1",
        "flags": {"exp": {"name": "Experiment"}},
        "values": {"exp": {"_variants": [*variants, {"name": "C", "enabled": False}]}},
    }


def shares(flag: Any, n: int = 100_000) -> dict[str, float]:
    counts: dict[str, int] = {}
    for i in range(n):
        variant = flag.evaluate({"userId": f"user-{i}"}).variant
        counts[variant] = counts.get(variant, 0) + 1
    return {name: count * 100 / n for name, count in counts.items()}


class TestAwsExamples:
    @pytest.mark.parametrize("compile_", [compile_stored, compile_document])
    def test_qa_beta_sample_default(self, compile_: Any) -> None:
        """The documented variants resolve in order, directly and through compile_document."""
        flag = compile_(ui_refresh())["ui_refresh"]
        qa = flag.evaluate({"email": "jane@qa-testers.mycompany.com"})
        assert (qa.variant, qa.enabled, qa.reason, dict(qa.attributes)) == (
            "QA",
            True,
            TARGETING_MATCH,
            {"dark_mode_support": True},
        )
        beta = flag.evaluate({"email": "x@example.org", "opted_in_to_beta": "false"})
        assert (beta.variant, beta.reason) == ("Beta Testers", TARGETING_MATCH)
        default = flag.evaluate({})
        assert (default.variant, default.enabled, default.reason, dict(default.attributes)) == (
            "Default Variant",
            False,
            DEFAULT,
            {},
        )

    def test_sample_population_is_a_split(self) -> None:
        """About 10% of other emails get Sample Population, with reason SPLIT."""
        flag = compile_stored(ui_refresh())["ui_refresh"]
        results = [flag.evaluate({"email": f"user{i}@example.org"}) for i in range(20_000)]
        sampled = [r for r in results if r.variant == "Sample Population"]
        assert abs(len(sampled) / 200 - 10) < 1
        assert {r.reason for r in sampled} == {SPLIT}
        assert {r.enabled for r in sampled} == {True}
        assert {r.attributes["dark_mode_support"] for r in sampled} == {False}

    def test_split_20_then_20_same_hash(self) -> None:
        """Two pct::20 splits on one hash give A 20%, B 0%, C 80%."""
        doc = split_doc(
            {"name": "A", "enabled": True, "rule": "(split pct::20 by::$userId)"},
            {"name": "B", "enabled": True, "rule": "(split pct::20 by::$userId)"},
        )
        result = shares(compile_stored(doc)["exp"])
        assert "B" not in result
        assert abs(result["A"] - 20) < 0.5
        assert abs(result["C"] - 80) < 0.5

    def test_split_20_then_25_same_hash(self) -> None:
        """pct::20 then pct::25 on one hash give A 20%, B 5%, C 75%."""
        doc = split_doc(
            {"name": "A", "enabled": True, "rule": "(split pct::20 by::$userId)"},
            {"name": "B", "enabled": True, "rule": "(split pct::25 by::$userId)"},
        )
        result = shares(compile_stored(doc)["exp"])
        assert abs(result["A"] - 20) < 0.5
        assert abs(result["B"] - 5) < 0.5
        assert abs(result["C"] - 75) < 0.5

    def test_split_with_different_seeds(self) -> None:
        """seed_one pct::20 then seed_two pct::25 give A 20%, B 20%, C 60%."""
        doc = split_doc(
            {"name": "A", "enabled": True, "rule": '(split pct::20 by::$userId seed::"seed_one")'},
            {"name": "B", "enabled": True, "rule": '(split pct::25 by::$userId seed::"seed_two")'},
        )
        result = shares(compile_stored(doc)["exp"])
        assert abs(result["A"] - 20) < 0.5
        assert abs(result["B"] - 20) < 0.5
        assert abs(result["C"] - 60) < 0.5

    def test_split_without_seed_is_seeded_by_the_flag_key(self) -> None:
        """A split with no seed buckets by the flag's key, so a seed equal to the key agrees."""
        rule = "(split pct::50 by::$userId)"
        unseeded = compile_stored(split_doc({"name": "A", "enabled": True, "rule": rule}))["exp"]
        keyed = compile_stored(
            split_doc({"name": "A", "enabled": True, "rule": rule[:-1] + ' seed::"exp")'})
        )["exp"]
        users = [{"userId": f"user-{i}"} for i in range(400)]
        picked = [unseeded.evaluate(user).variant for user in users]
        assert picked == [keyed.evaluate(user).variant for user in users]
        assert picked == ["A" if bucket("exp", user["userId"]) < 50_000 else "C" for user in users]

    def test_tiered_release(self) -> None:
        """AWS's tiered-release rule: or of and(eq, split) gives SPLIT only to the sampled tier."""
        rule = (
            '(or (and (eq $group "Tier1") (split by::$userId pct::100 seed::"2025.01.01"))'
            ' (and (eq $group "Tier2") (split by::$userId pct::0 seed::"2025.01.01")))'
        )
        flag = compile_stored(split_doc({"name": "Show", "enabled": True, "rule": rule}))["exp"]
        assert flag.evaluate({"group": "Tier1", "userId": "u"}).reason == SPLIT
        assert flag.evaluate({"group": "Tier2", "userId": "u"}).variant == "C"


class TestOrderAndReasons:
    def test_first_match_wins(self) -> None:
        """When two rules match, the earlier variant is chosen."""
        doc = split_doc(
            {"name": "A", "enabled": True, "rule": '(eq $a "x")'},
            {"name": "B", "enabled": False, "rule": '(begins_with $a "x")'},
        )
        flag = compile_stored(doc)["exp"]
        assert flag.evaluate({"a": "x"}).variant == "A"
        assert flag.evaluate({"a": "xy"}).variant == "B"
        assert flag.is_enabled({"a": "x"}) is True
        assert flag.is_enabled({"a": "xy"}) is False

    def test_default_may_sit_anywhere(self) -> None:
        """A default before rule variants is used only when no rule matches."""
        doc = {
            "version": "1",
            "flags": {"f": {}},
            "values": {
                "f": {
                    "_variants": [
                        {"name": "D", "enabled": False},
                        {"name": "R", "enabled": True, "rule": '(eq $a "x")'},
                    ]
                }
            },
        }
        flag = compile_stored(doc)["f"]
        assert flag.evaluate({"a": "x"}).variant == "R"
        assert flag.evaluate({}).variant == "D"

    def test_targeting_match_beside_a_split(self) -> None:
        """A match that holds even with the split against it is TARGETING_MATCH."""
        doc = split_doc(
            {
                "name": "A",
                "enabled": True,
                "rule": '(or (eq $vip "yes") (split pct::0 by::$userId))',
            }
        )
        assert compile_stored(doc)["exp"].evaluate({"vip": "yes"}).reason == TARGETING_MATCH

    def test_evaluations_are_prebuilt(self) -> None:
        """The same variant and reason return the very same Evaluation object."""
        flag = compile_stored(ui_refresh(), version="7")["ui_refresh"]
        one = flag.evaluate({"email": "a@qa-testers.mycompany.com"})
        two = flag.evaluate({"email": "b@qa-testers.mycompany.com"})
        assert one is two
        assert one.version == "7"
        assert flag.evaluate({}) is flag.evaluate({"email": None})

    def test_disabled_variant_has_no_attributes(self) -> None:
        """A disabled variant answers without attributes, as the Agent does."""
        doc = ui_refresh()
        doc["values"]["ui_refresh"]["_variants"][0]["enabled"] = False
        qa = compile_stored(doc)["ui_refresh"].evaluate({"email": "a@qa-testers.mycompany.com"})
        assert (qa.variant, qa.enabled, dict(qa.attributes)) == ("QA", False, {})


class TestNeverRaises:
    def test_a_failing_predicate_gives_error(self, caplog: pytest.LogCaptureFixture) -> None:
        """A predicate that raises gives reason ERROR, is_enabled False, and one warning."""

        class Exploding(dict[str, Any]):
            def get(self, key: str, default: Any = None) -> Any:
                raise RuntimeError("boom")

        flag = compile_stored(ui_refresh())["ui_refresh"]
        assert isinstance(flag, VariantFlag)
        result = flag.evaluate(Exploding())
        assert (result.reason, result.error, result.enabled) == (ERROR, "GENERAL", False)
        assert flag.is_enabled(Exploding()) is False
        warnings = [r for r in caplog.records if "failed with RuntimeError" in r.getMessage()]
        assert len(warnings) == 1

    @settings(max_examples=150, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["email", "opted_in_to_beta", "userId", "x"]),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.text(max_size=40),
                st.lists(st.text(max_size=3), max_size=3),
                st.datetimes(),
            ),
        )
    )
    def test_arbitrary_contexts(self, context: dict[str, Any]) -> None:
        """Any context gives a non-error evaluation of one of the flag's variants."""
        flag = compile_stored(ui_refresh())["ui_refresh"]
        result = flag.evaluate(context)
        assert result.reason in (TARGETING_MATCH, SPLIT, DEFAULT)
        assert flag.is_enabled(context) is result.enabled


class TestVariantValidation:
    @pytest.mark.parametrize(
        ("variants", "location", "message"),
        [
            ([], "values.f._variants", "1 to 32 variants"),
            (
                [{"name": f"v{i}", "enabled": True, "rule": "(eq $a 1)"} for i in range(33)],
                "values.f._variants",
                "1 to 32",
            ),
            (
                [{"name": "a", "enabled": True, "rule": "(eq $a 1)"}],
                "values.f._variants",
                "found none",
            ),
            (
                [{"name": "a", "enabled": True}, {"name": "b", "enabled": True, "rule": " "}],
                "values.f._variants",
                "found [0], [1]",
            ),
            ([{"enabled": True}], "values.f._variants[0].name", "is required: 1 to 64 characters"),
            ([{"name": "x" * 65, "enabled": True}], "values.f._variants[0].name", "1 to 64"),
            (
                [{"name": "a\nb", "enabled": True}],
                "values.f._variants[0].name",
                "without line breaks",
            ),
            (
                [
                    {"name": "a", "enabled": True},
                    {"name": "a", "enabled": True, "rule": "(eq $a 1)"},
                ],
                "values.f._variants[1].name",
                "used twice",
            ),
            ([{"name": "a"}], "values.f._variants[0].enabled", "true or false"),
            (
                [{"name": "a", "enabled": True, "color": "x"}],
                "values.f._variants[0].color",
                "use attributeValues",
            ),
            (
                [{"name": "a", "enabled": True, "rule": 5}, {"name": "d", "enabled": True}],
                "values.f._variants[0].rule",
                "must be a string",
            ),
            (
                [{"name": "d", "enabled": True, "attributeValues": {"size": 99}}],
                "values.f._variants[0].attributeValues.size",
                "above the constraint's maximum 10",
            ),
            (
                [{"name": "d", "enabled": True, "attributeValues": {"nope": 1}}],
                "values.f._variants[0].attributeValues.nope",
                "not declared",
            ),
            (
                [{"name": "d", "enabled": True, "attributeValues": []}],
                "values.f._variants[0].attributeValues",
                "must be an object",
            ),
        ],
    )
    def test_rules(self, variants: list[Any], location: str, message: str) -> None:
        """Each variant rule is reported at its location with its message."""
        doc = {
            "version": "1",
            "flags": {
                "f": {"attributes": {"size": {"constraints": {"type": "number", "maximum": 10}}}}
            },
            "values": {"f": {"_variants": variants}},
        }
        with pytest.raises(DocumentError) as info:
            compile_stored(doc)
        assert any(loc == location and message in msg for loc, msg in info.value.problems), (
            info.value.problems
        )

    def test_empty_rule_is_the_default(self) -> None:
        """A variant with "rule": "" is the default variant."""
        doc = split_doc({"name": "A", "enabled": True, "rule": '(eq $a "x")'})
        doc["values"]["exp"]["_variants"][-1]["rule"] = ""
        assert compile_stored(doc)["exp"].evaluate({}).variant == "C"

    def test_rule_error_names_flag_variant_and_position(self) -> None:
        """A rule that does not parse is reported with flag, variant and character position."""
        doc = split_doc(
            {"name": "A", "enabled": True, "rule": '(eq $a "x")'},
            {"name": "Beta", "enabled": True, "rule": "(eq $a 1) (eq $b 2)"},
        )
        with pytest.raises(DocumentError) as info:
            compile_stored(doc)
        assert info.value.problems == [
            (
                "values.exp._variants[1].rule",
                "rule of variant 'Beta' in flag 'exp' does not parse: unexpected text after the rule's"
                " closing ')' at character 10",
            )
        ]

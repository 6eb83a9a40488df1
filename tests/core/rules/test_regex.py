"""Refusing regular expressions that can backtrack catastrophically."""

from __future__ import annotations

import pytest

from appconfig_core import RuleSyntaxError
from appconfig_core._rules.compiler import compile_rule
from appconfig_core._rules.regex import backtracking_risk


class TestBacktrackingRisk:
    @pytest.mark.parametrize(
        "pattern", ["(a+)+$", "(a*b?)*", r"(\w+\s?)+$", "(x+x+)+y", "((a|b)+)*", "(?:a+)*"]
    )
    def test_nested_unbounded_repetition_is_refused(self, pattern: str) -> None:
        """Patterns nesting an unbounded repetition inside another are reported."""
        assert backtracking_risk(pattern) is not None

    @pytest.mark.parametrize(
        "pattern",
        ["h.*y", r"^[a-z]+@example\.com$", "(ab)+", "(a|b)*c", r"(?:\d{3}-)+", "^(QA|beta)$"],
    )
    def test_ordinary_patterns_pass(self, pattern: str) -> None:
        """Ordinary patterns, including fixed counts inside a repetition, are accepted."""
        assert backtracking_risk(pattern) is None

    def test_rule_with_a_dangerous_pattern_does_not_load(self) -> None:
        """A matches rule with a catastrophic pattern is rejected at load, with its position."""
        with pytest.raises(RuleSyntaxError, match="exponential") as info:
            compile_rule('(matches in::$name pattern::"(a+)+$")', seed="f")
        assert 28 == info.value.position


class TestAlternatives:
    @pytest.mark.parametrize("pattern", ["^(a|a)*$", "(a|ab)*", "(?:ab|a)+c"])
    def test_overlapping_alternatives_in_a_repetition_are_refused(self, pattern: str) -> None:
        """Alternatives that can start alike inside a repetition are reported."""
        assert backtracking_risk(pattern) is not None

    @pytest.mark.parametrize("pattern", ["(QA|beta)+", "(x|y|z)+q", "([a-c]|[d-f])+"])
    def test_disjoint_alternatives_pass(self, pattern: str) -> None:
        """Alternatives with distinct first characters are accepted."""
        assert backtracking_risk(pattern) is None


class TestVariableLengthRepeats:
    @pytest.mark.parametrize(
        "pattern", ["^(a?){25}a{25}$", "(a{0,2}){11}", "((a?){2})+", "(?:x?y){0,40}"]
    )
    def test_variable_part_repeated_many_times_is_refused(self, pattern: str) -> None:
        """A part of variable length repeated more than ten times in all is reported."""
        assert "variable length" in str(backtracking_risk(pattern))

    @pytest.mark.parametrize(
        "pattern", [r"^\d{1,3}(\.\d{1,3}){3}$", "(a?){10}", "a{0,25}", r"(\d{3}-){20}"]
    )
    def test_few_repeats_or_fixed_parts_pass(self, pattern: str) -> None:
        """Variable parts repeated up to ten times, and fixed-length parts, are accepted."""
        assert backtracking_risk(pattern) is None


class TestConstraintPatterns:
    def test_constraint_pattern_is_guarded_too(self) -> None:
        """An attribute constraint with a catastrophic pattern rejects the document."""
        from appconfig_core import DocumentError
        from appconfig_core._formats.stored import compile_stored

        document = {
            "version": "1",
            "flags": {
                "f": {
                    "name": "F",
                    "attributes": {"a": {"constraints": {"type": "string", "pattern": "(a+)+$"}}},
                }
            },
            "values": {"f": {"enabled": True, "a": "aaa"}},
        }
        with pytest.raises(
            DocumentError, match=r"flags\.f\.attributes\.a\.constraints\.pattern: is refused"
        ):
            compile_stored(document)


class TestUnboundedCount:
    @pytest.mark.parametrize("pattern", ["a*a*a*b", ".*foo.*bar.*", "(a*)(b+)(c{2,})"])
    def test_more_than_two_unbounded_repetitions_are_refused(self, pattern: str) -> None:
        """Three or more unbounded repetitions are reported (polynomial search time)."""
        assert "unbounded repetitions" in (backtracking_risk(pattern) or "")

    @pytest.mark.parametrize("pattern", ["a*a*b", ".*foo.*", "^[a-z]+@[a-z]+$"])
    def test_two_are_accepted(self, pattern: str) -> None:
        """Up to two unbounded repetitions are accepted."""
        assert backtracking_risk(pattern) is None

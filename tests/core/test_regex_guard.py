from __future__ import annotations

import pytest

from appconfig_core import RuleSyntaxError
from appconfig_core._regex_guard import backtracking_risk
from appconfig_core._rules import compile_rule


class TestBacktrackingRisk:
    @pytest.mark.parametrize("pattern", ["(a+)+$", "(a*b?)*", r"(\w+\s?)+$", "(x+x+)+y", "((a|b)+)*", "(?:a+)*"])
    def test_nested_unbounded_repetition_is_refused(self, pattern: str) -> None:
        """Patterns nesting an unbounded repetition inside another are reported."""
        assert backtracking_risk(pattern) is not None

    @pytest.mark.parametrize("pattern", ["h.*y", r"^[a-z]+@example\.com$", "(ab)+", "(a|b)*c", r"(?:\d{3}-)+", "^(QA|beta)$"])
    def test_ordinary_patterns_pass(self, pattern: str) -> None:
        """Ordinary patterns, including fixed counts inside a repetition, are accepted."""
        assert backtracking_risk(pattern) is None

    def test_rule_with_a_dangerous_pattern_does_not_load(self) -> None:
        """A matches rule with a catastrophic pattern is rejected at load, with its position."""
        with pytest.raises(RuleSyntaxError, match="exponential") as info:
            compile_rule('(matches in::$name pattern::"(a+)+$")', seed="f")
        assert 28 == info.value.position

"""Tests for `referenced_keys`: the context keys a rule reads."""

from __future__ import annotations

import pytest

from appconfig_core._rules.refs import referenced_keys
from appconfig_core.errors import RuleSyntaxError


class TestReferencedKeys:
    def test_references_in_every_position_are_found(self) -> None:
        """``$key`` operands of comparisons, nested logic and parameters are all reported."""
        rule = (
            '(and (eq $tier "gold") (not (in $country ["FR", "DE"]))'
            " (or (gt $age 18) (split pct::10 by::$user_id))"
            ' (matches in::$email pattern::"@example\\\\.com$"))'
        )
        assert referenced_keys(rule) == {"tier", "country", "age", "user_id", "email"}

    def test_exists_reads_the_key_it_names(self) -> None:
        """``(exists key::"country")`` reads ``country`` although it is written without ``$``."""
        assert referenced_keys('(exists key::"country")') == {"country"}

    def test_a_rule_of_literals_reads_nothing(self) -> None:
        """A rule comparing constants reads no key."""
        assert referenced_keys("(eq 1 1)") == frozenset()

    def test_keys_are_taken_as_written(self) -> None:
        """``$userId`` is a different key from ``$user_id``: that difference is what is checked."""
        assert referenced_keys("(split pct::50 by::$userId)") == {"userId"}

    def test_a_rule_that_does_not_parse_raises_as_loading_would(self) -> None:
        """Unparseable text raises `RuleSyntaxError`, never answers an empty set."""
        with pytest.raises(RuleSyntaxError):
            referenced_keys("(eq $a")

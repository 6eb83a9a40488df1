"""Tests for compiled rules: every operator, coercion decisions, limits and split reasons."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appconfig_core._rules.compiler import MAX_MATCH_INPUT, compile_rule
from appconfig_core.errors import RuleSyntaxError


def check(rule: str, context: dict[str, Any], *, seed: str = "flag") -> bool:
    return compile_rule(rule, seed=seed).predicate(context)


class TestComparison:
    @pytest.mark.parametrize(
        ("rule", "context", "expected"),
        [
            ('(eq $state "Virginia")', {"state": "Virginia"}, True),
            ('(eq $state "Virginia")', {"state": "virginia"}, False),
            ("(gt $age 65)", {"age": 66}, True),
            ("(gt $age 65)", {"age": 65}, False),
            ("(gte $age 65)", {"age": 65}, True),
            ("(lt $age 65)", {"age": 64.5}, True),
            ("(lte $age 65)", {"age": 65}, True),
            ("(lte $age 65)", {"age": 65.01}, False),
            ("(eq $n 1.5)", {"n": 1.5}, True),
            ("(lt 18 $age)", {"age": 30}, True),
            ("(lt 18 $age)", {"age": 10}, False),
            ('(gt $name "m")', {"name": "zed"}, True),
        ],
    )
    def test_operators(self, rule: str, context: dict[str, Any], expected: bool) -> None:
        """eq/gt/gte/lt/lte compare the context value with the literal, either operand order."""
        assert check(rule, context) is expected

    def test_missing_key_is_false_never_an_error(self) -> None:
        """A comparison with a missing (or None) context key is false."""
        for rule in ('(eq $x "a")', "(gt $x 1)", "(eq $x true)", "(lt $x 2024-01-01)"):
            assert check(rule, {}) is False
            assert check(rule, {"x": None}) is False

    def test_not_of_missing_key_is_true(self) -> None:
        """not inverts the false that a missing key gives."""
        assert check('(not (eq $x "a"))', {}) is True

    def test_numeric_strings_compare_as_numbers(self) -> None:
        """Header values are strings, so numeric strings meet number literals as numbers."""
        assert check("(gt $age 65)", {"age": "66"}) is True
        assert check("(eq $age 65)", {"age": "65.0"}) is True
        assert check("(gt $age 65)", {"age": "sixty"}) is False
        assert check("(gt $age 65)", {"age": "66 "}) is False
        assert check("(gt $age 65)", {"age": True}) is False

    def test_decimals_are_numbers(self) -> None:
        """decimal.Decimal context values compare as numbers."""
        assert check("(gt $price 9.5)", {"price": Decimal("9.75")}) is True

    def test_numbers_meet_string_literals_as_text(self) -> None:
        """A number in the context equals a string literal holding its decimal form."""
        assert check('(eq $id "42")', {"id": 42}) is True
        assert check('(eq $flag "true")', {"flag": True}) is True

    def test_boolean_literals_accept_true_false_strings(self) -> None:
        """true/false literals match bools and the strings true/false in any case."""
        assert check("(eq $beta true)", {"beta": True}) is True
        assert check("(eq $beta true)", {"beta": "True"}) is True
        assert check("(eq $beta false)", {"beta": "false"}) is True
        assert check("(eq $beta true)", {"beta": 1}) is False
        assert check("(eq $beta true)", {"beta": "yes"}) is False

    def test_booleans_cannot_be_ordered(self) -> None:
        """gt with a boolean literal is rejected at load."""
        with pytest.raises(RuleSyntaxError, match="cannot order booleans"):
            compile_rule("(gt $a true)", seed="f")

    def test_two_references(self) -> None:
        """Two context references compare, a string taking the other side's kind."""
        assert check("(gt $a $b)", {"a": 3, "b": "2"}) is True
        assert check("(eq $a $b)", {"a": "x", "b": "x"}) is True
        assert check("(eq $a $b)", {"a": "x"}) is False
        assert check("(lt $a $b)", {"a": [1], "b": 2}) is False

    def test_two_literals_fold(self) -> None:
        """A comparison of two constants is decided at load."""
        assert check("(eq 1 1)", {}) is True
        assert check('(eq "a" "b")', {}) is False


class TestTimestamps:
    def test_iso_strings_are_parsed(self) -> None:
        """An ISO string in the context is compared as an instant."""
        assert check("(gt $t 2024-01-01T00:00:00Z)", {"t": "2024-06-01T10:00:00+02:00"}) is True
        assert check("(lt $t 2024-01-01T00:00Z)", {"t": "2023-12-31"}) is True

    def test_partial_literals_stand_for_their_first_instant(self) -> None:
        """2024-01 means 2024-01-01T00:00:00Z; 2024T means the start of 2024."""
        assert check("(gte $t 2024-01)", {"t": "2024-01-01T00:00:00Z"}) is True
        assert check("(lt $t 2024-01)", {"t": "2023-12-31T23:59:59Z"}) is True
        assert check("(eq $t 2024T)", {"t": "2024-01-01T00:00Z"}) is True

    def test_offsets_are_respected(self) -> None:
        """The same instant written with different offsets is equal."""
        assert check("(eq $t 2024-01-01T12:00:00+02:00)", {"t": "2024-01-01T10:00:00Z"}) is True

    def test_datetime_and_date_objects(self) -> None:
        """Aware datetimes compare as instants, naive ones and dates as UTC."""
        later = datetime(2024, 6, 1, tzinfo=timezone(timedelta(hours=5)))
        assert check("(gt $t 2024-01-01)", {"t": later}) is True
        assert check("(eq $t 2024-01-01T00:00Z)", {"t": datetime(2024, 1, 1)}) is True
        assert check("(eq $t 2024-01-01)", {"t": date(2024, 1, 1)}) is True

    def test_epoch_numbers_are_not_timestamps(self) -> None:
        """Numbers never compare with timestamps (seconds or milliseconds would be a guess)."""
        assert check("(gt $t 2024-01-01)", {"t": 1_800_000_000}) is False
        assert check("(gt $t 2024-01-01)", {"t": "not a date"}) is False


class TestLogical:
    def test_and_or_not(self) -> None:
        """and needs every operand, or any, not inverts."""
        both = '(and (eq $state "Virginia") (gt $age 65))'
        assert check(both, {"state": "Virginia", "age": 70}) is True
        assert check(both, {"state": "Virginia", "age": 60}) is False
        either = '(or (eq $state "Virginia") (gt $age 65))'
        assert check(either, {"age": 70}) is True
        assert check(either, {}) is False
        assert check('(not (eq $state "Virginia"))', {"state": "Ohio"}) is True

    def test_more_than_two_operands(self) -> None:
        """and/or accept any number of operands from two up."""
        rule_and = "(and (eq $a 1) (eq $b 2) (eq $c 3))"
        assert check(rule_and, {"a": 1, "b": 2, "c": 3}) is True
        assert check(rule_and, {"a": 1, "b": 2, "c": 4}) is False
        rule_or = "(or (eq $a 1) (eq $b 2) (eq $c 3))"
        assert check(rule_or, {"c": 3}) is True
        assert check(rule_or, {"c": 4}) is False

    def test_one_operand_is_rejected(self) -> None:
        """and with a single expression is a syntax error."""
        with pytest.raises(RuleSyntaxError, match="at least 2"):
            compile_rule("(and (eq $a 1))", seed="f")


class TestStringOperators:
    def test_prefix_suffix_substring(self) -> None:
        """begins_with, ends_with and contains test strings, case-sensitively."""
        assert check('(begins_with $state "A")', {"state": "Alaska"}) is True
        assert check('(begins_with $state "A")', {"state": "alaska"}) is False
        assert check('(ends_with $email "amazon.com")', {"email": "x@amazon.com"}) is True
        assert check('(contains $promo "WIN")', {"promo": "BIGWIN24"}) is True
        assert check('(contains $promo "WIN")', {}) is False

    def test_numbers_are_read_as_text(self) -> None:
        """A number context value is tested in its decimal form."""
        assert check('(begins_with $zip "9")', {"zip": 90210}) is True

    def test_contains_on_a_list_is_membership(self) -> None:
        """contains on a list context value tests whether an item equals the literal."""
        assert check('(contains $groups "admin")', {"groups": ["staff", "admin"]}) is True
        assert check('(contains $groups "adm")', {"groups": ["staff", "admin"]}) is False

    def test_needle_must_be_a_string(self) -> None:
        """A number literal as the needle is rejected with a hint to quote it."""
        with pytest.raises(RuleSyntaxError, match="double quotes"):
            compile_rule("(begins_with $zip 9)", seed="f")


class TestIn:
    def test_membership_with_coercion(self) -> None:
        """in tests membership; each item compares as eq would."""
        rule = '(in $userId ["123", "456"])'
        assert check(rule, {"userId": "456"}) is True
        assert check(rule, {"userId": 123}) is True
        assert check(rule, {"userId": "789"}) is False
        assert check("(in $n [1 2 3])", {"n": "2"}) is True
        assert check("(in $n [1, 2.5, true])", {"n": 2.5}) is True
        assert check("(in $n [1, 2.5, true])", {"n": "TRUE"}) is True
        assert check("(in $n [1])", {}) is False

    def test_needs_a_list(self) -> None:
        """in without a list literal is rejected."""
        with pytest.raises(RuleSyntaxError, match="needs a list"):
            compile_rule('(in $a "x")', seed="f")


class TestMatches:
    def test_unanchored_search(self) -> None:
        """matches finds the pattern anywhere; anchors must be written."""
        assert check('(matches in::$greeting pattern::"h.*y")', {"greeting": "oh hey!"}) is True
        assert check('(matches in::$greeting pattern::"^h.*y$")', {"greeting": "oh hey!"}) is False

    def test_pattern_compiled_at_load(self) -> None:
        """An invalid pattern is a syntax error at the pattern's position."""
        with pytest.raises(RuleSyntaxError) as info:
            compile_rule('(matches in::$g pattern::"(")', seed="f")
        assert info.value.position == 25

    def test_long_values_do_not_match(self) -> None:
        """Values longer than MAX_MATCH_INPUT characters never match (bounds regex cost)."""
        rule = '(matches in::$g pattern::"a")'
        assert check(rule, {"g": "a" * MAX_MATCH_INPUT}) is True
        assert check(rule, {"g": "a" * (MAX_MATCH_INPUT + 1)}) is False

    @pytest.mark.timeout(10)
    def test_nested_bounded_repeats_on_a_hostile_value_finish(self) -> None:
        """A rule that backtracks for minutes under re answers at once: RE2 is linear."""
        rule = '(matches in::$g pattern::"^(a{1,10}){1,10}$")'
        assert check(rule, {"g": "a" * 100 + "!"}) is False
        assert check(rule, {"g": "a" * 100}) is True

    @pytest.mark.parametrize(
        ("pattern", "construct"),
        [
            (r"^(a)\\1$", "backreference \\1 is not supported"),
            ("a(?=b)", "lookahead (?= is not supported"),
            ("(?<!a)b", "lookbehind (?<! is not supported"),
        ],
    )
    def test_construct_re2_cannot_run_is_refused_at_its_position(
        self, pattern: str, construct: str
    ) -> None:
        """A backreference or lookaround is a syntax error naming it, at the pattern."""
        with pytest.raises(RuleSyntaxError) as info:
            compile_rule(f'(matches in::$g pattern::"{pattern}")', seed="f")
        assert 25 == info.value.position
        assert f"pattern:: {construct}" in info.value.reason

    @pytest.mark.parametrize(
        ("pattern", "value", "found"),
        [
            (r"^[a-z]+@example\\.com$", "ann@example.com", True),
            (r"^[a-z]+@example\\.com$", "ann@exampleXcom", False),
            ("(?i)^beta", "BETA tester", True),
            ("^é+$", "ééé", True),
            (r"^\\d+$", "123", True),
            ("[[:upper:]]", "abc", False),
        ],
    )
    def test_ordinary_patterns_keep_their_meaning(
        self, pattern: str, value: str, found: bool
    ) -> None:
        """Anchors, classes, flags and non-ASCII text match as they did under re."""
        assert found is check(f'(matches in::$g pattern::"{pattern}")', {"g": value})


class TestExists:
    def test_presence_not_truthiness(self) -> None:
        """exists is true for any supplied value, false included, and false for None."""
        rule = '(exists key::"opted_in_to_beta")'
        assert check(rule, {"opted_in_to_beta": "false"}) is True
        assert check(rule, {"opted_in_to_beta": False}) is True
        assert check(rule, {"opted_in_to_beta": None}) is False
        assert check(rule, {}) is False

    def test_key_is_quoted(self) -> None:
        """key::$name is rejected: exists takes the key's name as a string."""
        with pytest.raises(RuleSyntaxError, match="without"):
            compile_rule("(exists key::$country)", seed="f")


class TestSplit:
    def test_flag_key_is_the_default_seed(self) -> None:
        """Without seed::, the seed passed to compile_rule (the flag key) is used."""
        values = [f"u{i}" for i in range(2000)]
        plain = compile_rule("(split pct::50 by::$id)", seed="flag_a").predicate
        seeded = compile_rule('(split pct::50 by::$id seed::"flag_a")', seed="other").predicate
        assert [plain({"id": v}) for v in values] == [seeded({"id": v}) for v in values]

    def test_same_seed_same_answer_across_flags(self) -> None:
        """The same seed buckets a value identically whatever the flag."""
        values = [f"u{i}" for i in range(2000)]
        one = compile_rule('(split pct::30 by::$id seed::"s")', seed="flag_a").predicate
        two = compile_rule('(split pct::30 by::$id seed::"s")', seed="flag_b").predicate
        assert [one({"id": v}) for v in values] == [two({"id": v}) for v in values]

    def test_by_values(self) -> None:
        """Strings and integers can be split on; a missing key, bools and floats never match."""
        rule = compile_rule("(split pct::100 by::$id)", seed="f").predicate
        assert rule({"id": "a"}) is True
        assert rule({"id": 7}) is True
        assert rule({"id": True}) is False
        assert rule({"id": 1.5}) is False
        assert rule({}) is False

    def test_integer_and_string_forms_agree(self) -> None:
        """An integer id buckets like its decimal string, as it arrives from Agent headers."""
        rule = compile_rule("(split pct::50 by::$id)", seed="f").predicate
        assert all(rule({"id": i}) == rule({"id": str(i)}) for i in range(500))

    @pytest.mark.parametrize(
        ("rule", "message"),
        [
            ("(split by::$id)", "needs pct::"),
            ("(split pct::10)", "needs by::"),
            ("(split pct::101 by::$id)", "from 0 to 100"),
            ('(split pct::"10" by::$id)', "from 0 to 100"),
            ('(split pct::10 by::"id")', "context reference"),
            ("(split pct::10 by::$id seed::5)", "seed:: must be a string"),
            ("(split pct::10 by::$id pct::5)", "given twice"),
            ("(split pct::10 by::$id size::5)", "no parameter size::"),
            ("(split 10 $id)", "named parameters only"),
        ],
    )
    def test_parameter_errors(self, rule: str, message: str) -> None:
        """split's parameters are checked at load."""
        with pytest.raises(RuleSyntaxError, match=message):
            compile_rule(rule, seed="f")

    def test_fractional_pct(self) -> None:
        """A fractional pct is allowed."""
        compile_rule("(split pct::12.5 by::$id)", seed="f")


class TestSettled:
    """`settled` tells a split decision from a targeting match."""

    def test_rules_without_split_have_none(self) -> None:
        """A rule with no split has no settled form."""
        assert compile_rule('(eq $a "x")', seed="f").settled is None

    @pytest.mark.parametrize(
        ("rule", "context", "split_decided"),
        [
            ("(split pct::100 by::$id)", {"id": "u"}, True),
            ('(and (eq $g "T1") (split pct::100 by::$id))', {"g": "T1", "id": "u"}, True),
            ('(or (eq $e "x") (split pct::100 by::$id))', {"e": "x", "id": "u"}, False),
            ('(or (eq $e "x") (split pct::100 by::$id))', {"e": "y", "id": "u"}, True),
            ("(not (split pct::0 by::$id))", {"id": "u"}, True),
            ('(not (and (eq $a "x") (split pct::0 by::$id)))', {"a": "y", "id": "u"}, False),
            ('(not (and (eq $a "x") (split pct::0 by::$id)))', {"a": "x", "id": "u"}, True),
        ],
    )
    def test_split_decided(self, rule: str, context: dict[str, Any], split_decided: bool) -> None:
        """A match is a split decision exactly when the rule fails with its splits against it."""
        compiled = compile_rule(rule, seed="f")
        assert compiled.predicate(context) is True
        assert compiled.settled is not None
        assert (not compiled.settled(context)) is split_decided


class TestErrors:
    @pytest.mark.parametrize(
        ("rule", "message", "position"),
        [
            ("(neq $a 1)", "use (not (eq ...))", 1),
            ("(starts_with $a 1)", "use begins_with", 1),
            ("(frobnicate $a)", "operators are eq", 1),
            ("(eq $a)", "takes 2 operands, got 1", 0),
            ("(not (eq $a 1) (eq $b 2))", "takes 1 operand, got 2", 0),
            ("(eq $a (eq $b 1))", "cannot be an operand", 7),
            ('(eq $a ["x"])', "cannot take a list", 7),
            ('(and (eq $a 1) "x")', "expression in parentheses", 15),
            ("(eq key::1 $a)", "no name:: parameters", 4),
        ],
    )
    def test_operand_errors(self, rule: str, message: str, position: int) -> None:
        """Operator misuse raises RuleSyntaxError with the message and position."""
        with pytest.raises(
            RuleSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")
        ) as info:
            compile_rule(rule, seed="f")
        assert info.value.position == position
        assert info.value.rule == rule


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=80))
    def test_arbitrary_text_raises_only_rule_syntax_error(self, text: str) -> None:
        """Any string either compiles or raises RuleSyntaxError."""
        with contextlib.suppress(RuleSyntaxError):
            compile_rule(text, seed="f")

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    "(",
                    ")",
                    "[",
                    "]",
                    ",",
                    " ",
                    "$a",
                    '"x"',
                    "1",
                    "-2.5e3",
                    "2024-01",
                    "true",
                    "eq",
                    "gt",
                    "and",
                    "or",
                    "not",
                    "in",
                    "matches",
                    "exists",
                    "split",
                    "pct::",
                    "by::",
                    "seed::",
                    "in::",
                    "pattern::",
                    "key::",
                    '"\\u00e9"',
                    '"(a+)+"',
                    "null",
                ]
            ),
            max_size=25,
        ).map("".join)
    )
    def test_token_soup_raises_only_rule_syntax_error(self, text: str) -> None:
        """Near-valid token sequences either compile or raise RuleSyntaxError."""
        with contextlib.suppress(RuleSyntaxError):
            compile_rule(text, seed="f")

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["a", "b", "id", "t"]),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.text(max_size=30),
                st.datetimes(),
                st.dates(),
                st.lists(st.integers(), max_size=3),
                st.decimals(allow_nan=True),
                st.dictionaries(st.text(max_size=3), st.integers()),
            ),
        )
    )
    def test_evaluation_never_raises(self, context: dict[str, Any]) -> None:
        """Every operator answers a bool for any context value."""
        rules = [
            '(eq $a "x")',
            "(gt $a 1)",
            "(lt $a 2024-01-01)",
            "(eq $a true)",
            "(gte $a $b)",
            '(begins_with $a "x")',
            '(contains $a "1")',
            '(in $a [1, "x", true, 2024T])',
            '(matches in::$a pattern::"x+")',
            '(exists key::"b")',
            "(split pct::50 by::$id)",
            '(and (not (eq $a 1)) (or (eq $t 2024-01) (ends_with $b "z")))',
        ]
        for rule in rules:
            compiled = compile_rule(rule, seed="f")
            assert isinstance(compiled.predicate(context), bool)
            if compiled.settled is not None:
                assert isinstance(compiled.settled(context), bool)

"""Tests for reading the rule language: literals, parameters, limits and error positions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from appconfig_core._rules.syntax import (
    LIST,
    MAX_DEPTH,
    MAX_RULE_LENGTH,
    Call,
    Literal,
    Ref,
    parse_rule,
)
from appconfig_core.errors import RuleSyntaxError


def first_arg(text: str) -> Literal:
    node = parse_rule(f"(eq $k {text})").args[1]
    assert isinstance(node, Literal)
    return node


class TestLiterals:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ('"apple"', "apple"),
            (r'"a\"b\\c\n\t"', 'a"b\\c\n\t'),
            (r'"\u00e9\x41\U0001F600"', "éA😀"),
            (r'"\ud83d\ude00"', "😀"),
            ('"line \\\nbreak"', "line break"),
            ('""', ""),
            ("42", 42),
            ("-7", -7),
            ("3.14", 3.14),
            ("1.234e-5", 1.234e-5),
            ("1e3", 1000.0),
            ("true", True),
            ("false", False),
        ],
    )
    def test_scalars(self, text: str, value: object) -> None:
        """Strings with escapes, integers, floats and booleans read as Python values."""
        literal = first_arg(text)
        assert literal.value == value
        assert type(literal.value) is type(value)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "2012-03-04T05:06:07-08:00",
                datetime(2012, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-8))),
            ),
            ("2024-01", datetime(2024, 1, 1, tzinfo=timezone.utc)),
            ("2024-01T", datetime(2024, 1, 1, tzinfo=timezone.utc)),
            ("2024T", datetime(2024, 1, 1, tzinfo=timezone.utc)),
            ("2024-02-03", datetime(2024, 2, 3, tzinfo=timezone.utc)),
            ("2024-02-03T04:05Z", datetime(2024, 2, 3, 4, 5, tzinfo=timezone.utc)),
            ("2024-02-03T04:05:06.5Z", datetime(2024, 2, 3, 4, 5, 6, 500000, tzinfo=timezone.utc)),
            ("2024-02-03T04:05:06", datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone.utc)),
        ],
    )
    def test_timestamps(self, text: str, expected: datetime) -> None:
        """Full and partial timestamps read as aware datetimes (no offset means UTC)."""
        literal = first_arg(text)
        assert literal.kind == "timestamp"
        assert literal.value == expected

    def test_lists_with_spaces_or_commas(self) -> None:
        """List items may be separated by spaces, commas or both."""
        for text in ('["a" "b" 3]', '["a", "b", 3]', '[ "a" , "b",3 ]'):
            node = parse_rule(f"(in $k {text})").args[1]
            assert isinstance(node, Literal)
            assert node.kind == LIST
            assert [item.value for item in node.value] == ["a", "b", 3]

    def test_references_and_parameters(self) -> None:
        """$key reads as a reference and name::value as a parameter, spaces before :: allowed."""
        tree = parse_rule('(split pct::10 by ::$user.id seed::"s")')
        assert isinstance(tree, Call)
        assert tree.op == "split"
        names = [name for name, _, _ in tree.params]
        assert names == ["pct", "by", "seed"]
        assert tree.params[1][1] == Ref("user.id", 20)


class TestErrors:
    @pytest.mark.parametrize(
        ("rule", "message", "position"),
        [
            ("", "rule is empty", 0),
            ("   ", "rule is empty", 0),
            ('eq $a "x"', "expression in parentheses", 0),
            ("(", "expected an operator name", 1),
            ("(eq $a 1", "missing ')'", 8),
            ("(eq $a 1))", "unexpected text after", 9),
            ('(eq $a "x)', "string is not closed", 7),
            ("(eq $a 'x')", "double quotes", 7),
            (r'(eq $a "\q")', "unknown escape", 8),
            (r'(eq $a "\ud800")', "unpaired surrogate", 7),
            ("(eq $a 2024-13)", "not a valid timestamp", 7),
            ("(eq $a 12abc)", "malformed number", 7),
            ("(eq $a 99999999999999999999)", "64-bit range", 7),
            ("(eq $a 1e999)", "64-bit range", 7),
            ("(eq $ 1)", "context key after '$'", 4),
            ("(eq $a x)", "strings need double quotes", 7),
            ("(eq $a null)", "null is not supported", 7),
            ("(eq $a #)", "unexpected character '#'", 7),
            ("(in $a [1,,2])", "list item before ','", 10),
            ("(in $a [1 2)", "unexpected ')'", 11),
            ("(in $a [1 2", "missing ']'", 11),
            ("(in $a [[1]])", "list items must be", 8),
            ("(split pct::)", "has no value", 12),
            ("(1 2)", "operator name", 1),
        ],
    )
    def test_messages_and_positions(self, rule: str, message: str, position: int) -> None:
        """Each syntax problem names what is wrong and the 0-based character where it is."""
        with pytest.raises(RuleSyntaxError) as info:
            parse_rule(rule)
        assert message in info.value.reason
        assert info.value.position == position
        assert f"at character {position}" in str(info.value)

    def test_length_limit(self) -> None:
        """Rules longer than 16384 characters are rejected before parsing."""
        rule = '(eq $a "' + "x" * MAX_RULE_LENGTH + '")'
        with pytest.raises(RuleSyntaxError, match="AppConfig allows 16384"):
            parse_rule(rule)

    def test_depth_limit(self) -> None:
        """Nesting deeper than MAX_DEPTH is rejected, just below it is accepted."""

        def nested(depth: int) -> str:
            return "(not " * depth + "(eq $a 1)" + ")" * depth

        parse_rule(nested(MAX_DEPTH - 1))
        with pytest.raises(RuleSyntaxError, match="nest deeper"):
            parse_rule(nested(MAX_DEPTH))

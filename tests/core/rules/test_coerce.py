"""Tests for bringing context values to a literal's kind."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from appconfig_core._rules.coerce import kind_of, parse_timestamp, to_bool, to_num, to_str, to_time


class TestToNum:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (3, 3),
            (2.5, 2.5),
            ("42", 42),
            ("9007199254740993", 9007199254740993),
            ("-1.5e2", -150.0),
            (".5", 0.5),
            (Decimal("1.1"), Decimal("1.1")),
        ],
    )
    def test_numbers_and_numeric_strings(self, value: object, expected: object) -> None:
        """Numbers pass through; numeric strings are parsed."""
        assert to_num(value) == expected

    @pytest.mark.parametrize(
        "value",
        [
            True,
            "nan",
            "inf",
            "1_000",
            " 1",
            "",
            "1" * 65,
            float("nan"),
            Decimal("NaN"),
            None,
            [1],
            "٣",
        ],
    )
    def test_not_numbers(self, value: object) -> None:
        """Booleans, non-finite values, padded, overlong or non-ASCII strings are not numbers."""
        assert to_num(value) is None


class TestToStr:
    def test_forms(self) -> None:
        """Booleans read true/false, numbers in decimal; other types have no string form."""
        assert to_str("x") == "x"
        assert to_str(True) == "true"
        assert to_str(12) == "12"
        assert to_str(0.5) == "0.5"
        assert to_str(float("inf")) is None
        assert to_str(None) is None
        assert to_str(["x"]) is None

    def test_huge_integers_do_not_raise(self) -> None:
        """Integers too long for str() give None instead of raising."""
        assert to_str(10**5000) is None


class TestToBoolAndTime:
    def test_bool(self) -> None:
        """true/false strings in any case are booleans; nothing else is."""
        assert to_bool("TRUE") is True
        assert to_bool("False") is False
        assert to_bool(1) is None
        assert to_bool("yes") is None

    def test_time(self) -> None:
        """Datetimes, dates and ISO strings become aware datetimes; numbers do not."""
        utc_new_year = datetime(2024, 1, 1, tzinfo=timezone.utc)
        assert to_time(datetime(2024, 1, 1)) == utc_new_year
        assert to_time(date(2024, 1, 1)) == utc_new_year
        assert to_time("2024-01-01 00:00") == utc_new_year
        assert to_time(1_700_000_000) is None
        assert to_time("x" * 100) is None

    def test_invalid_fields(self) -> None:
        """Out-of-range fields make a timestamp unreadable rather than raising."""
        assert parse_timestamp("2024-02-30") is None
        assert parse_timestamp("2024-01-01T10:00+24:00") is None


class TestKindOf:
    def test_kinds(self) -> None:
        """bool is its own kind even though it is an int subclass."""
        assert kind_of(True) == "boolean"
        assert kind_of(1) == "number"
        assert kind_of("a") == "string"
        assert kind_of(date(2024, 1, 1)) == "timestamp"
        assert kind_of(None) is None

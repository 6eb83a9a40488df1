"""The 21 Powertools actions, one closure each (appconfig_core._formats.powertools_actions)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from appconfig_core._formats.powertools_actions import (
    ACTIONS,
    InvalidCondition,
    build_condition,
)

UTC = timezone.utc


def fixed(moment: datetime) -> Any:
    """A clock that always answers ``moment``."""
    return lambda: moment


NOON = fixed(datetime(2024, 3, 4, 12, 0, tzinfo=UTC))  # a Monday


def check(action: str, key: str, value: Any, context: dict[str, Any], clock: Any = NOON) -> bool:
    return build_condition(action, key, value, clock)(context)


class Boom:
    """A context value whose every comparison raises."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no")

    def __hash__(self) -> int:
        return 0


class TestActionTable:
    def test_all_twenty_one_actions(self) -> None:
        """The table has exactly Powertools' 21 actions, in its order."""
        from aws_lambda_powertools.utilities.feature_flags.schema import RuleAction

        assert [a.value for a in RuleAction] == list(ACTIONS)
        assert len(ACTIONS) == 21


class TestBinaryActions:
    @pytest.mark.parametrize(
        ("action", "key_value", "condition_value", "expected"),
        [
            ("EQUALS", "premium", "premium", True),
            ("EQUALS", "free", "premium", False),
            ("EQUALS", 1, 1.0, True),
            ("NOT_EQUALS", "free", "premium", True),
            ("NOT_EQUALS", "premium", "premium", False),
            ("KEY_GREATER_THAN_VALUE", 19, 18, True),
            ("KEY_GREATER_THAN_VALUE", 18, 18, False),
            ("KEY_GREATER_THAN_OR_EQUAL_VALUE", 18, 18, True),
            ("KEY_GREATER_THAN_OR_EQUAL_VALUE", 17, 18, False),
            ("KEY_LESS_THAN_VALUE", 17, 18, True),
            ("KEY_LESS_THAN_VALUE", 18, 18, False),
            ("KEY_LESS_THAN_OR_EQUAL_VALUE", 18, 18, True),
            ("KEY_LESS_THAN_OR_EQUAL_VALUE", 19, 18, False),
            ("STARTSWITH", "admin@x.org", "admin", True),
            ("STARTSWITH", "bob@x.org", "admin", False),
            ("ENDSWITH", "admin@x.org", "@x.org", True),
            ("ENDSWITH", "admin@y.org", "@x.org", False),
            ("IN", "eu", ["eu", "us"], True),
            ("IN", "cn", ["eu", "us"], False),
            ("NOT_IN", "cn", ["eu", "us"], True),
            ("NOT_IN", "eu", ["eu", "us"], False),
            ("KEY_IN_VALUE", 2, [1, 2, 3], True),
            ("KEY_IN_VALUE", 4, [1, 2, 3], False),
            ("KEY_NOT_IN_VALUE", 4, [1, 2, 3], True),
            ("KEY_NOT_IN_VALUE", 2, [1, 2, 3], False),
            ("VALUE_IN_KEY", ["beta", "x"], "beta", True),
            ("VALUE_IN_KEY", "a beta user", "beta", True),
            ("VALUE_IN_KEY", ["x"], "beta", False),
            ("VALUE_NOT_IN_KEY", ["x"], "beta", True),
            ("VALUE_NOT_IN_KEY", ["beta"], "beta", False),
            ("ALL_IN_VALUE", ["a", "b"], ["a", "b", "c"], True),
            ("ALL_IN_VALUE", ["a", "z"], ["a", "b", "c"], False),
            ("ALL_IN_VALUE", [], ["a"], True),
            ("ANY_IN_VALUE", ["z", "b"], ["a", "b"], True),
            ("ANY_IN_VALUE", ["z"], ["a", "b"], False),
            ("NONE_IN_VALUE", ["z"], ["a", "b"], True),
            ("NONE_IN_VALUE", ["z", "a"], ["a", "b"], False),
        ],
    )
    def test_operator(
        self, action: str, key_value: Any, condition_value: Any, expected: bool
    ) -> None:
        """Each comparison action applies Powertools' expression to context and condition value."""
        assert expected is check(action, "k", condition_value, {"k": key_value})

    @pytest.mark.parametrize("action", [*ACTIONS[:17], "MODULO_RANGE"])
    def test_missing_key_never_matches(self, action: str) -> None:
        """A key absent from the context is a non-match, even for the negative actions."""
        value: Any = {"BASE": 2, "START": 0, "END": 1} if action == "MODULO_RANGE" else ["x"]
        assert check(action, "k", value, {"other": "y"}) is False

    @pytest.mark.parametrize(
        ("action", "key_value", "condition_value"),
        [
            ("STARTSWITH", 42, "4"),
            ("ENDSWITH", None, "x"),
            ("KEY_GREATER_THAN_VALUE", "10", 5),
            ("KEY_IN_VALUE", 1, "abc"),
            ("ALL_IN_VALUE", "ab", ["a", "b"]),
            ("ANY_IN_VALUE", ("a",), ["a"]),
            ("NONE_IN_VALUE", "z", ["a"]),
            ("EQUALS", Boom(), "x"),
        ],
    )
    def test_comparator_error_is_non_match(
        self, action: str, key_value: Any, condition_value: Any
    ) -> None:
        """A comparison that raises (wrong types, non-list for list actions) is a non-match."""
        assert check(action, "k", condition_value, {"k": key_value}) is False

    def test_falsy_values_compare(self) -> None:
        """0, "" and False in the context are present values, not missing ones."""
        assert check("EQUALS", "k", 0, {"k": 0}) is True
        assert check("EQUALS", "k", False, {"k": False}) is True
        assert check("EQUALS", "k", "", {"k": ""}) is True

    def test_list_actions_need_list_value(self) -> None:
        """ALL_IN/ANY_IN/NONE_IN_VALUE reject a condition value that is not a list."""
        with pytest.raises(InvalidCondition, match="ANY_IN_VALUE needs a list") as info:
            build_condition("ANY_IN_VALUE", "k", "abc", NOON)
        assert info.value.field == "value"


class TestModuloRange:
    def test_bucket_bounds_inclusive(self) -> None:
        """START <= value % BASE <= END, both ends included."""
        value = {"BASE": 10, "START": 2, "END": 4}
        results = [check("MODULO_RANGE", "id", value, {"id": n}) for n in range(10)]
        assert results == [False, False, True, True, True, False, False, False, False, False]
        assert check("MODULO_RANGE", "id", value, {"id": 23}) is True

    def test_non_number_is_non_match(self) -> None:
        """A string tenant id cannot be bucketed and does not match."""
        assert check("MODULO_RANGE", "id", {"BASE": 3, "START": 0, "END": 2}, {"id": "7"}) is False

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ({"BASE": 10, "START": 0}, 'needs "BASE", "START" and "END"'),
            ({"BASE": 10, "START": 0, "END": "4"}, "must be integers"),
            ({"BASE": 10, "START": 5, "END": 4}, "0 <= START <= END <= BASE-1"),
            ({"BASE": 10, "START": 0, "END": 10}, "0 <= START <= END <= BASE-1"),
            ([10, 0, 4], "needs an object"),
        ],
    )
    def test_invalid_values(self, value: Any, message: str) -> None:
        """Bad MODULO_RANGE values are rejected with what to fix."""
        with pytest.raises(InvalidCondition, match=message):
            build_condition("MODULO_RANGE", "id", value, NOON)


class TestTimeRange:
    def at(self, hour: int, minute: int, second: int = 0, tz: str = "UTC") -> Any:
        zone = UTC if tz == "UTC" else ZoneInfo(tz)
        return fixed(datetime(2024, 3, 4, hour, minute, second, tzinfo=zone))

    def window(self, start: str, end: str, clock: Any, tz: str | None = None) -> bool:
        value: dict[str, Any] = {"START": start, "END": end}
        if tz:
            value["TIMEZONE"] = tz
        return check("SCHEDULE_BETWEEN_TIME_RANGE", "CURRENT_TIME", value, {}, clock)

    def test_inside_and_outside(self) -> None:
        """A same-day window matches from START to the whole END minute, inclusive."""
        assert self.window("09:00", "17:00", self.at(9, 0)) is True
        assert self.window("09:00", "17:00", self.at(17, 0, 59)) is True
        assert self.window("09:00", "17:00", self.at(17, 1)) is False
        assert self.window("09:00", "17:00", self.at(8, 59, 59)) is False

    def test_crosses_midnight(self) -> None:
        """END before START means the window spans midnight."""
        assert self.window("22:00", "02:00", self.at(23, 30)) is True
        assert self.window("22:00", "02:00", self.at(1, 0)) is True
        assert self.window("22:00", "02:00", self.at(12, 0)) is False
        assert self.window("23:30", "23:00", self.at(23, 15)) is False

    def test_time_zone(self) -> None:
        """The window is read in TIMEZONE: 10:00 UTC is 11:00 in Paris in winter."""
        assert self.window("11:00", "11:30", self.at(10, 15), tz="Europe/Paris") is True
        assert self.window("10:00", "10:30", self.at(10, 15), tz="Europe/Paris") is False

    def test_ignores_context(self) -> None:
        """A time condition does not read the context at all."""
        condition = build_condition(
            "SCHEDULE_BETWEEN_TIME_RANGE",
            "CURRENT_TIME",
            {"START": "00:00", "END": "23:59"},
            NOON,
        )
        assert condition({}) is True
        assert condition({"CURRENT_TIME": "nope"}) is True

    def test_naive_clock_is_utc(self) -> None:
        """A clock returning a naive datetime is read as UTC."""
        clock = fixed(datetime(2024, 3, 4, 10, 15))
        assert self.window("11:00", "11:30", clock, tz="Europe/Paris") is True

    def test_broken_clock_is_non_match(self) -> None:
        """A clock that raises makes the condition false instead of raising."""

        def clock() -> datetime:
            raise OSError("no time")

        assert self.window("00:00", "23:59", clock) is False

    @pytest.mark.parametrize(
        ("key", "value", "field", "message"),
        [
            ("NOW", {"START": "09:00", "END": "10:00"}, "key", "needs the key 'CURRENT_TIME'"),
            ("CURRENT_TIME", "09:00-10:00", "value", "needs an object"),
            ("CURRENT_TIME", {"START": "9:00", "END": "10:00"}, "value", "not a 24-hour time"),
            ("CURRENT_TIME", {"START": "09:00", "END": "24:00"}, "value", "not a 24-hour time"),
            ("CURRENT_TIME", {"START": "09:00"}, "value", '"START" and "END" strings'),
            (
                "CURRENT_TIME",
                {"START": "09:00", "END": "10:00", "TIMEZONE": "Mars/Olympus"},
                "value",
                "not an IANA time zone",
            ),
            (
                "CURRENT_TIME",
                {"START": "09:00", "END": "10:00", "TIMEZONE": 3},
                "value",
                "TIMEZONE must be a string",
            ),
        ],
    )
    def test_invalid(self, key: str, value: Any, field: str, message: str) -> None:
        """Bad keys, times and zones are rejected at load, naming the field."""
        with pytest.raises(InvalidCondition, match=message) as info:
            build_condition("SCHEDULE_BETWEEN_TIME_RANGE", key, value, NOON)
        assert field == info.value.field


class TestDatetimeRange:
    VALUE: ClassVar[dict[str, str]] = {"START": "2024-03-01T00:00:00", "END": "2024-03-31T23:59:59"}

    def test_inside_and_outside(self) -> None:
        """Local date-times from START to END inclusive match."""
        inside = fixed(datetime(2024, 3, 4, tzinfo=UTC))
        outside = fixed(datetime(2024, 4, 1, tzinfo=UTC))
        condition = "SCHEDULE_BETWEEN_DATETIME_RANGE", "CURRENT_DATETIME", self.VALUE
        assert check(*condition, {}, inside) is True
        assert check(*condition, {}, outside) is False

    def test_time_zone(self) -> None:
        """23:30 UTC on March 31st is already April in Tokyo."""
        moment = fixed(datetime(2024, 3, 31, 23, 30, tzinfo=UTC))
        value = {**self.VALUE, "TIMEZONE": "Asia/Tokyo"}
        assert check("SCHEDULE_BETWEEN_DATETIME_RANGE", "CURRENT_DATETIME", value, {}, moment) is (
            False
        )

    @pytest.mark.parametrize(
        ("start", "message"),
        [("yesterday", "not an ISO 8601"), ("2024-03-01T00:00:00Z", "carries a UTC offset")],
    )
    def test_invalid(self, start: str, message: str) -> None:
        """START/END must be ISO 8601 local date-times without an offset."""
        value = {**self.VALUE, "START": start}
        with pytest.raises(InvalidCondition, match=message):
            build_condition("SCHEDULE_BETWEEN_DATETIME_RANGE", "CURRENT_DATETIME", value, NOON)


class TestDaysOfWeek:
    def test_days(self) -> None:
        """The weekday of the clock, in TIMEZONE, must be among DAYS."""
        value = {"DAYS": ["MONDAY", "FRIDAY"]}
        assert check("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value, {}) is True
        sunday = fixed(datetime(2024, 3, 3, 12, tzinfo=UTC))
        assert (
            check("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value, {}, sunday)
            is False
        )

    def test_time_zone(self) -> None:
        """Sunday 20:00 in New York is Monday 01:00 UTC: the zone decides the day."""
        monday_utc = fixed(datetime(2024, 3, 4, 1, 0, tzinfo=UTC))
        value = {"DAYS": ["SUNDAY"], "TIMEZONE": "America/New_York"}
        assert check("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value, {}, monday_utc)

    @pytest.mark.parametrize(
        ("value", "message"),
        [({"DAYS": ["Monday"]}, "upper-case English"), ({"DAYS": "MONDAY"}, "a list of day")],
    )
    def test_invalid(self, value: Any, message: str) -> None:
        """DAYS must be a list of upper-case English day names."""
        with pytest.raises(InvalidCondition, match=message):
            build_condition("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value, NOON)

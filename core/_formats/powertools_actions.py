"""The 21 Powertools condition actions, each turned into a small closure at load.

A condition compiles to ``condition(context) -> bool``. Everything a condition needs (the
operator, the condition value, the time zone, parsed times) is fixed when it is built, so a
call is a context lookup and one comparison. Closures never raise: an exception from the
comparison is a non-match, as in Powertools. A key missing from the context is a non-match
too, for every action, including the negative ones (``NOT_EQUALS``, ``NOT_IN``...).

The time actions ignore the context and read ``clock()`` instead, converted to the
condition's time zone (resolved once, here, with `zoneinfo`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

from appconfig_core._evaluation.flagset import Clock, Context

Condition = Callable[[Context], bool]
Operator = Callable[[Any, Any], Any]


class InvalidCondition(Exception):
    """A condition's key or value is unusable; ``field`` is ``"key"`` or ``"value"``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_MISSING: Final = object()
_UTC: Final = timezone.utc

CURRENT_TIME: Final = "CURRENT_TIME"
CURRENT_DATETIME: Final = "CURRENT_DATETIME"
CURRENT_DAY_OF_WEEK: Final = "CURRENT_DAY_OF_WEEK"

DAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_HH_MM = re.compile(r"(?:2[0-3]|[01]\d):[0-5]\d")


def _all_in(a: Any, b: Any) -> bool:
    if not isinstance(a, list):
        raise TypeError("ALL_IN_VALUE needs a list in the context")
    return all(item in b for item in a)


def _any_in(a: Any, b: Any) -> bool:
    if not isinstance(a, list):
        raise TypeError("ANY_IN_VALUE needs a list in the context")
    return any(item in b for item in a)


def _none_in(a: Any, b: Any) -> bool:
    if not isinstance(a, list):
        raise TypeError("NONE_IN_VALUE needs a list in the context")
    return all(item not in b for item in a)


#: ``(context value, condition value) -> truthy``, Powertools' expressions one for one.
_BINARY: Final[dict[str, Operator]] = {
    "EQUALS": operator.eq,
    "NOT_EQUALS": operator.ne,
    "KEY_GREATER_THAN_VALUE": operator.gt,
    "KEY_GREATER_THAN_OR_EQUAL_VALUE": operator.ge,
    "KEY_LESS_THAN_VALUE": operator.lt,
    "KEY_LESS_THAN_OR_EQUAL_VALUE": operator.le,
    "STARTSWITH": lambda a, b: a.startswith(b),
    "ENDSWITH": lambda a, b: a.endswith(b),
    "IN": lambda a, b: a in b,
    "NOT_IN": lambda a, b: a not in b,
    "KEY_IN_VALUE": lambda a, b: a in b,
    "KEY_NOT_IN_VALUE": lambda a, b: a not in b,
    "VALUE_IN_KEY": lambda a, b: b in a,
    "VALUE_NOT_IN_KEY": lambda a, b: b not in a,
    "ALL_IN_VALUE": _all_in,
    "ANY_IN_VALUE": _any_in,
    "NONE_IN_VALUE": _none_in,
}
_LIST_VALUED: Final = frozenset({"ALL_IN_VALUE", "ANY_IN_VALUE", "NONE_IN_VALUE"})

SCHEDULE_TIME: Final = "SCHEDULE_BETWEEN_TIME_RANGE"
SCHEDULE_DATETIME: Final = "SCHEDULE_BETWEEN_DATETIME_RANGE"
SCHEDULE_DAYS: Final = "SCHEDULE_BETWEEN_DAYS_OF_WEEK"
MODULO_RANGE: Final = "MODULO_RANGE"

#: Every action, in Powertools' order (its ``RuleAction`` enum).
ACTIONS: Final = (*_BINARY, SCHEDULE_TIME, SCHEDULE_DATETIME, SCHEDULE_DAYS, MODULO_RANGE)
_TIME_KEYS: Final = {
    SCHEDULE_TIME: CURRENT_TIME,
    SCHEDULE_DATETIME: CURRENT_DATETIME,
    SCHEDULE_DAYS: CURRENT_DAY_OF_WEEK,
}


def build_condition(action: str, key: str, value: Any, clock: Clock) -> Condition:
    """Compile one validated-shape condition; raise `InvalidCondition` for a bad key or value.

    ``action`` must be one of `ACTIONS`; ``key`` a non-empty string; ``value`` not ``None``.
    """
    op = _BINARY.get(action)
    if op is not None:
        if action in _LIST_VALUED and not isinstance(value, list):
            raise InvalidCondition("value", f"{action} needs a list, not {_kind(value)}")
        return _binary(key, op, value)
    if action == MODULO_RANGE:
        return _modulo(key, value)
    expected_key = _TIME_KEYS[action]
    if key != expected_key:
        raise InvalidCondition("key", f"{action} needs the key {expected_key!r}, not {key!r}")
    if not isinstance(value, dict):
        raise InvalidCondition("value", f"{action} needs an object, not {_kind(value)}")
    zone = _zone(value.get("TIMEZONE"))
    if action == SCHEDULE_TIME:
        return _time_range(value, zone, clock)
    if action == SCHEDULE_DATETIME:
        return _datetime_range(value, zone, clock)
    return _days_of_week(value, zone, clock)


def _binary(key: str, op: Operator, expected: Any) -> Condition:
    def condition(context: Context) -> bool:
        try:
            actual = context.get(key, _MISSING)
            if actual is _MISSING:
                return False
            return True if op(actual, expected) else False  # noqa: SIM210 - truthiness inside the try
        except Exception:  # noqa: BLE001 - a comparator error is a non-match, as in Powertools
            return False

    return condition


def _modulo(key: str, value: Any) -> Condition:
    if not isinstance(value, dict):
        raise InvalidCondition("value", f"MODULO_RANGE needs an object, not {_kind(value)}")
    base, start, end = (value.get(name) for name in ("BASE", "START", "END"))
    if base is None or start is None or end is None:
        raise InvalidCondition("value", 'MODULO_RANGE needs "BASE", "START" and "END"')
    if not (isinstance(base, int) and isinstance(start, int) and isinstance(end, int)):
        raise InvalidCondition("value", '"BASE", "START" and "END" must be integers')
    if not 0 <= start <= end <= base - 1:
        raise InvalidCondition(
            "value",
            f"MODULO_RANGE needs 0 <= START <= END <= BASE-1, got BASE={base}, START={start},"
            f" END={end}",
        )

    def condition(context: Context) -> bool:
        try:
            actual = context.get(key, _MISSING)
            if actual is _MISSING:
                return False
            return True if start <= actual % base <= end else False  # noqa: SIM210 - truthiness inside the try
        except Exception:  # noqa: BLE001 - a comparator error is a non-match, as in Powertools
            return False

    return condition


def _zone(name: Any) -> tzinfo:
    """The `tzinfo` for TIMEZONE; absent, null and ``""`` mean UTC.

    Any other value must be a string. Powertools lets every falsy value (``[]``, ``{}``,
    ``0``) through its validation as UTC and then fails on it at each evaluation, so the rule
    silently never matches; here it is refused at load.
    """
    if name is None:
        return _UTC
    if not isinstance(name, str):
        raise InvalidCondition(
            "value",
            f'TIMEZONE must be a string naming an IANA time zone, like "Europe/Paris",'
            f" not {_kind(name)}",
        )
    if name in ("", "UTC"):
        return _UTC
    try:
        return ZoneInfo(name)
    except (ValueError, LookupError):
        raise InvalidCondition(
            "value",
            f"TIMEZONE {name!r} is not an IANA time zone name; use a name such as"
            ' "Europe/Paris" or "America/New_York" (for a fixed offset, "Etc/GMT-3" is UTC+3)',
        ) from None


def _start_end(value: dict[str, Any], action: str) -> tuple[str, str]:
    start, end = value.get("START", ""), value.get("END", "")
    if not isinstance(start, str) or not isinstance(end, str) or not start or not end:
        raise InvalidCondition("value", f'{action} needs "START" and "END" strings')
    return start, end


def _now(clock: Clock, zone: tzinfo) -> datetime:
    now = clock()
    if now.tzinfo is None:
        now = now.replace(tzinfo=_UTC)
    return now.astimezone(zone)


def _time_range(value: dict[str, Any], zone: tzinfo, clock: Clock) -> Condition:
    start, end = _start_end(value, SCHEDULE_TIME)
    for text in (start, end):
        if not _HH_MM.fullmatch(text):
            raise InvalidCondition("value", f"{text!r} is not a 24-hour time as HH:MM")
    first = int(start[:2]) * 60 + int(start[3:])
    last = int(end[:2]) * 60 + int(end[3:])

    if last < first:  # the window crosses midnight

        def condition(context: Context) -> bool:  # noqa: ARG001 - time ignores the context
            try:
                now = _now(clock, zone)
            except Exception:  # noqa: BLE001 - a broken clock is a non-match
                return False
            minute = now.hour * 60 + now.minute
            return minute >= first or minute <= last

        return condition

    def within(context: Context) -> bool:  # noqa: ARG001 - time ignores the context
        try:
            now = _now(clock, zone)
        except Exception:  # noqa: BLE001 - a broken clock is a non-match
            return False
        return first <= now.hour * 60 + now.minute <= last

    return within


def _parse_local(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidCondition("value", f"{text!r} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is not None:
        raise InvalidCondition(
            "value",
            f"{text!r} carries a UTC offset; write the local time without one and set"
            ' "TIMEZONE" instead (so daylight saving time is applied)',
        )
    return parsed


def _datetime_range(value: dict[str, Any], zone: tzinfo, clock: Clock) -> Condition:
    start_text, end_text = _start_end(value, SCHEDULE_DATETIME)
    start, end = _parse_local(start_text), _parse_local(end_text)

    def condition(context: Context) -> bool:  # noqa: ARG001 - time ignores the context
        try:
            now = _now(clock, zone).replace(tzinfo=None)
        except Exception:  # noqa: BLE001 - a broken clock is a non-match
            return False
        return start <= now <= end

    return condition


def _days_of_week(value: dict[str, Any], zone: tzinfo, clock: Clock) -> Condition:
    days = value.get("DAYS")
    if not isinstance(days, list):
        raise InvalidCondition("value", f'{SCHEDULE_DAYS} needs "DAYS", a list of day names')
    unknown = [day for day in days if day not in DAYS]
    if unknown:
        raise InvalidCondition(
            "value",
            f"DAYS holds {unknown[0]!r}; use upper-case English day names ({', '.join(DAYS)})",
        )
    weekdays = frozenset(DAYS.index(day) for day in days)

    def condition(context: Context) -> bool:  # noqa: ARG001 - time ignores the context
        try:
            return _now(clock, zone).weekday() in weekdays
        except Exception:  # noqa: BLE001 - a broken clock is a non-match
            return False

    return condition


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number" if isinstance(value, (int, float)) else "null")


__all__ = [
    "ACTIONS",
    "CURRENT_DATETIME",
    "CURRENT_DAY_OF_WEEK",
    "CURRENT_TIME",
    "DAYS",
    "Condition",
    "InvalidCondition",
    "build_condition",
]

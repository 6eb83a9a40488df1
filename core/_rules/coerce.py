"""How context values meet rule literals: one coercion per literal kind, none of them raising.

Context values reach the rule engine from two places: Python code (any type) and the
AppConfig Agent's ``Context: key=value`` headers (always strings). Every comparison first
brings the context value to the kind of the literal it is compared with, so that
``user_id=42`` from a header and ``{"user_id": 42}`` from code answer the same. A value that
cannot be brought to that kind makes the comparison false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final

STR: Final = "string"
NUM: Final = "number"
BOOL: Final = "boolean"
TIME: Final = "timestamp"

#: Longest string parsed as a number or a timestamp; longer strings are neither.
MAX_PARSED_LENGTH: Final = 64

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INT_RE = re.compile(r"[+-]?\d+", re.ASCII)
TIMESTAMP_PATTERN: Final = (
    r"(?P<y>\d{4})(?:T|-(?P<m>\d{2})(?:T|-(?P<d>\d{2})"
    r"(?:[Tt ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}:\d{2})?|T)?)?)"
)
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN, re.ASCII)


def to_str(value: Any) -> str | None:
    """``value`` as a string: booleans as ``true``/``false``, numbers in decimal."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:
            return None
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return None


def to_num(value: Any) -> int | float | Decimal | None:
    """``value`` as a finite number; numeric strings are parsed, booleans are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        if len(value) > MAX_PARSED_LENGTH or _NUMBER_RE.fullmatch(value) is None:
            return None
        if _INT_RE.fullmatch(value):
            return int(value)
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def to_bool(value: Any) -> bool | None:
    """``value`` as a boolean; the strings ``true`` and ``false`` in any case count."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return None


def to_time(value: Any) -> datetime | None:
    """``value`` as an aware datetime; naive values are UTC, numbers are not timestamps."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str) and len(value) <= MAX_PARSED_LENGTH:
        return parse_timestamp(value)
    return None


def parse_timestamp(text: str) -> datetime | None:
    """Parse the whole of ``text`` as a timestamp, or return ``None``.

    Accepts Ion's forms, partial ones included (``2024T``, ``2024-01``, ``2024-01-02``,
    ``2024-01-02T03:04Z``, ``2024-01-02T03:04:05.678+01:00``); a partial form stands for
    its first instant, and a time without an offset is UTC.
    """
    match = _TIMESTAMP_RE.fullmatch(text)
    return None if match is None else timestamp_from_match(match)


def timestamp_from_match(match: re.Match[str]) -> datetime | None:
    """The instant a `TIMESTAMP_PATTERN` match denotes, or ``None`` if a field is out of range."""
    parts = match.groupdict()
    fraction = (parts["f"] or "")[:6].ljust(6, "0")
    tz = timezone.utc
    offset = parts["tz"]
    try:
        if offset and offset not in ("Z", "z"):
            sign = -1 if offset[0] == "-" else 1
            delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
            tz = timezone(sign * delta)
        return datetime(
            int(parts["y"]),
            int(parts["m"] or 1),
            int(parts["d"] or 1),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int(fraction),
            tzinfo=tz,
        )
    except ValueError:
        return None


def kind_of(value: Any) -> str | None:
    """The literal kind a Python value belongs to, or ``None`` when it has none."""
    if isinstance(value, str):
        return STR
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float, Decimal)):
        return NUM
    if isinstance(value, (datetime, date)):
        return TIME
    return None


COERCE: Final[dict[str, Callable[[Any], Any]]] = {
    STR: to_str,
    NUM: to_num,
    BOOL: to_bool,
    TIME: to_time,
}

__all__ = [
    "BOOL",
    "COERCE",
    "MAX_PARSED_LENGTH",
    "NUM",
    "STR",
    "TIME",
    "TIMESTAMP_PATTERN",
    "kind_of",
    "parse_timestamp",
    "timestamp_from_match",
    "to_bool",
    "to_num",
    "to_str",
    "to_time",
]

"""A key for anonymous visitors, so percentage rollouts reach people who are not signed in.

A split needs a stable key per person: ``user_id`` for signed-in users, and for everyone
else a random ``visitor_id`` the adapters keep in a signed cookie (``appconfig_visitor``,
``VISITOR_MAX_AGE`` seconds, HttpOnly, SameSite=Lax). It holds 128 random bits and
nothing else, and is only issued the first time a rule reads it, so a site whose rules
never split anonymous traffic sets no cookie. ``targeting_key`` is the user's id when
someone is signed in, else the visitor's: ``(split pct::10 by::$targeting_key)`` splits
both.

`LazyContext` is the mapping both adapters' default contexts are made of: each key is
computed the first time a rule reads it, so a page costs the user query or the cookie only
when a flag needs them.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

DEFAULT_COOKIE: Final = "appconfig_visitor"
#: About a year, under the 13 months European regulators accept for such cookies.
DEFAULT_MAX_AGE: Final = 365 * 24 * 3600
#: Keeps this cookie's signature from being valid for any other signed value of the site.
SALT: Final = "appconfig_flags.visitor"
_ID: Final = re.compile(r"[A-Za-z0-9_-]{22}")
_COOKIE_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")

#: The context keys the default context builders add for rollouts.
VISITOR_KEYS: Final = ("visitor_id", "targeting_key")


def new_visitor_id() -> str:
    """A new random visitor id: 16 bytes from `secrets`, URL-safe, 22 characters."""
    return secrets.token_urlsafe(16)


def is_visitor_id(value: object) -> bool:
    """Whether ``value`` (a cookie's verified text) is an id `new_visitor_id` makes."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def targeting_key(user_id: Any, visitor_id: str | None) -> Any:
    """The signed-in user's id, else the visitor's: one key to split everybody by."""
    return user_id if user_id is not None else visitor_id


class LazyContext(Mapping[str, Any]):
    """A context whose every key is computed on first read, then kept.

    ``compute`` maps each key to a function of the context itself, so one key can be made
    of others (``targeting_key`` of ``user_id`` and ``visitor_id``) and the functions can
    be module-level: ``source`` is what they read (a Django request; nothing in Flask,
    whose request is global). Rules read a context with ``get``, so a key no rule reads
    is never computed.
    """

    __slots__ = ("_compute", "_values", "source")

    def __init__(
        self, compute: Mapping[str, Callable[[LazyContext], Any]], source: Any = None
    ) -> None:
        self._compute = compute
        self._values: dict[str, Any] = {}
        self.source: Any = source

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            compute = self._compute[key]
        value = self._values[key] = compute(self)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._compute)

    def __len__(self) -> int:
        return len(self._compute)

    def preload(self) -> None:
        """Compute every key now (from a thread where the computations are allowed)."""
        for key in self._compute:
            self[key]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} computed={sorted(self._values)}>"


def visitor_cookie_problem(value: Any) -> tuple[str, str] | None:
    """The problem with ``VISITOR_COOKIE``: a cookie name, or None for no visitor key."""
    hint = f"use a cookie name such as {DEFAULT_COOKIE!r}, or None to give visitors no key"
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be a cookie name or None, not {type(value).__name__}", hint
    if not _COOKIE_NAME.fullmatch(value):
        return f"{value!r} is not a cookie name (letters, digits, '_', '.', '-')", hint
    return None


def visitor_max_age_problem(value: Any) -> tuple[str, str] | None:
    """The problem with ``VISITOR_MAX_AGE``: whole seconds, one hour to about two years."""
    hint = f"use whole seconds from 3600 to 63072000, e.g. {DEFAULT_MAX_AGE} (a year)"
    if not isinstance(value, int) or isinstance(value, bool):
        kind = type(value).__name__
        if isinstance(value, float) and math.isfinite(value):
            return f"must be a whole number of seconds, not {value!r}", hint
        return f"must be a whole number of seconds, not {kind}", hint
    if not 3600 <= value <= 2 * 365 * 24 * 3600:
        return f"{value} is outside 3600 to 63072000 seconds", hint
    return None

"""QA overrides: a tester forces flags on or off for their own browser, on a site that opts in.

``?appconfig_flag_new_checkout=on`` (``off``; ``clear`` or an empty value forgets it) is
remembered in a signed cookie holding ``new_checkout:on,gift_cards:off``. The adapters do
the signing (Django's ``signing``, Flask's ``itsdangerous``), read the cookie only for
requests their permission function admits, and lay the result over the request's view with
`FlagsView.with_overrides`. What is framework-neutral lives here: the names, the cookie's
text, the query parameters, the log lines and the forced answers themselves.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from appconfig_core._evaluation.result import OVERRIDE, Evaluation
from appconfig_core.errors import ConfigurationError

from .dotted import import_string

log = logging.getLogger("appconfig_core")

#: ``?appconfig_flag_<name>=on|off|clear``.
PARAM_PREFIX: Final = "appconfig_flag_"
COOKIE: Final = "appconfig_overrides"
#: Keeps this cookie's signature from being valid for any other signed value of the site.
SALT: Final = "appconfig_flags.overrides"
#: More than a tester needs, few enough to keep the cookie far below browsers' 4 KB.
MAX_OVERRIDES: Final = 20
_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_STATES: Final[Mapping[str, bool | None]] = {"on": True, "off": False, "clear": None, "": None}


@dataclass(frozen=True, slots=True)
class Forced:
    """A flag forced on or off: the flag's own answer, with ``enabled`` and the reason replaced.

    Attributes and variant stay what the flag gave, so a banner forced on still has its
    text. A value that is the flag's on/off state (AppConfig flags, Powertools boolean
    features) follows ``enabled``; any other value (a Powertools JSON value) is kept.
    """

    enabled: bool

    def apply(self, evaluation: Evaluation) -> Evaluation:
        """``evaluation`` with ``enabled`` forced and reason ``OVERRIDE``."""
        value = evaluation.value
        if value is None or isinstance(value, bool):
            value = self.enabled
        return dataclasses.replace(
            evaluation, enabled=self.enabled, value=value, reason=OVERRIDE, error=None
        )


def forced(states: Mapping[str, bool]) -> dict[str, Forced]:
    """The overrides to lay over a view for ``states`` (name -> on/off)."""
    return {name: Forced(enabled) for name, enabled in states.items()}


def parse_cookie(text: str) -> dict[str, bool] | None:
    """The states the cookie's (verified) text holds; None when it is not of our making."""
    states: dict[str, bool] = {}
    if not text:
        return states
    for item in text.split(","):
        name, _, state = item.partition(":")
        if not _NAME.fullmatch(name) or state not in {"on", "off"}:
            return None
        states[name] = state == "on"
    return states if len(states) <= MAX_OVERRIDES else None


def cookie_text(states: Mapping[str, bool]) -> str:
    """The cookie's text for ``states``, sorted so equal states give equal cookies."""
    return ",".join(f"{name}:{'on' if on else 'off'}" for name, on in sorted(states.items()))


def requested(params: Iterable[tuple[str, str]]) -> dict[str, bool | None]:
    """What the query parameters ask for: name -> True, False or None (forget it).

    Parameters with another prefix, a name that cannot be a flag's, or a value other than
    ``on``, ``off``, ``clear`` or empty are ignored.
    """
    changes: dict[str, bool | None] = {}
    for key, value in params:
        if not key.startswith(PARAM_PREFIX):
            continue
        name = key[len(PARAM_PREFIX) :]
        state = value.strip().lower()
        if _NAME.fullmatch(name) and state in _STATES:
            changes[name] = _STATES[state]
    return changes


def has_params(keys: Iterable[str]) -> bool:
    """Whether any query parameter is an override parameter (cheap: keys only)."""
    return any(key.startswith(PARAM_PREFIX) for key in keys)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request does with overrides: the states it serves and the cookie to send.

    ``cookie`` is None when the cookie stays as it is, ``""`` when it is to be deleted,
    else the new cookie text (to be signed by the adapter).
    """

    states: Mapping[str, bool]
    cookie: str | None


def resolve(cookie: str | None, *, forged: bool, params: Iterable[tuple[str, str]]) -> Outcome:
    """The outcome for a permitted request: its verified ``cookie`` text, then ``params``.

    ``forged`` says the browser sent a cookie whose signature failed: it is logged once
    (one WARNING, no content) and deleted, and only the parameters count.
    """
    states: dict[str, bool] = {}
    stale = forged
    if forged:
        log.warning(
            "appconfig-flags: ignored a QA override cookie with a bad signature (forged, or"
            " signed with another secret key); it is deleted"
        )
    elif cookie is not None:
        parsed = parse_cookie(cookie)
        if parsed is None:
            log.warning("appconfig-flags: ignored a malformed QA override cookie; it is deleted")
            stale = True
        else:
            states = parsed
    changes = requested(params)
    if not changes:
        return Outcome(states, "" if stale else None)
    wanted = dict(states)
    for name, state in changes.items():
        if state is None:
            wanted.pop(name, None)
        else:
            wanted[name] = state
    if len(wanted) > MAX_OVERRIDES:
        log.warning(
            "appconfig-flags: at most %d QA overrides per browser; the request's are ignored",
            MAX_OVERRIDES,
        )
        return Outcome(states, "" if stale else None)
    text = cookie_text(wanted)
    log.info("appconfig-flags: QA overrides for this browser now: %s", text or "none")
    return Outcome(wanted, text)


def overrides_problem(value: Any) -> tuple[str, str] | None:
    """The problem with the ``OVERRIDES`` setting: True/False, or a permission function."""
    if value is None or isinstance(value, bool) or callable(value):
        return None
    if isinstance(value, str):
        try:
            target = import_string(value)
        except ConfigurationError as exc:
            return str(exc), OVERRIDES_HINT
        except Exception as exc:  # noqa: BLE001 - the module itself failed while importing
            return f"importing {value!r} raised {type(exc).__name__}: {exc}", OVERRIDES_HINT
        if callable(target):
            return None
        return f"{value!r} is not callable (it is {type(target).__name__})", OVERRIDES_HINT
    return (
        "must be True, False, or a permission function (or its dotted path),"
        f" not {type(value).__name__}",
        OVERRIDES_HINT,
    )


OVERRIDES_HINT: Final = (
    "use True (DEBUG or staff in Django, app.debug in Flask) or a function deciding which"
    " requests may carry overrides"
)

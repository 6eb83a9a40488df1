"""The framework signals for one change, in the one order both adapters send them.

Django (``django.dispatch``) and Flask (blinker) each send ``flag_changed`` once per changed
flag, sorted by name, then ``flags_removed`` once when the version removed flags this process
had read, and then ``config_changed`` once: a ``config_changed`` receiver runs after every
per-flag receiver for the same change, so it can act on the whole batch. ``flag_missing`` is
not a change signal: the reading thread sends it (see `missing_signal`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, Final

from appconfig_core._evaluation.usage import MissingFlag
from appconfig_core._runtime.events import ChangeEvent

CONFIG_CHANGED: Final = "config_changed"
FLAG_CHANGED: Final = "flag_changed"
FLAGS_REMOVED: Final = "flags_removed"
FLAG_MISSING: Final = "flag_missing"


def change_signals(event: ChangeEvent) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(signal name, keyword arguments)`` for each signal ``event`` sends, in order.

    ``flag_changed`` gets ``name``, ``old`` and ``new`` (evaluations for an empty context,
    None where the flag is not defined); ``flags_removed`` gets ``names`` (in the old
    document's order), ``version`` (the new one) and ``event``; ``config_changed`` gets
    ``event``.
    """
    for name, old, new in event.flag_changes():
        yield FLAG_CHANGED, {"name": name, "old": old, "new": new}
    if event.removed_in_use:
        before = event.old.flag_names if event.old is not None else ()
        names = tuple(name for name in before if name in event.removed_in_use)
        yield FLAGS_REMOVED, {"names": names, "version": event.new.version, "event": event}
    yield CONFIG_CHANGED, {"event": event}


def missing_signal(missing: MissingFlag) -> dict[str, Any]:
    """The keyword arguments of ``flag_missing``: ``name``, ``version``, ``suggestions``, ``forced``."""
    return {
        "name": missing.name,
        "version": missing.version,
        "suggestions": missing.suggestions,
        "forced": missing.forced,
    }


def receiver_name(receiver: object) -> str:
    """``module.qualname`` of a receiver function or method, else its ``repr``."""
    qualname = getattr(receiver, "__qualname__", None)
    module = getattr(receiver, "__module__", None)
    if isinstance(qualname, str) and isinstance(module, str):
        return f"{module}.{qualname}"
    return repr(receiver)


def report_receiver_error(
    log: logging.Logger,
    signal: str,
    receiver: object,
    error: BaseException,
    *,
    traceback: bool = True,
) -> None:
    """Log, naming it, a receiver of ``signal`` that raised ``error``.

    ``traceback=False`` where the framework logged the traceback already (Django's
    ``send_robust`` does, on the ``django.dispatch`` logger, naming the function only).
    """
    log.error(
        "%s: the %s receiver %s raised %s: %s; the other receivers still ran",
        log.name,
        signal,
        receiver_name(receiver),
        type(error).__name__,
        error,
        exc_info=error if traceback else None,
    )

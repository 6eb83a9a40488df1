"""Log every flag change: a trail of what was switched, and when, in the server's log.

The extension sends its blinker signals on the flags client's poller thread, inside an app
context but not a request, so this receiver only logs.
"""

from __future__ import annotations

import logging

from flask import Flask

from appconfig_core import Evaluation
from flask_appconfig import flag_changed

log = logging.getLogger("flask_shop.flags")


def describe(evaluation: Evaluation | None) -> str:
    """``on``, ``off`` or ``absent``, plus the variant of a multi-variant flag."""
    if evaluation is None:
        return "absent"
    state = "on" if evaluation.enabled else "off"
    return f"{state} ({evaluation.variant})" if evaluation.variant else state


def log_flag_change(
    sender: Flask,  # noqa: ARG001 - blinker passes the app
    *,
    name: str,
    old: Evaluation | None,
    new: Evaluation | None,
) -> None:
    version = new.version if new is not None else None
    log.info("flag %s changed: %s -> %s (version %s)", name, describe(old), describe(new), version)


def connect(app: Flask) -> None:
    """Log the changes of ``app``'s flags (blinker holds the receiver weakly: keep it global)."""
    flag_changed.connect(log_flag_change, sender=app)

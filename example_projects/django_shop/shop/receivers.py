"""Log every flag change: a trail of what was switched, and when, in the server's log.

Receivers run on the flags client's poller thread right after a new configuration is
loaded, not in a request, so this one only logs.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from appconfig_core import Evaluation
from django_appconfig.signals import flag_changed

log = logging.getLogger("shop.flags")


def describe(evaluation: Evaluation | None) -> str:
    """``on``, ``off`` or ``absent``, plus the variant of a multi-variant flag."""
    if evaluation is None:
        return "absent"
    state = "on" if evaluation.enabled else "off"
    return f"{state} ({evaluation.variant})" if evaluation.variant else state


@receiver(flag_changed)
def log_flag_change(
    sender: Any,  # noqa: ARG001 - Django passes it by keyword
    *,
    name: str,
    old: Evaluation | None,
    new: Evaluation | None,
    **kwargs: Any,  # noqa: ARG001 - receivers must accept future arguments
) -> None:
    version = new.version if new is not None else None
    log.info("flag %s changed: %s -> %s (version %s)", name, describe(old), describe(new), version)

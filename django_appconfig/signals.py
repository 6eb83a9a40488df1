"""Django signals bridged from the client's listeners.

The change signals run **on the poller thread**, right after a new configuration was
swapped in, not in a request: keep them short, and do not touch request state. For one
change, every ``flag_changed`` is sent first (sorted by flag name), then ``flags_removed``
(when the version removed flags this process had read), then one ``config_changed``: the
order Flask's signals follow too. ``flag_missing`` runs on the thread that read the unknown
name, often a request's. A receiver that raises is logged, naming it, and the other
receivers, the poller and the request carry on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from appconfig_core import ChangeEvent, FlagClient, MissingFlag
from appconfig_core.integration import (
    CONFIG_CHANGED,
    FLAG_CHANGED,
    FLAG_MISSING,
    FLAGS_REMOVED,
    change_signals,
    missing_signal,
    report_receiver_error,
)

log: logging.Logger = logging.getLogger("django_appconfig")

#: Sent after each new configuration is loaded, once every `flag_changed` for it was sent.
#: Sender: the `FlagClient`.
#: Keyword arguments: ``event`` (`appconfig_core.ChangeEvent`: ``old``, ``new``, ``changed``).
config_changed: Signal = Signal()

#: Sent once per flag whose definition changed, before `config_changed`. Sender: the
#: `FlagClient`. Keyword arguments: ``name``; ``old`` and ``new``, each an
#: `appconfig_core.Evaluation` for an empty context, or None where the flag is not defined.
flag_changed: Signal = Signal()

#: Sent when a new version removed flags this process had read since it started (a WARNING
#: names them too), after the `flag_changed` signals and before `config_changed`. Sender:
#: the `FlagClient`. Keyword arguments: ``names`` (tuple, in the old document's order),
#: ``version`` (the new version) and ``event``.
flags_removed: Signal = Signal()

#: Sent once per unknown flag name and document version, when code reads (or a test
#: override forces) a flag the loaded document does not define (docs/hygiene.md). Sender:
#: the `FlagClient`. Keyword arguments: ``name``, ``version``, ``suggestions`` (the closest
#: defined names, best first) and ``forced`` (True for an override).
flag_missing: Signal = Signal()

_SIGNALS = {
    CONFIG_CHANGED: config_changed,
    FLAG_CHANGED: flag_changed,
    FLAGS_REMOVED: flags_removed,
}


def connect_client(client: FlagClient) -> Callable[[], None]:
    """Send the signals for every change and unknown name of ``client``; returns the
    disconnect function."""

    def bridge(event: ChangeEvent) -> None:
        for name, kwargs in change_signals(event):
            _send(_SIGNALS[name], name, client, kwargs)

    def missing(found: MissingFlag) -> None:
        _send(flag_missing, FLAG_MISSING, client, missing_signal(found))

    disconnects = (client.on_change(bridge), client.on_missing(missing))

    def disconnect() -> None:
        for undo in disconnects:
            undo()

    return disconnect


def _send(signal: Signal, name: str, client: FlagClient, kwargs: dict[str, Any]) -> None:
    # send_robust calls every receiver and logs a raising one's traceback on the
    # "django.dispatch" logger; the line below says which signal and receiver it was.
    for receiver, result in signal.send_robust(client, **kwargs):
        if isinstance(result, Exception):
            report_receiver_error(log, name, receiver, result, traceback=False)

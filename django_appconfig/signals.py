"""Django signals bridged from the client's change listener.

Receivers run **on the poller thread**, right after a new configuration was swapped in,
not in a request: keep them short, and do not touch request state. For one change, every
``flag_changed`` is sent first (sorted by flag name), then one ``config_changed``: the order
Flask's signals follow too. A receiver that raises is logged, naming it, and the other
receivers and the poller carry on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.dispatch import Signal

from appconfig_core import ChangeEvent, FlagClient
from appconfig_core.integration import CONFIG_CHANGED, change_signals, report_receiver_error

log = logging.getLogger("django_appconfig")

#: Sent after each new configuration is loaded, once every `flag_changed` for it was sent.
#: Sender: the `FlagClient`.
#: Keyword arguments: ``event`` (`appconfig_core.ChangeEvent`: ``old``, ``new``, ``changed``).
config_changed: Signal = Signal()

#: Sent once per flag whose definition changed, before `config_changed`. Sender: the
#: `FlagClient`. Keyword arguments: ``name``; ``old`` and ``new``, each an
#: `appconfig_core.Evaluation` for an empty context, or None where the flag is not defined.
flag_changed: Signal = Signal()


def connect_client(client: FlagClient) -> Callable[[], None]:
    """Send the signals for every change ``client`` loads; returns the disconnect function."""

    def bridge(event: ChangeEvent) -> None:
        for name, kwargs in change_signals(event):
            signal = config_changed if name == CONFIG_CHANGED else flag_changed
            # send_robust calls every receiver and logs a raising one's traceback on the
            # "django.dispatch" logger; the line below says which signal and receiver it was.
            for receiver, result in signal.send_robust(client, **kwargs):
                if isinstance(result, Exception):
                    report_receiver_error(log, name, receiver, result, traceback=False)

    return client.on_change(bridge)

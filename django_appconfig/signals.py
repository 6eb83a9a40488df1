"""Django signals bridged from the client's change listener.

Receivers run **on the poller thread**, right after a new configuration was swapped in,
not in a request: keep them short, and do not touch request state. A receiver that raises
is logged by Django (``django.dispatch``); the other receivers and the poller carry on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

from appconfig_core import ChangeEvent, FlagClient

#: Sent after each new configuration is loaded, once every `flag_changed` for it was sent.
#: Sender: the `FlagClient`.
#: Keyword arguments: ``event`` (`appconfig_core.ChangeEvent`: ``old``, ``new``, ``changed``).
config_changed: Signal = Signal()

#: Sent once per flag whose definition changed. Sender: the `FlagClient`.
#: Keyword arguments: ``name``; ``old`` and ``new``, each an `appconfig_core.Evaluation` for
#: an empty context, or None where the flag is not defined.
flag_changed: Signal = Signal()


def connect_client(client: FlagClient) -> Callable[[], None]:
    """Send the signals for every change ``client`` loads; returns the disconnect function."""

    def bridge(event: ChangeEvent) -> None:
        for name, old, new in event.flag_changes():
            _send(flag_changed, client, name=name, old=old, new=new)
        _send(config_changed, client, event=event)

    return client.on_change(bridge)


def _send(signal: Signal, sender: FlagClient, **kwargs: object) -> None:
    # send_robust logs a raising receiver (logger "django.dispatch") and calls the rest.
    signal.send_robust(sender, **kwargs)

"""Blinker signals sent when the flags change, in this extension's own namespace.

Both are sent on the client's poller thread (not in a request), inside an application
context pushed for the sender, so receivers may use ``current_app`` but not ``request``.
The sender is always the real `~flask.Flask` app, never the ``current_app`` proxy, so
``signal.connect(receiver, sender=app)`` works; with several apps sharing one client, each
app sends its own.
"""

from __future__ import annotations

from blinker import NamedSignal, Namespace

_signals = Namespace()

#: Sent after each new configuration replaced the previous one (``old`` is ``None`` for the
#: first load). Sender: the app. Keyword arguments: ``event``, the core's
#: `appconfig_core.ChangeEvent` (``event.old``, ``event.new``, ``event.changed``).
config_changed: NamedSignal = _signals.signal("appconfig-config-changed")

#: Sent once per flag the new configuration added, removed or redefined, after
#: `config_changed`. Sender: the app. Keyword arguments: ``name`` (the flag's name), ``old``
#: and ``new`` (`appconfig_core.Evaluation` for an empty context, or ``None`` when the flag
#: is not defined on that side).
flag_changed: NamedSignal = _signals.signal("appconfig-flag-changed")

__all__ = ["config_changed", "flag_changed"]

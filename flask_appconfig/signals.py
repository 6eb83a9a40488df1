"""Blinker signals sent when the flags change or a name is unknown, in this extension's own
namespace.

The change signals are sent on the client's poller thread (not in a request), inside an
application context pushed for the sender, so receivers may use ``current_app`` but not
``request``; `flag_missing` is sent on the reading thread. The sender is always the real `~flask.Flask` app, never the ``current_app`` proxy, so
``signal.connect(receiver, sender=app)`` works; with several apps sharing one client, each
app sends its own.
"""

from __future__ import annotations

from blinker import NamedSignal, Namespace

_signals = Namespace()

#: Sent after each new configuration replaced the previous one (``old`` is ``None`` for the
#: first load), once every `flag_changed` and `flags_removed` for it was sent. Sender: the app. Keyword arguments: ``event``, the core's
#: `appconfig_core.ChangeEvent` (``event.old``, ``event.new``, ``event.changed``).
config_changed: NamedSignal = _signals.signal("appconfig-config-changed")

#: Sent once per flag the new configuration added, removed or redefined (sorted by name),
#: before `config_changed`. Sender: the app. Keyword arguments: ``name`` (the flag's name), ``old``
#: and ``new`` (`appconfig_core.Evaluation` for an empty context, or ``None`` when the flag
#: is not defined on that side).
flag_changed: NamedSignal = _signals.signal("appconfig-flag-changed")

#: Sent when a new version removed flags this process had read since it started (a WARNING
#: names them too), after the `flag_changed` signals and before `config_changed`, on the
#: poller thread. Sender: the app. Keyword arguments: ``names`` (tuple, in the old
#: document's order), ``version`` (the new version) and ``event``.
flags_removed: NamedSignal = _signals.signal("appconfig-flags-removed")

#: Sent once per unknown flag name and document version, when code reads (or a test
#: override forces) a flag the loaded document does not define (docs/hygiene.md), on the
#: thread that read it, inside an application context. Sender: the app. Keyword arguments:
#: ``name``, ``version``, ``suggestions`` (the closest defined names, best first) and
#: ``forced`` (True for an override).
flag_missing: NamedSignal = _signals.signal("appconfig-flag-missing")

__all__ = ["config_changed", "flag_changed", "flag_missing", "flags_removed"]

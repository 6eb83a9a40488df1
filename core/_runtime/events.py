"""What listeners receive, and the list that calls them without letting them break anything."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from appconfig_core._evaluation.result import Evaluation
from appconfig_core._evaluation.snapshot import Snapshot

log = logging.getLogger("appconfig_core")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """A new snapshot replaced ``old`` (``None`` for the first); ``changed`` names the flags."""

    old: Snapshot | None
    new: Snapshot
    changed: frozenset[str]
    #: The flags this version removed that this process had read since it started (a
    #: warning names them; the adapters send ``flags_removed``).
    removed_in_use: frozenset[str] = frozenset()

    def flag_changes(self) -> Iterator[tuple[str, Evaluation | None, Evaluation | None]]:
        """``(name, old, new)`` for each changed flag, evaluated for an empty context.

        ``None`` stands for "not defined" on that side. Framework signals such as
        ``flag_changed`` are built from this, so they agree with each other.
        """
        for name in sorted(self.changed):
            old = _defined(self.old, name)
            new = _defined(self.new, name)
            yield name, old, new


def _defined(snapshot: Snapshot | None, name: str) -> Evaluation | None:
    if snapshot is None or not snapshot.defines(name):
        return None
    return snapshot.peek(name)


class Listeners(Generic[T]):
    """Callbacks called in order; one that raises is logged and the others still run."""

    def __init__(self, kind: str) -> None:
        self._kind = kind
        self._lock = threading.Lock()
        self._callbacks: tuple[Callable[[T], object], ...] = ()

    def add(self, callback: Callable[[T], object]) -> Callable[[], None]:
        """Register ``callback``; return a function that unregisters it (idempotent)."""
        with self._lock:
            self._callbacks = (*self._callbacks, callback)

        def unsubscribe() -> None:
            with self._lock:
                self._callbacks = tuple(cb for cb in self._callbacks if cb is not callback)

        return unsubscribe

    def emit(self, value: T) -> None:
        """Call every callback with ``value``."""
        for callback in self._callbacks:
            try:
                callback(value)
            except Exception:
                log.exception("appconfig-flags: an %s listener %r raised", self._kind, callback)

    def after_fork(self) -> None:
        """In a forked child: replace the lock, which another thread may have held at fork."""
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._callbacks)

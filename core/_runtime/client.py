"""`FlagClient`: a source, a poller, a store and a cache behind one small, never-raising API."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from types import TracebackType
from typing import Any

from appconfig_core._evaluation.flagset import Clock
from appconfig_core._evaluation.result import Evaluation, Status, Usage
from appconfig_core._evaluation.snapshot import Snapshot, compile_defaults
from appconfig_core._evaluation.usage import MissingFlag, ReadLog
from appconfig_core._evaluation.view import ContextSource, FlagsView
from appconfig_core._formats.detect import AUTO, check_format
from appconfig_core._formats.retrieval import compile_overrides
from appconfig_core._sources.base import Content, Source, source_identity
from appconfig_core.errors import ConfigurationError, DocumentError

from .agent_view import resolver_for
from .announce import UnevaluatedVariants, warn_serving_defaults
from .cache import DiskCache
from .events import ChangeEvent, Listeners
from .poller import Poller
from .store import Override, Store, cover

log = logging.getLogger("appconfig_core")

_CLIENTS: weakref.WeakSet[FlagClient] = weakref.WeakSet()
_getpid = os.getpid
_monotonic = time.monotonic
#: How often direct reads (`is_enabled`, `evaluate`) look at the process id. getpid() is a
#: system call costing more than a plain flag check, so they look at the clock instead and
#: ask for the pid at most this often; `snapshot()` asks every time.
PID_CHECK_INTERVAL = 0.05
#: The longest a forked child's first read waits for the child's first fetch (seconds; never
#: longer than ``start_timeout``).
FORK_READ_WAIT = 2.0


class FlagClient:
    """Feature flags from one source, kept fresh by a background thread.

    Reads (`is_enabled`, `evaluate`, `snapshot`) take one reference to an immutable snapshot
    and never block, lock or raise. `start` waits at most ``start_timeout`` for a first
    document, falling back to ``cache_path`` and then to ``defaults``; `close` waits at most
    its ``timeout``. After ``fork()`` the child keeps serving the parent's snapshot and
    starts its own poller (and its own AppConfig session) on its first read, which waits
    (at most ``min(start_timeout, FORK_READ_WAIT)``) for that poller's first fetch.

    Reads are counted per flag (`usage`; ``report_usage`` adds them to `status`), and a
    name the loaded document lacks is logged once per version and sent to `on_missing`
    listeners; ``strict=True`` makes it raise `UnknownFlagError` instead, ``None`` only while
    a test override is in force (docs/hygiene.md).
    """

    def __init__(
        self,
        source: Source,
        *,
        defaults: Mapping[str, Any] | None = None,
        cache_path: str | os.PathLike[str] | None = None,
        start_timeout: float = 5.0,
        format: str = AUTO,  # noqa: A002 - the public keyword is `format`
        clock: Clock | None = None,
        strict: bool | None = None,
        report_usage: bool = False,
    ) -> None:
        if not callable(getattr(source, "fetch", None)):
            raise ConfigurationError(
                f"source must be a source object such as AppConfigDataSource(...), "
                f"not {type(source).__name__}"
            )
        if start_timeout < 0:
            raise ConfigurationError(f"start_timeout must be >= 0 seconds, not {start_timeout!r}")
        check_format(format)
        compile_defaults(defaults)  # raises a ConfigurationError for bad defaults now
        self.source = source
        self._start_timeout = float(start_timeout)
        self._missing: Listeners[MissingFlag] = Listeners("on_missing")
        self._strict = strict
        self._report_usage = report_usage
        self._reads = ReadLog(
            label=source.description, report=self._missing.emit, strict=strict is True
        )
        self._store = Store(format=format, defaults=defaults, clock=clock, reads=self._reads)
        self._cache = DiskCache(cache_path, source_identity(source)) if cache_path else None
        if self._cache is not None:
            self._store.previous = self._cached_content
        self._changes: Listeners[ChangeEvent] = Listeners("on_change")
        self._errors: Listeners[BaseException] = Listeners("on_error")
        self._statuses: Listeners[Status] = Listeners("on_status")
        self._lock = threading.RLock()
        self._poller: Poller | None = None
        self._started = False
        self._closed = False
        self._forked = False
        self._pid = os.getpid()
        self._pid_seen_until = 0.0
        self._fork_claims: dict[int, int] = {}
        self._fork_deadline = 0.0
        self._overrides: dict[str, Override] = {}
        self._resolver = resolver_for(source)
        if self._resolver is None:
            self._changes.add(UnevaluatedVariants(source.description))
        _CLIENTS.add(self)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> bool:
        """Start polling and wait up to ``start_timeout`` for a first document.

        Idempotent. Never raises for a source outage: when the source has not answered in
        time, the disk cache is loaded. Returns whether a document is loaded.
        """
        if not self._check_pid():
            return self._store.loaded  # another thread is taking over after a fork
        with self._lock:
            if self._closed:
                raise ConfigurationError("this FlagClient was closed; create a new one")
            if self._started and not self._forked:
                return self._store.loaded
            self._forked = False
            self._started = True
            poller = self._poller or self._new_poller()  # a read after fork may have made it
        began = _monotonic()
        answered = poller.attempted.wait(self._start_timeout)
        if not self._store.loaded:
            self._load_cache()
        if not self._store.loaded:
            # Without an answer the wait was start_timeout: say that, not a jittery measure.
            waited = _monotonic() - began if answered else self._start_timeout
            warn_serving_defaults(self.source.description, answered, waited, self._cache)
        return self._store.loaded

    def _new_poller(self) -> Poller:
        poller = Poller(
            self.source,
            self._store,
            cache=self._cache,
            changes=self._changes,
            errors=self._errors,
            statuses=self._statuses,
        )
        self._poller = poller
        poller.start()
        return poller

    def _cached_content(self) -> Content | None:
        cached = self._cache.read() if self._cache is not None else None
        return cached.content if cached is not None else None

    def _load_cache(self) -> None:
        if self._cache is None:
            return
        cached = self._cache.read()
        if cached is None or self._store.loaded:
            return
        try:
            event = self._store.load(
                cached.content, "cache", if_empty=True, fetched_at=cached.fetched_at
            )
        except DocumentError as exc:
            log.warning("appconfig-flags: ignoring the cache file %s: %s", self._cache.path, exc)
            return
        if event is None:
            return  # the network answered while the cache was being read: it wins
        log.warning(
            "appconfig-flags: %s did not answer in time; serving version %s from the cache,"
            " fetched %s",
            self.source.description,
            cached.content.version,
            cached.fetched_at.isoformat(timespec="seconds"),
        )
        self._changes.emit(event)

    def close(self, timeout: float = 5.0) -> None:
        """Stop polling; idempotent, safe if never started, bounded by ``timeout``."""
        self._check_pid()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            poller, self._poller = self._poller, None
        if poller is not None and not poller.stop(timeout):
            log.warning("appconfig-flags: the poller did not stop within %.1fs", timeout)
        try:
            self.source.close()
        except Exception:
            log.exception("appconfig-flags: closing %s failed", self.source.description)

    def __enter__(self) -> FlagClient:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _after_fork_in_child(self) -> None:
        self._lock = threading.RLock()
        self._store.after_fork()
        self._reads.after_fork()
        self._changes.after_fork()
        self._errors.after_fork()
        self._statuses.after_fork()
        self._poller = None
        if self._started and not self._closed:
            self._forked = True
            self.source.reset()
        self._pid = os.getpid()  # last: until now, other threads must not take self._lock

    def _check_pid(self) -> bool:
        """Catch a fork the at-fork hook did not see; return False while it is being handled.

        A C-level ``fork()`` (uWSGI workers without ``--py-call-osafterfork``) runs no
        at-fork hook. The first thread to notice does the hook's work; the others keep
        serving the inherited snapshot meanwhile, without touching the inherited lock.
        """
        pid = os.getpid()
        if pid == self._pid:
            return True
        me = threading.get_ident()
        if self._fork_claims.setdefault(pid, me) == me:
            log.warning(
                "appconfig-flags: process %d was forked without Python's at-fork hooks"
                " (uWSGI without --py-call-osafterfork?); %s gets its own poller and session",
                pid,
                self.source.description,
            )
            self._after_fork_in_child()
            return True
        return False

    def _moved(self) -> bool:
        """Whether this process is not the one the client was made in (checked now)."""
        self._pid_seen_until = _monotonic() + PID_CHECK_INTERVAL
        self._reads.tick()  # the time reads are stamped with, as fresh as the pid check
        return self._pid != _getpid()

    def _restart_after_fork(self) -> None:
        """Start the child's poller and wait, bounded, for its first fetch.

        The inherited snapshot may be arbitrarily old (an idle worker forked hours ago), so
        the first read waits for a fetch through the child's own new session, which always
        brings the deployed version: at most ``min(start_timeout, FORK_READ_WAIT)`` once per
        process, shared by every thread reading meanwhile. Past that, reads answer the
        inherited snapshot until the fetch lands.
        """
        if not self._check_pid():
            return
        with self._lock:
            if not self._forked or self._closed:
                return
            if self._poller is None:
                self._fork_deadline = _monotonic() + min(self._start_timeout, FORK_READ_WAIT)
                self._new_poller()
            poller, deadline = self._poller, self._fork_deadline
        if poller is not None:
            poller.attempted.wait(max(0.0, deadline - _monotonic()))
        self._forked = False

    # -- reads -----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current immutable snapshot; pin it to read several flags consistently."""
        if self._forked or self._pid != _getpid():
            self._restart_after_fork()
        self._reads.tick()
        return self._store.current

    def is_enabled(
        self, name: str, context: Mapping[str, Any] | None = None, default: bool = False
    ) -> bool:
        """Whether flag ``name`` is on for ``context``; ``default`` when it cannot say."""
        if self._forked or (_monotonic() >= self._pid_seen_until and self._moved()):
            self._restart_after_fork()
        return self._store.current.is_enabled(name, context, default)

    def evaluate(self, name: str, context: Mapping[str, Any] | None = None) -> Evaluation:
        """The full evaluation of flag ``name`` for ``context``; never raises."""
        if self._forked or (_monotonic() >= self._pid_seen_until and self._moved()):
            self._restart_after_fork()
        return self._store.current.evaluate(name, context)

    def view(self, context: ContextSource = None) -> FlagsView:
        """A view pinned to the current snapshot and ``context``, for one request or one job.

        Each flag is evaluated once per view, and ``context`` (a mapping, or a function
        returning one) is built on the first read. With an `AgentSource`, flags the agent
        evaluates per context are answered for ``context`` by one call to the agent, on the
        first read of such a flag (see docs/agent.md).
        """
        return FlagsView(self.snapshot(), context, resolver=self._resolver)

    def enabled_flags(self, context: Mapping[str, Any] | None = None) -> tuple[str, ...]:
        """The flags on for ``context``, in document order (see `Snapshot.enabled_flags`)."""
        return self.snapshot().enabled_flags(context)

    def usage(self) -> Usage:
        """How often this process read each flag since it started, and when it last did.

        Counts are approximate under threads, and a last-read time may lag by the few
        milliseconds between clock readings (docs/hygiene.md).
        """
        current = self._store.current
        return self._reads.usage(current._own, current.version)

    @property
    def status(self) -> Status:
        """Whether flags are loaded, from where, which version, and the last error."""
        status = self._store.status()
        return replace(status, usage=self.usage()) if self._report_usage else status

    # -- listeners and tests ---------------------------------------------------------------

    def on_change(self, callback: Callable[[ChangeEvent], object]) -> Callable[[], None]:
        """Call ``callback(event)`` on the poller thread after each swap; returns unsubscribe."""
        return self._changes.add(callback)

    def on_error(self, callback: Callable[[BaseException], object]) -> Callable[[], None]:
        """Call ``callback(error)`` on each fetch or load failure; returns unsubscribe."""
        return self._errors.add(callback)

    def on_status(self, callback: Callable[[Status], object]) -> Callable[[], None]:
        """Call ``callback(status)`` on the poller thread when `Status.health` changes.

        Recoveries that change no flag (the source answers "unchanged" again) fire no
        ``on_change``; this is how a listener hears of them without polling the status.
        Returns unsubscribe.
        """
        return self._statuses.add(callback)

    def on_missing(self, callback: Callable[[MissingFlag], object]) -> Callable[[], None]:
        """Call ``callback(missing)`` once per unknown name and version, on the reading
        thread; returns unsubscribe."""
        return self._missing.add(callback)

    @contextmanager
    def override(self, flags: Mapping[str, Any]) -> Iterator[FlagClient]:
        """Force flags for the duration of a ``with`` block (tests); restores on exit.

        Values are as in ``defaults``: a bool, or ``{"enabled": ..., attribute: ...}``, where
        ``"_variant": name`` sets the evaluation's variant. Overrides nest; they are seen by
        every reader of this client in every thread. Forcing a name the loaded document
        does not define is reported like a read of it, and raises `UnknownFlagError`
        unless the client was made with ``strict=False``.
        """
        with self._layer(compile_overrides(flags)):
            yield self

    @contextmanager
    def _layer(self, layer: Mapping[str, Override]) -> Iterator[None]:
        """Lay ``layer`` over the overrides in force, which a `Wrapping` keeps beneath it.

        A name the loaded document lacks is reported (and raises, see `override`) first.
        """
        current = self._store.current
        for name in current.unknown(layer):
            self._reads.missing(
                name,
                current.version,
                current._lookup.keys(),
                strict=self._strict is not False,
                forced=True,
            )
        with self._lock:
            previous = self._overrides
            covered = {name: cover(over, previous.get(name)) for name, over in layer.items()}
            self._overrides = {**previous, **covered}
            self._store.set_overrides(self._overrides)
            self._reads.strict = self._strict_now()
        try:
            yield
        finally:
            with self._lock:
                self._overrides = previous
                self._store.set_overrides(previous)
                self._reads.strict = self._strict_now()

    def _strict_now(self) -> bool:
        """Strict when asked for, or by default while a test override is in force."""
        return self._strict is True or (self._strict is None and bool(self._overrides))

    def __repr__(self) -> str:
        status = self._store.status()
        return f"<FlagClient {self.source.description} ready={status.ready} origin={status.origin}>"


def _after_fork_in_child() -> None:
    for client in list(_CLIENTS):
        client._after_fork_in_child()


def _close_all() -> None:
    for client in list(_CLIENTS):
        client.close(timeout=1.0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all)

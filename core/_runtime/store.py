"""The snapshot store: compile new content outside the lock, then swap one reference.

Readers never lock: they read ``store.current`` once and use that immutable snapshot.
Content that fails to parse or validate never replaces a good snapshot, and neither does a
document without flags (or, with ``format="auto"``, in another format) once flags are served:
an empty or wrong deployment must not silently turn every flag to its default.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from appconfig_core._evaluation.flagset import Clock, CompiledFlag, utc_now
from appconfig_core._evaluation.result import Origin, Rejection, Status
from appconfig_core._evaluation.snapshot import Snapshot, compile_defaults
from appconfig_core._evaluation.usage import ReadLog
from appconfig_core._formats.detect import AUTO, RAW, compile_document, detect_format, why_detected
from appconfig_core._sources.base import Content
from appconfig_core._sources.content import parse_content
from appconfig_core._sources.redact import redact
from appconfig_core.errors import AppConfigFlagsError, DocumentError

from .events import ChangeEvent


@runtime_checkable
class Wrapping(Protocol):
    """A test override that keeps the flag it lies over (`appconfig_core.testing.force_variant`).

    ``over`` is called with the document's flag (else the default, else ``None``) at every
    swap, so the override follows new versions of the document.
    """

    def over(self, flag: CompiledFlag | None) -> CompiledFlag:
        """The flag to serve instead of ``flag``."""
        ...


Override = CompiledFlag | Wrapping


class _Stacked:
    """One `Wrapping` over another: both apply, the upper one last."""

    def __init__(self, upper: Wrapping, lower: Wrapping) -> None:
        self._upper, self._lower = upper, lower

    def over(self, flag: CompiledFlag | None) -> CompiledFlag:
        return self._upper.over(self._lower.over(flag))


def cover(override: Override, below: Override | None) -> Override:
    """``override`` laid on ``below``, the override it covers: a `Wrapping` keeps it."""
    if below is None or not isinstance(override, Wrapping):
        return override
    if isinstance(below, Wrapping):
        return _Stacked(override, below)
    return override.over(below)


class Store:
    """Holds the current snapshot and the facts `Status` reports."""

    def __init__(
        self,
        *,
        format: str,  # noqa: A002 - mirrors FlagClient's keyword
        defaults: Mapping[str, Any] | None,
        clock: Clock | None = None,
        reads: ReadLog | None = None,
    ) -> None:
        self._format = format
        self._clock = clock
        #: The client's read log, shared by every snapshot so counts outlive versions.
        self._reads = reads
        self._defaults = compile_defaults(defaults)
        self._overrides: dict[str, Override] = {}
        self._lock = threading.Lock()
        self._base = self._empty()
        self._base_format: str | None = None
        self._raw: bytes | None = None
        self._fetched_at: datetime | None = None
        #: The snapshot readers use: the loaded one with test overrides laid over it.
        self.current: Snapshot = self._base
        self.origin: Origin = "defaults"
        self.last_error: str | None = None
        #: Fetches in a row that failed or brought a rejected document; any answer that is
        #: not a failure ("unchanged" included) resets it. A rejection outlives it, in
        #: ``rejected``, until a valid version loads.
        self.consecutive_failures = 0
        self.rejected: Rejection | None = None
        #: The last good content a previous process kept (the disk cache), asked for only
        #: when this process has served no flags yet: a restart during a deployment without
        #: flags must refuse it as a running process would, not overwrite the good cache.
        self.previous: Callable[[], Content | None] | None = None

    def _empty(self) -> Snapshot:
        return Snapshot(
            document=None,
            flags={},
            defaults=self._defaults,
            version=None,
            content_type=None,
            loaded_at=None,
            reads=self._reads,
        )

    def compile(self, content: Content, *, fetched_at: datetime | None = None) -> Snapshot:
        """Parse and compile ``content`` (fetched at ``fetched_at``, else now); raises `DocumentError`."""
        document = parse_content(content.data, content.content_type)
        flags = compile_document(
            document, format=self._format, version=content.version, clock=self._clock
        )
        return Snapshot(
            document=document,
            flags=flags,
            defaults=self._defaults,
            version=content.version,
            content_type=content.content_type,
            loaded_at=fetched_at or utc_now(),
            reads=self._reads,
        )

    def load(
        self,
        content: Content,
        origin: Origin,
        *,
        if_empty: bool = False,
        fetched_at: datetime | None = None,
    ) -> ChangeEvent | None:
        """Install ``content``; return the change, or ``None`` when it is the same content.

        With ``if_empty`` (the disk cache at start-up) nothing is installed once a document
        is loaded, even one the poller swapped in while this content was being compiled:
        stale cached content must never replace fresh network content.
        Raises `DocumentError` (and keeps the current snapshot) when the content is invalid.
        ``fetched_at`` is when the content was fetched (the disk cache's record), else now:
        `Status.updated_at` reports it, so a restart never makes old flags look fresh.
        """
        if if_empty and self._base.loaded:
            return None
        if content.data == self._raw and content.version == self._base.version:
            with self._lock:
                self.origin = origin
                self._fetched_at = fetched_at or utc_now()
                self._succeeded(origin)
            return None
        snapshot = self.compile(content, fetched_at=fetched_at)
        fmt = self._format if self._format != AUTO else detect_format(snapshot.document)
        # Only a version without flags needs the cache's word: a normal start compiles once.
        lineage = not (if_empty or self._format == RAW or snapshot_flags(self._base))
        previous = self._previous_flags() if lineage and not snapshot_flags(snapshot) else None
        with self._lock:
            old = self._base
            if if_empty and old.loaded:
                return None
            self._refuse_if_flagless(snapshot, fmt, previous)
            self._base = snapshot
            self._base_format = fmt
            self._raw = content.data
            self._fetched_at = snapshot.loaded_at
            self.origin = origin
            self._succeeded(origin)
            self.current = self._overlay(snapshot)
        in_use = frozenset[str]()
        if old.loaded and self._reads is not None:
            new_names = frozenset(snapshot.flag_names)
            in_use = self._reads.removed(old.flag_names, new_names, snapshot.version)
        return ChangeEvent(
            old=old if old.loaded else None,
            new=snapshot,
            changed=snapshot.changed_flags(old if old.loaded else None),
            removed_in_use=in_use,
        )

    def _previous_flags(self) -> tuple[Snapshot, str] | None:
        """The previous process's last good snapshot and its format, when it had flags."""
        content = self.previous() if self.previous is not None else None
        if content is None:
            return None
        try:
            snapshot = self.compile(content)
        except AppConfigFlagsError:
            return None
        fmt = self._format if self._format != AUTO else detect_format(snapshot.document)
        return (snapshot, fmt) if snapshot_flags(snapshot) else None

    def _refuse_if_flagless(
        self, snapshot: Snapshot, fmt: str, previous: tuple[Snapshot, str] | None = None
    ) -> None:
        """Raise `DocumentError` when ``snapshot`` would take served flags away.

        Only an explicit ``format="raw"`` serves documents without flags after flags; with
        ``auto``, a document read in another format than the served one is refused too (a
        Powertools schema replacing AppConfig flags is a mistake far more often than a plan).
        Flags a previous process served (``previous``, from the disk cache) count as served
        against a version without flags.
        """
        old, old_format = self._base, self._base_format
        if not snapshot_flags(old) and previous is not None:
            old, old_format = previous
        if self._format == RAW or not snapshot_flags(old):
            return
        if not snapshot_flags(snapshot):
            problem = "it has no flags"
        elif self._format == AUTO and fmt != old_format:
            problem = "it is in another format than the flags being served"
        else:
            return
        detail = f"format auto read it as {why_detected(snapshot.document)}"
        raise DocumentError(
            f"{problem}: {detail if self._format == AUTO else f'format {fmt!r}'}. Deploy a"
            ' document with flags, or set format="raw" to serve free-form configuration'
        )

    def record_unchanged(self) -> None:
        """A fetch succeeded and the source said nothing changed.

        A rejection stays (with its error in ``last_error``): "unchanged" then means "still
        the document we could not use".
        """
        with self._lock:
            self.consecutive_failures = 0
            if self.rejected is None:
                self.last_error = None

    def record_failure(self, error: BaseException) -> None:
        """A fetch failed; the snapshot stays."""
        with self._lock:
            self.consecutive_failures += 1
            self.last_error = describe(error)

    def record_rejection(self, version: str | None, error: BaseException) -> None:
        """Version ``version`` arrived but cannot be used; it stays visible until one loads."""
        with self._lock:
            self.consecutive_failures += 1
            self.last_error = describe(error)
            self.rejected = Rejection(version=version, at=utc_now(), reason=str(error))

    def _succeeded(self, origin: Origin) -> None:
        if origin == "cache":
            return  # the source is still failing; its error stays visible in the status
        self.consecutive_failures = 0
        self.last_error = None
        self.rejected = None

    def set_overrides(self, overrides: Mapping[str, Override]) -> None:
        """Lay ``overrides`` over every snapshot from now on (tests only)."""
        with self._lock:
            self._overrides = dict(overrides)
            self.current = self._overlay(self._base)

    def _overlay(self, snapshot: Snapshot) -> Snapshot:
        if not self._overrides:
            return snapshot
        flags = dict(snapshot_flags(snapshot))
        for name, override in self._overrides.items():
            if isinstance(override, Wrapping):
                flags[name] = override.over(flags.get(name) or self._defaults.get(name))
            else:
                flags[name] = override
        return Snapshot(
            document=snapshot.document,
            flags=flags,
            defaults=self._defaults,
            version=snapshot.version,
            content_type=snapshot.content_type,
            loaded_at=snapshot.loaded_at or utc_now(),
            reads=self._reads,
            own_names=snapshot.flag_names,
        )

    def after_fork(self) -> None:
        """In a forked child: replace the lock, which another thread may have held at fork."""
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether a document (from the network or the cache) is installed."""
        return self._base.loaded

    def status(self) -> Status:
        """The current `Status`."""
        base = self._base
        return Status(
            ready=base.loaded,
            origin=self.origin if base.loaded else "defaults",
            version=base.version,
            updated_at=self._fetched_at if base.loaded else None,
            last_error=self.last_error,
            consecutive_failures=self.consecutive_failures,
            rejected=self.rejected,
        )


def snapshot_flags(snapshot: Snapshot) -> Mapping[str, CompiledFlag]:
    """The compiled flags a snapshot's document defines (not its defaults)."""
    return snapshot._flags


def describe(error: BaseException) -> str:
    """``"Type: message"`` for status and logs, naming a public class (never ``_TokenRejected``)."""
    name = public_name(error)
    return redact(f"{name}: {error}") if str(error) else name


def public_name(error: BaseException) -> str:
    """The name of the nearest class of ``error`` that is not private."""
    for cls in type(error).__mro__:
        if not cls.__name__.startswith("_"):
            return cls.__name__
    return AppConfigFlagsError.__name__

"""The snapshot store: compile new content outside the lock, then swap one reference.

Readers never lock: they read ``store.current`` once and use that immutable snapshot.
Content that fails to parse or validate never replaces a good snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from appconfig_core._evaluation.flagset import Clock, CompiledFlag, utc_now
from appconfig_core._evaluation.result import Origin, Status
from appconfig_core._evaluation.snapshot import Snapshot, compile_defaults
from appconfig_core._formats.detect import compile_document
from appconfig_core._sources.base import Content
from appconfig_core._sources.content import parse_content
from appconfig_core._sources.redact import redact

from .events import ChangeEvent


class Store:
    """Holds the current snapshot and the facts `Status` reports."""

    def __init__(
        self,
        *,
        format: str,  # noqa: A002 - mirrors FlagClient's keyword
        defaults: Mapping[str, Any] | None,
        clock: Clock | None = None,
    ) -> None:
        self._format = format
        self._clock = clock
        self._defaults = compile_defaults(defaults)
        self._overrides: dict[str, CompiledFlag] = {}
        self._lock = threading.Lock()
        self._base = self._empty()
        self._raw: bytes | None = None
        self._fetched_at: datetime | None = None
        #: The snapshot readers use: the loaded one with test overrides laid over it.
        self.current: Snapshot = self._base
        self.origin: Origin = "defaults"
        self.last_error: str | None = None
        self.consecutive_failures = 0
        self._rejected = False

    def _empty(self) -> Snapshot:
        return Snapshot(
            document=None,
            flags={},
            defaults=self._defaults,
            version=None,
            content_type=None,
            loaded_at=None,
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
        with self._lock:
            old = self._base
            if if_empty and old.loaded:
                return None
            self._base = snapshot
            self._raw = content.data
            self._fetched_at = snapshot.loaded_at
            self.origin = origin
            self._succeeded(origin)
            self.current = self._overlay(snapshot)
        return ChangeEvent(
            old=old if old.loaded else None,
            new=snapshot,
            changed=snapshot.changed_flags(old if old.loaded else None),
        )

    def record_unchanged(self) -> None:
        """A fetch succeeded and the source said nothing changed.

        When the source's latest document was rejected, its error stays in ``last_error``:
        "unchanged" then means "still the document we could not use".
        """
        with self._lock:
            self.consecutive_failures = 0
            if not self._rejected:
                self.last_error = None

    def record_failure(self, error: BaseException, *, rejected: bool = False) -> None:
        """A fetch failed, or (``rejected``) its document was invalid; the snapshot stays."""
        with self._lock:
            self.consecutive_failures += 1
            self.last_error = _describe(error)
            self._rejected = self._rejected or rejected

    def _succeeded(self, origin: Origin) -> None:
        if origin == "cache":
            return  # the source is still failing; its error stays visible in the status
        self.consecutive_failures = 0
        self.last_error = None
        self._rejected = False

    def set_overrides(self, overrides: Mapping[str, CompiledFlag]) -> None:
        """Lay ``overrides`` over every snapshot from now on (tests only)."""
        with self._lock:
            self._overrides = dict(overrides)
            self.current = self._overlay(self._base)

    def _overlay(self, snapshot: Snapshot) -> Snapshot:
        if not self._overrides:
            return snapshot
        flags = {**snapshot_flags(snapshot), **self._overrides}
        return Snapshot(
            document=snapshot.document,
            flags=flags,
            defaults=self._defaults,
            version=snapshot.version,
            content_type=snapshot.content_type,
            loaded_at=snapshot.loaded_at or utc_now(),
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
        )


def snapshot_flags(snapshot: Snapshot) -> Mapping[str, CompiledFlag]:
    """The compiled flags a snapshot's document defines (not its defaults)."""
    return snapshot._flags


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return redact(f"{type(error).__name__}: {text}")

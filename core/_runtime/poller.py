"""The background poller: one daemon thread that fetches, hands content to the store, sleeps.

`Poller.poll_once` is the whole step (fetch, load, cache, notify) and returns the delay
before the next one, so it is tested without a thread; `Poller.run` only loops over it with
``Event.wait`` as its sleep, so ``stop()`` interrupts the sleep at once.

A rejected document is asked for again through a fresh session (`Source.reset`): a proxy's
error page or a body damaged on the way must not pin the old version until the next
deployment. The first time at once; when the same bytes come back, again after 2, 4, 8...
poll intervals, at most `REDOWNLOAD_CAP` apart, while the session keeps polling normally in
between so that a new deployment is still seen within one interval. Each new AppConfigData
session is a billed download, hence the backoff for a document that really is invalid.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import get_args

from appconfig_core._evaluation.result import Health, Origin, Status
from appconfig_core._sources.base import Content, FetchResult, Source
from appconfig_core.errors import AppConfigFlagsError, DocumentError, FetchError

from .backoff import Backoff
from .cache import DiskCache
from .events import ChangeEvent, Listeners
from .store import Store, describe, public_name

log = logging.getLogger("appconfig_core")

THREAD_NAME = "appconfig-flags-poller"
#: The longest wait between two fresh-session downloads of a document that keeps being
#: rejected (the poll interval when that is longer).
REDOWNLOAD_CAP = 900.0
_SOURCE_ORIGINS: dict[str, Origin] = {
    origin: origin for origin in get_args(Origin) if origin not in ("cache", "defaults")
}


def source_origin(source: Source) -> Origin:
    """What `Status.origin` says when ``source`` served the flags (its ``origin`` attribute)."""
    return _SOURCE_ORIGINS.get(getattr(source, "origin", "network"), "network")


class Poller:
    """Drives one source into one store; never dies from an exception."""

    def __init__(
        self,
        source: Source,
        store: Store,
        *,
        cache: DiskCache | None,
        changes: Listeners[ChangeEvent],
        errors: Listeners[BaseException],
        statuses: Listeners[Status] | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._origin = source_origin(source)
        self._clock = clock
        self._store = store
        self._cache = cache
        self._changes = changes
        self._errors = errors
        self._statuses = statuses
        self._health: Health | None = None
        self._backoff = backoff or Backoff()
        # Until a first answer says otherwise, a source may know its interval (AppConfigData:
        # the requested minimum), which the backoff's cap must not undercut.
        self._poll_interval = float(getattr(source, "poll_interval", 0.0))
        self._last_error_text: str | None = None
        self._rejected_data: bytes | None = None
        self._rejections = 0
        self._redownload_at: float | None = None
        self._stop = threading.Event()
        self.attempted = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> float:
        """Fetch once and act on the result; return the seconds to wait before the next fetch.

        When the fetch changed `Status.health` (a recovery that changed no flag included),
        the status listeners hear of it here, on the poller thread.
        """
        delay = self._fetch_and_apply()
        status = self._store.status()
        if status.health != self._health:
            self._health = status.health
            if self._statuses is not None:
                self._statuses.emit(status)
        return delay

    def _fetch_and_apply(self) -> float:
        if self._redownload_at is not None and self._clock() >= self._redownload_at:
            self._redownload_at = None
            self._source.reset()
        try:
            result = self._source.fetch()
        except FetchError as exc:
            return self._failed(exc, exc.retry_after)
        except Exception as exc:
            log.exception("appconfig-flags: %s raised unexpectedly", self._source.description)
            return self._failed(exc, None)
        self._backoff.reset()
        self._poll_interval = result.next_poll
        self._apply(result)
        return result.next_poll

    def _apply(self, result: FetchResult) -> None:
        if result.content is None:
            self._store.record_unchanged()
            if self._store.rejected is None:
                self._last_error_text = None  # a rejection is logged once, not per arrival
            return
        try:
            event = self._store.load(result.content, self._origin)
        except DocumentError as exc:
            self._reject(result.content, exc)
            return
        except Exception as exc:
            # A bug in a compiler: the document is still rejected and reported, but its
            # message may quote the content, so only the type goes above DEBUG.
            log.debug("appconfig-flags: compiling a document failed", exc_info=True)
            self._reject(
                result.content,
                DocumentError(
                    f"the document could not be compiled ({public_name(exc)}); this is a"
                    " bug in appconfig-flags, please report it",
                    location="document",
                ),
            )
            return
        self._rejected_data = None
        self._rejections = 0
        self._redownload_at = None
        self._last_error_text = None
        if self._cache is not None:
            self._cache.write(result.content)
        if event is not None:
            count = len(event.changed)
            log.info(
                "appconfig-flags: loaded version %s from %s (%d %s changed)",
                event.new.version,
                self._source.description,
                count,
                "flag" if count == 1 else "flags",
            )
            self._changes.emit(event)

    def _failed(self, error: BaseException, retry_after: float | None) -> float:
        self._report(error)
        if retry_after is not None:
            return retry_after
        return self._backoff.next_delay(self._poll_interval)

    def _reject(self, content: Content, error: DocumentError) -> None:
        """Record, log once and announce a rejected document; schedule a fresh download."""
        self._store.record_rejection(content.version, error)
        serving = self._store.current.version
        self._log_once(
            f"version {content.version} rejected: {error};"
            + (f" still serving version {serving}" if serving else " serving the defaults")
        )
        self._errors.emit(error)
        if content.data != self._rejected_data:
            self._rejected_data = content.data
            self._rejections = 1
            self._redownload_at = None
            self._source.reset()
            return
        self._rejections += 1
        cap = max(REDOWNLOAD_CAP, self._poll_interval)
        wait = min(cap, self._poll_interval * 2.0 ** min(self._rejections - 1, 32))
        self._redownload_at = self._clock() + wait

    def _report(self, error: BaseException) -> None:
        """Record and announce a failed fetch; log it once per distinct message."""
        self._store.record_failure(error)
        self._log_once(_without_prefix(error, self._source.description))
        self._errors.emit(error)

    def _log_once(self, text: str) -> None:
        """One WARNING per distinct problem, naming the source once; never with content."""
        if text != self._last_error_text:
            log.warning("appconfig-flags: %s: %s", self._source.description, text)
            self._last_error_text = text

    def run(self) -> None:
        """Poll until stopped."""
        while not self._stop.is_set():
            try:
                delay = self.poll_once()
            except Exception:
                log.exception("appconfig-flags: poll failed unexpectedly")
                delay = self._backoff.next_delay(self._poll_interval)
            self.attempted.set()
            self._stop.wait(delay)

    def start(self) -> None:
        """Start the daemon thread."""
        self._thread = threading.Thread(target=self.run, name=THREAD_NAME, daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Ask the thread to stop and wait up to ``timeout``; return whether it ended."""
        self._stop.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()


def _without_prefix(error: BaseException, description: str) -> str:
    """The error's message without the source's name when it already starts with it."""
    text = str(error)
    if isinstance(error, AppConfigFlagsError) and text:
        return text.removeprefix(f"{description}: ")
    return describe(error)

"""The background poller: one daemon thread that fetches, hands content to the store, sleeps.

`Poller.poll_once` is the whole step (fetch, load, cache, notify) and returns the delay
before the next one, so it is tested without a thread; `Poller.run` only loops over it with
``Event.wait`` as its sleep, so ``stop()`` interrupts the sleep at once.
"""

from __future__ import annotations

import logging
import threading

from appconfig_core._sources.base import FetchResult, Source
from appconfig_core.errors import DocumentError, FetchError

from .backoff import Backoff
from .cache import DiskCache
from .events import ChangeEvent, Listeners
from .store import Store

log = logging.getLogger("appconfig_core")

THREAD_NAME = "appconfig-flags-poller"


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
        backoff: Backoff | None = None,
    ) -> None:
        self._source = source
        self._store = store
        self._cache = cache
        self._changes = changes
        self._errors = errors
        self._backoff = backoff or Backoff()
        # Until a first answer says otherwise, a source may know its interval (AppConfigData:
        # the requested minimum), which the backoff's cap must not undercut.
        self._poll_interval = float(getattr(source, "poll_interval", 0.0))
        self._last_error_text: str | None = None
        self._rejected_data: bytes | None = None
        self._stop = threading.Event()
        self.attempted = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> float:
        """Fetch once and act on the result; return the seconds to wait before the next fetch."""
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
            self._last_error_text = None
            return
        try:
            event = self._store.load(result.content, "network")
        except DocumentError as exc:
            self._report(exc, rejected=True)
            self._redeliver_once(result.content.data)
            return
        except Exception as exc:
            # A bug in a compiler: the document is still rejected and reported, but its
            # message may quote the content, so only the type goes above DEBUG.
            log.debug("appconfig-flags: compiling a document failed", exc_info=True)
            self._report(
                DocumentError(
                    f"the document could not be compiled ({type(exc).__name__}); this is a"
                    " bug in appconfig-flags, please report it",
                    location="document",
                ),
                rejected=True,
            )
            self._redeliver_once(result.content.data)
            return
        self._rejected_data = None
        self._last_error_text = None
        if self._cache is not None:
            self._cache.write(result.content)
        if event is not None:
            log.info(
                "appconfig-flags: loaded version %s from %s (%d flags changed)",
                event.new.version,
                self._source.description,
                len(event.changed),
            )
            self._changes.emit(event)

    def _failed(self, error: BaseException, retry_after: float | None) -> float:
        self._report(error)
        if retry_after is not None:
            return retry_after
        return self._backoff.next_delay(self._poll_interval)

    def _redeliver_once(self, data: bytes) -> None:
        """Ask the source to send rejected content again, once per distinct content.

        Content damaged on the way (a corrupt body) then arrives whole on the next fetch
        (for AppConfigData, through a new session). A document that is itself invalid comes
        back the same, and is not asked for again: each new session costs a download.
        """
        if data != self._rejected_data:
            self._rejected_data = data
            self._source.reset()

    def _report(self, error: BaseException, *, rejected: bool = False) -> None:
        """Record and announce ``error``; log it once per distinct message, never with content."""
        self._store.record_failure(error, rejected=rejected)
        text = f"{type(error).__name__}: {error}"
        if text != self._last_error_text:
            log.warning("appconfig-flags: %s: %s", self._source.description, text)
            self._last_error_text = text
        self._errors.emit(error)

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

"""The contract every source keeps: fetch bytes, say when to ask again, know nothing of flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Content:
    """A configuration as a source received it."""

    data: bytes
    content_type: str | None
    version: str | None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch's outcome: new ``content``, or ``None`` for "unchanged".

    ``next_poll`` is how many seconds the source asks the poller to wait before the next
    fetch (AppConfig's NextPollIntervalInSeconds, or the source's own interval).
    """

    content: Content | None
    next_poll: float


class Source(Protocol):
    """Where configuration comes from. ``fetch`` raises `FetchError` (or a subclass) on failure."""

    #: Where the source reads from, for logs and status; never holds secrets.
    description: str

    def fetch(self) -> FetchResult:
        """Fetch once; blocks for at most the source's own timeouts."""
        ...

    def reset(self) -> None:
        """Forget sessions, tokens and connections (after a fork, or before a restart)."""
        ...

    def close(self) -> None:
        """Release what the source holds; a later ``fetch`` may reopen it."""
        ...

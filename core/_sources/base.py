"""The contract every source keeps: fetch bytes, say when to ask again, know nothing of flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

#: The largest configuration any source accepts, and so the most the disk cache holds
#: (AppConfig's documented limit). A bigger answer is refused, never held or written.
MAX_CONTENT_BYTES = 8 * 1024 * 1024


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
    """Where configuration comes from. ``fetch`` raises `FetchError` (or a subclass) on failure.

    A source may also have an ``origin`` attribute, what `Status.origin` says when it served
    the flags: ``"file"`` or ``"static"``; without one it is ``"network"`` (AppConfigData,
    the Agent). It is optional, so that a source written before it still fits; so is
    ``identity``, where it reads from as the disk cache records it (`source_identity`).
    """

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


def source_identity(source: Source) -> Mapping[str, str]:
    """Where ``source`` reads from, as the disk cache records it (its ``identity``).

    Sources that have no ``identity`` attribute are known by their description. An
    identity never holds a secret (no token, no credentials).
    """
    identity = getattr(source, "identity", None)
    if isinstance(identity, Mapping):
        return {str(key): str(value) for key, value in identity.items()}
    return {"description": source.description}

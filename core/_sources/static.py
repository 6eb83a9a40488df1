"""`StaticSource`: a document held in memory, for tests, scripts and bootstrapping."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from appconfig_core.errors import ConfigurationError

from .base import Content, FetchResult
from .content import JSON, TEXT


class StaticSource:
    """Serves one in-memory document; `update` replaces it and the poller picks it up.

    ``document`` is a dict/list (sent as JSON, keys in the document's own order: Powertools
    rules and AppConfig variants are tried in that order), a str (text), or bytes with a
    ``content_type``. The version is a short hash of the content unless given.
    """

    description = "static document"
    #: What `Status.origin` says when this source served the flags.
    origin = "static"

    def __init__(
        self,
        document: Any,
        *,
        content_type: str | None = None,
        version: str | None = None,
        poll_interval: float = 1.0,
    ) -> None:
        if poll_interval <= 0:
            raise ConfigurationError(f"poll_interval must be > 0 seconds, not {poll_interval!r}")
        self._poll_interval = float(poll_interval)
        self._lock = threading.Lock()
        self._content = _to_content(document, content_type, version)
        self._delivered: Content | None = None

    def update(
        self, document: Any, *, content_type: str | None = None, version: str | None = None
    ) -> None:
        """Replace the document; the next fetch returns it."""
        content = _to_content(document, content_type, version)
        with self._lock:
            self._content = content

    def fetch(self) -> FetchResult:
        """The document if it changed since the last fetch, else "unchanged"."""
        with self._lock:
            content = self._content
            fresh = content is not self._delivered
            self._delivered = content
        return FetchResult(content if fresh else None, self._poll_interval)

    def reset(self) -> None:
        """Deliver the document again on the next fetch."""
        with self._lock:
            self._delivered = None

    def close(self) -> None:
        """Nothing to release."""


def _to_content(document: Any, content_type: str | None, version: str | None) -> Content:
    if isinstance(document, bytes):
        data = document
        kind = content_type or JSON
    elif isinstance(document, str):
        data = document.encode("utf-8")
        kind = content_type or TEXT
    else:
        try:
            data = json.dumps(document).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(
                f"StaticSource needs a JSON-serialisable document: {exc}"
            ) from None
        kind = content_type or JSON
    return Content(
        data=data, content_type=kind, version=version or hashlib.sha256(data).hexdigest()[:12]
    )

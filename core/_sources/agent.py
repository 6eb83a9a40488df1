"""`AgentSource`: the AWS AppConfig Agent's local HTTP API (standard library only).

The agent polls AppConfig itself and always answers with the full configuration, so this
source decides "unchanged" by comparing content with what it returned last.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping

from appconfig_core.errors import ConfigurationError, FetchError, ResourceNotFoundError

from .base import MAX_CONTENT_BYTES, Content, FetchResult

DEFAULT_URL = "http://localhost:2772"
DEFAULT_POLL_INTERVAL = 10.0
DEFAULT_TIMEOUT = 3.0
NOT_FOUND_RETRY = 60.0
VERSION_HEADER = "Configuration-Version"


class AgentSource:
    """Polls ``{url}/applications/{a}/environments/{e}/configurations/{p}``.

    ``token`` is sent as ``Authorization: Bearer <token>`` when the agent was started with
    ``ACCESS_TOKEN``. Calls to the agent cost nothing, so ``poll_interval`` can be short;
    the agent's own ``POLL_INTERVAL`` decides how fresh its copy is.
    """

    def __init__(
        self,
        application: str,
        environment: str,
        profile: str,
        *,
        url: str = DEFAULT_URL,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        for label, value in (
            ("application", application),
            ("environment", environment),
            ("profile", profile),
        ):
            if not isinstance(value, str) or not value:
                raise ConfigurationError(f"{label} must be a non-empty name or ID, not {value!r}")
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ConfigurationError(f"url must be the agent's http(s) address, not {url!r}")
        if poll_interval <= 0:
            raise ConfigurationError(f"poll_interval must be > 0 seconds, not {poll_interval!r}")
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be > 0 seconds, not {timeout!r}")
        quote = urllib.parse.quote
        self.url: str = (
            f"{url.rstrip('/')}/applications/{quote(application, safe='')}"
            f"/environments/{quote(environment, safe='')}"
            f"/configurations/{quote(profile, safe='')}"
        )
        self.description: str = f"AppConfig Agent {application}/{environment}/{profile}"
        #: Where this reads from, as the disk cache records it (never the token).
        self.identity: dict[str, str] = {
            "source": "agent",
            "url": self.url,
            "description": self.description,
        }
        self._poll_interval = float(poll_interval)
        self._token = token
        self._timeout = float(timeout)
        self._scheme = parsed.scheme
        self._netloc = parsed.netloc
        self._path = urllib.parse.urlsplit(self.url).path
        self._data: bytes | None = None

    @property
    def timeout(self) -> float:
        """The most one request may take, answer included."""
        return self._timeout

    def request(
        self, headers: Mapping[str, str] | None = None, *, timeout: float | None = None
    ) -> tuple[bytes, str | None, str | None]:
        """GET the configuration: ``(body, content_type, version)``; raises `FetchError`.

        Extra ``headers`` (such as ``Context``) are sent as given. The whole answer must
        arrive within ``timeout`` (at most the source's own): a socket timeout only bounds
        each read, so an agent trickling a byte at a time is cut off by a watchdog that
        shuts the socket at the deadline.
        """
        # Imported here: http.client is most of what importing appconfig_core would
        # otherwise cost, and only agent users need it.
        import http.client  # noqa: PLC0415

        limit = self._timeout if timeout is None else min(float(timeout), self._timeout)
        deadline = time.monotonic() + limit
        sent = dict(headers or {})
        if self._token:
            sent["Authorization"] = f"Bearer {self._token}"
        factory = (
            http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        )
        connection = factory(self._netloc, timeout=limit)
        try:
            try:
                connection.connect()
                watchdog = threading.Timer(limit, _cut, (connection.sock,))
                watchdog.daemon = True
                watchdog.start()
                try:
                    connection.request("GET", self._path, headers=sent)
                    response = connection.getresponse()
                    body = response.read(MAX_CONTENT_BYTES + 1)
                finally:
                    watchdog.cancel()
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= deadline:
                raise self._too_slow(limit, exc) from None
            raise FetchError(
                f"{self.description}: cannot reach the agent at {self.url}: {exc}",
                original_error=exc,
            ) from None
        if time.monotonic() >= deadline:
            raise self._too_slow(limit, None)
        if response.status != 200:
            raise self._http_error(response.status, body[:512])
        if len(body) > MAX_CONTENT_BYTES:
            raise FetchError(
                f"{self.description}: the answer is larger than {MAX_CONTENT_BYTES} bytes"
            )
        return body, response.getheader("Content-Type"), response.getheader(VERSION_HEADER)

    def _too_slow(self, limit: float, exc: BaseException | None) -> FetchError:
        return FetchError(
            f"{self.description}: the agent at {self.url} gave no whole answer within {limit:g}s",
            original_error=exc,
        )

    def fetch(self) -> FetchResult:
        """The configuration if it differs from the last one returned, else "unchanged"."""
        body, content_type, version = self.request()
        if body == self._data:
            return FetchResult(None, self._poll_interval)
        self._data = body
        version = version or hashlib.sha256(body).hexdigest()[:12]
        return FetchResult(Content(body, content_type, version), self._poll_interval)

    def _http_error(self, status: int, raw: bytes) -> FetchError:
        detail = raw.decode("utf-8", "replace").strip()
        if status == 404:
            return ResourceNotFoundError(
                f"{self.description}: the agent has no such configuration ({detail or 'not found'});"
                " check the names and the agent's PREFETCH_LIST",
                retry_after=NOT_FOUND_RETRY,
            )
        if status in {401, 403}:
            return FetchError(
                f"{self.description}: the agent refused the request (HTTP {status});"
                " set the token to the agent's ACCESS_TOKEN",
                retry_after=NOT_FOUND_RETRY,
            )
        return FetchError(
            f"{self.description}: the agent answered HTTP {status}: {detail}".rstrip(": ")
        )

    def reset(self) -> None:
        """Return the configuration again on the next fetch."""
        self._data = None

    def close(self) -> None:
        """Nothing to release: each request opens its own connection."""


def _cut(sock: socket.socket | None) -> None:
    """Wake a read blocked on ``sock`` (it then sees end of file): the deadline passed."""
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

"""`AgentSource`: the AWS AppConfig Agent's local HTTP API (standard library only).

The agent polls AppConfig itself and always answers with the full configuration, so this
source decides "unchanged" by comparing content with what it returned last.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from typing import TYPE_CHECKING

from ._source import Content, FetchResult
from .errors import ConfigurationError, FetchError, ResourceNotFoundError

if TYPE_CHECKING:
    import urllib.error

DEFAULT_URL = "http://localhost:2772"
DEFAULT_POLL_INTERVAL = 10.0
DEFAULT_TIMEOUT = 3.0
MAX_BODY_BYTES = 8 * 1024 * 1024
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
        self._poll_interval = float(poll_interval)
        self._token = token
        self._timeout = float(timeout)
        self._data: bytes | None = None

    def request(
        self, headers: dict[str, str] | None = None
    ) -> tuple[bytes, str | None, str | None]:
        """GET the configuration: ``(body, content_type, version)``; raises `FetchError`.

        Extra ``headers`` (such as ``Context``) are sent as given.
        """
        # Imported here: http.client and urllib.request are most of what importing
        # appconfig_core would otherwise cost, and only agent users need them.
        import http.client  # noqa: PLC0415
        import urllib.error  # noqa: PLC0415
        import urllib.request  # noqa: PLC0415

        request = urllib.request.Request(self.url, headers=dict(headers or {}))
        if self._token:
            request.add_header("Authorization", f"Bearer {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                body = response.read(MAX_BODY_BYTES + 1)
                content_type = response.headers.get("Content-Type")
                version = response.headers.get(VERSION_HEADER)
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(
                f"{self.description}: cannot reach the agent at {self.url}: {exc}",
                original_error=exc,
            ) from None
        if len(body) > MAX_BODY_BYTES:
            raise FetchError(
                f"{self.description}: the answer is larger than {MAX_BODY_BYTES} bytes"
            )
        return body, content_type, version

    def fetch(self) -> FetchResult:
        """The configuration if it differs from the last one returned, else "unchanged"."""
        body, content_type, version = self.request()
        if body == self._data:
            return FetchResult(None, self._poll_interval)
        self._data = body
        version = version or hashlib.sha256(body).hexdigest()[:12]
        return FetchResult(Content(body, content_type, version), self._poll_interval)

    def _http_error(self, exc: urllib.error.HTTPError) -> FetchError:
        try:
            detail = exc.read(512).decode("utf-8", "replace").strip()
        except OSError:
            detail = ""
        finally:
            exc.close()
        if exc.code == 404:
            return ResourceNotFoundError(
                f"{self.description}: the agent has no such configuration ({detail or 'not found'});"
                " check the names and the agent's PREFETCH_LIST",
                original_error=exc,
                retry_after=NOT_FOUND_RETRY,
            )
        if exc.code in {401, 403}:
            return FetchError(
                f"{self.description}: the agent refused the request (HTTP {exc.code});"
                " set the token to the agent's ACCESS_TOKEN",
                original_error=exc,
                retry_after=NOT_FOUND_RETRY,
            )
        return FetchError(
            f"{self.description}: the agent answered HTTP {exc.code}: {detail}".rstrip(": "),
            original_error=exc,
        )

    def reset(self) -> None:
        """Return the configuration again on the next fetch."""
        self._data = None

    def close(self) -> None:
        """Nothing to release: each request opens its own connection."""

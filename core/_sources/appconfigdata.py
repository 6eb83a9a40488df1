"""`AppConfigDataSource`: the AppConfigData session and rolling-token loop, done right.

One StartConfigurationSession, then GetLatestConfiguration with the token from the previous
answer, replacing it on every response. An empty body means "unchanged". The wait before the
next call is the NextPollIntervalInSeconds the service returned last. A "too early" answer
waits one interval and keeps the token; an expired or corrupted token starts a new session
at once; a token held for 23 hours (a long interval, a long outage) is not used: a new
session is started instead, before AWS's 24-hour token lifetime can run out. A token the
service rejected is never presented again.

Answers over `MAX_CONTENT_BYTES` are refused without being read whole, and the next try is a
new session after `NOT_FOUND_RETRY`, so the refusal stays visible until a smaller version is
deployed. Error messages never carry a session token (botocore puts them in its URLs).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from appconfig_core.errors import ConfigurationError, FetchError, ResourceNotFoundError

from .base import MAX_CONTENT_BYTES, Content, FetchResult
from .redact import redact

if TYPE_CHECKING:
    from mypy_boto3_appconfigdata import AppConfigDataClient

MIN_POLL_INTERVAL = 15
MAX_POLL_INTERVAL = 86400
DEFAULT_POLL_INTERVAL = 60.0
#: A token older than this is not used; a new session starts instead (AWS: 24 h lifetime).
TOKEN_MAX_AGE = 23 * 3600.0
#: How long to wait before asking again for a resource AppConfig says does not exist.
NOT_FOUND_RETRY = 300.0
#: A floor on the returned interval, so a broken endpoint cannot make us spin.
MIN_WAIT = 1.0


class AppConfigDataSource:
    """Fetches one configuration profile through the AppConfigData API (boto3).

    ``client`` is a ready boto3 ``appconfigdata`` client, used as it is; without one a
    client is made on first fetch (so importing this module does not import boto3), with
    bounded timeouts and botocore's own retries off: the poller does the retrying.
    """

    def __init__(
        self,
        application: str,
        environment: str,
        profile: str,
        *,
        min_poll_interval: int | None = None,
        client: AppConfigDataClient | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for label, value in (
            ("application", application),
            ("environment", environment),
            ("profile", profile),
        ):
            if not isinstance(value, str) or not 1 <= len(value) <= 128:
                raise ConfigurationError(
                    f"{label} must be the AppConfig {label} name or ID (1 to 128 characters),"
                    f" not {value!r}"
                )
        if min_poll_interval is not None and not (
            isinstance(min_poll_interval, int)
            and MIN_POLL_INTERVAL <= min_poll_interval <= MAX_POLL_INTERVAL
        ):
            raise ConfigurationError(
                f"min_poll_interval must be a whole number of seconds from {MIN_POLL_INTERVAL}"
                f" to {MAX_POLL_INTERVAL} (AppConfig's limits), not {min_poll_interval!r}"
            )
        self.application = application
        self.environment = environment
        self.profile = profile
        self.description: str = f"AppConfig {application}/{environment}/{profile}"
        self._min_poll_interval = min_poll_interval
        self._given_client = client
        self._client = client
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._clock = clock
        self._token: str | None = None
        self._token_received = 0.0
        self._interval = float(min_poll_interval or DEFAULT_POLL_INTERVAL)

    @property
    def identity(self) -> dict[str, str]:
        """Which configuration, region and endpoint this reads, as the disk cache records it.

        Region and endpoint are the configured ones (``region_name``/``endpoint_url``, the
        given client's, else ``AWS_DEFAULT_REGION``/``AWS_REGION`` and
        ``AWS_ENDPOINT_URL_APPCONFIGDATA``/``AWS_ENDPOINT_URL``; empty when boto3's own
        configuration decides), so that reading it never imports boto3.
        """
        meta = getattr(self._given_client, "meta", None)
        env = os.environ.get
        region = (
            self._region_name
            or getattr(meta, "region_name", None)
            or env("AWS_DEFAULT_REGION")
            or env("AWS_REGION")
        )
        endpoint = (
            self._endpoint_url
            or getattr(meta, "endpoint_url", None)
            or env("AWS_ENDPOINT_URL_APPCONFIGDATA")
            or env("AWS_ENDPOINT_URL")
        )
        return {
            "source": "appconfigdata",
            "application": self.application,
            "environment": self.environment,
            "profile": self.profile,
            "region": str(region or ""),
            "endpoint": str(endpoint or ""),
            "description": self.description,
        }

    @property
    def poll_interval(self) -> float:
        """The interval the service asked for last (the requested minimum before that)."""
        return self._interval

    def fetch(self) -> FetchResult:
        """One GetLatestConfiguration call (starting a session first when needed)."""
        if self._token is None or self._clock() - self._token_received >= TOKEN_MAX_AGE:
            self._start_session()
        try:
            response = self._call_get_latest()
        except _TokenRejected:
            self._start_session()
            try:
                response = self._call_get_latest()
            except _TokenRejected as again:
                raise FetchError(
                    f"{self.description}: AppConfig called the token of a new session"
                    f" {again.problem.lower()} too; starting another session on the next try"
                ) from None
        token = response.get("NextPollConfigurationToken")
        if token:
            self._token = token
            self._token_received = self._clock()
        interval = response.get("NextPollIntervalInSeconds")
        if isinstance(interval, int | float):
            self._interval = max(float(interval), MIN_WAIT)
        body = self._read_body(response)
        if not body:
            return FetchResult(None, self._interval)
        version = response.get("VersionLabel") or None
        content = Content(data=body, content_type=response.get("ContentType"), version=version)
        return FetchResult(content, self._interval)

    def _read_body(self, response: Mapping[str, Any]) -> bytes:
        """The configuration, read up to `MAX_CONTENT_BYTES` (one byte more tells it is over).

        On any failure the service already counts this version as delivered to the session,
        so the token is dropped: only a new session sends it again.
        """
        stream = response["Configuration"]
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        try:
            announced = int(headers.get("content-length", 0))
            body = (
                b"" if announced > MAX_CONTENT_BYTES else _read_at_most(stream, MAX_CONTENT_BYTES)
            )
        except Exception as exc:  # noqa: BLE001 - a body cut short: botocore raises its own types
            self._token = None
            raise FetchError(
                f"{self.description}: the configuration was cut short while reading it"
                f" ({redact(str(exc))}); starting a new session",
                original_error=exc,
            ) from None
        if announced > MAX_CONTENT_BYTES or len(body) > MAX_CONTENT_BYTES:
            stream.close()
            self._token = None
            raise FetchError(
                f"{self.description}: version {response.get('VersionLabel') or '?'} is larger"
                f" than {MAX_CONTENT_BYTES} bytes (AppConfig's limit) and was refused; deploy"
                f" a smaller configuration. Asking again in {NOT_FOUND_RETRY:.0f}s",
                retry_after=NOT_FOUND_RETRY,
            )
        return body

    def _call_get_latest(self) -> Mapping[str, Any]:
        assert self._token is not None
        client = self._get_client()
        try:
            return client.get_latest_configuration(ConfigurationToken=self._token)
        except Exception as exc:  # noqa: BLE001 - classified below; nothing escapes unnamed
            error = self._classify(exc, "GetLatestConfiguration")
            if isinstance(error, _TokenRejected):
                self._token = None  # never presented again
            raise error from None

    def _start_session(self) -> None:
        client = self._get_client()
        params: dict[str, Any] = {
            "ApplicationIdentifier": self.application,
            "EnvironmentIdentifier": self.environment,
            "ConfigurationProfileIdentifier": self.profile,
        }
        if self._min_poll_interval is not None:
            params["RequiredMinimumPollIntervalInSeconds"] = self._min_poll_interval
        self._token = None
        try:
            response = client.start_configuration_session(**params)
        except Exception as exc:  # noqa: BLE001 - classified below; nothing escapes unnamed
            raise self._classify(exc, "StartConfigurationSession") from None
        self._token = response["InitialConfigurationToken"]
        self._token_received = self._clock()

    def _classify(self, exc: BaseException, operation: str) -> FetchError:
        """A `FetchError` for ``exc`` whose message names what failed, without any token."""
        detail = redact(str(exc))
        response = getattr(exc, "response", None)
        if not isinstance(response, Mapping):
            if type(exc).__name__ == "NoCredentialsError":
                return FetchError(
                    f"{self.description}: {detail}; configure AWS credentials for boto3"
                    " (an IAM role, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
                    original_error=exc,
                    retry_after=NOT_FOUND_RETRY,
                )
            return FetchError(
                f"{self.description}: {operation} failed: {detail}", original_error=exc
            )
        error = response.get("Error") or {}
        code = redact(str(error.get("Code", "")))
        message = redact(str(error.get("Message", "")))
        if code == "BadRequestException":
            problem = _problem(response)
            if problem == "PollIntervalNotSatisfied" or "too early" in message.lower():
                return FetchError(
                    f"{self.description}: AppConfig answered 'too early'; waiting"
                    f" {self._interval:.0f}s before asking again",
                    original_error=exc,
                    retry_after=self._interval,
                )
            if problem in {"Expired", "Corrupted"} and operation == "GetLatestConfiguration":
                return _TokenRejected(problem, f"{self.description}: token {problem.lower()}")
            return FetchError(
                f"{self.description}: AppConfig rejected {operation}: {message or code}",
                original_error=exc,
                retry_after=NOT_FOUND_RETRY,
            )
        if code == "ResourceNotFoundException":
            kind = response.get("ResourceType") or _resource_from_message(message)
            return ResourceNotFoundError(
                f"{self.description}: AppConfig has no {_describe_resource(kind, self)};"
                " check the name (or ID) and that a configuration was deployed to the"
                f" environment; retrying every {NOT_FOUND_RETRY:.0f}s",
                resource_type=kind,
                original_error=exc,
                retry_after=NOT_FOUND_RETRY,
            )
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return FetchError(
            f"{self.description}: {operation} failed ({code or status}): {message}".rstrip(": "),
            original_error=exc,
        )

    def _get_client(self) -> AppConfigDataClient:
        if self._client is None:
            import boto3  # noqa: PLC0415 - importing appconfig_core must not import boto3
            from botocore.config import Config  # noqa: PLC0415

            config = Config(
                connect_timeout=5,
                read_timeout=10,
                retries={"total_max_attempts": 1},
                user_agent_extra="appconfig-flags",
            )
            try:
                self._client = boto3.client(
                    "appconfigdata",
                    region_name=self._region_name,
                    endpoint_url=self._endpoint_url,
                    config=config,
                )
            except Exception as exc:  # noqa: BLE001 - no region, bad endpoint: say what to fix
                raise FetchError(
                    f"{self.description}: cannot create the boto3 client ({exc}); set a region"
                    " (AWS_DEFAULT_REGION, region_name=, or the REGION setting) and check"
                    " the endpoint URL",
                    original_error=exc,
                    retry_after=NOT_FOUND_RETRY,
                ) from None
        return self._client

    def reset(self) -> None:
        """Drop the session (and a client we made): a forked child must open its own."""
        self._token = None
        if self._given_client is None:
            self._client = None

    def close(self) -> None:
        """Forget the session; close the client if this source made it."""
        client = self._client if self._given_client is None else None
        self.reset()
        if client is not None and hasattr(client, "close"):
            client.close()


class _TokenRejected(FetchError):
    """The token expired or could not be read: start a new session and ask again."""

    def __init__(self, problem: str, message: str) -> None:
        self.problem = problem
        super().__init__(message)


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes; ending on an empty read lets botocore check the length."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _problem(response: Mapping[str, Any]) -> str | None:
    details = response.get("Details")
    if not isinstance(details, Mapping):
        return None
    params = details.get("InvalidParameters")
    if not isinstance(params, Mapping):
        return None
    for entry in params.values():
        if isinstance(entry, Mapping) and isinstance(entry.get("Problem"), str):
            return str(entry["Problem"])
    return None


def _resource_from_message(message: str) -> str | None:
    for kind in (
        "ConfigurationProfile",
        "Environment",
        "Application",
        "Deployment",
        "Configuration",
    ):
        if kind.lower() in message.lower().replace(" ", ""):
            return kind
    return None


def _describe_resource(kind: str | None, source: AppConfigDataSource) -> str:
    if kind == "Application":
        return f"application {source.application!r}"
    if kind == "Environment":
        return f"environment {source.environment!r} in application {source.application!r}"
    if kind == "ConfigurationProfile":
        return f"configuration profile {source.profile!r} in application {source.application!r}"
    if kind in {"Deployment", "Configuration"}:
        return (
            f"deployed configuration for profile {source.profile!r} in environment"
            f" {source.environment!r}"
        )
    return f"resource matching application {source.application!r}, environment" + (
        f" {source.environment!r}, profile {source.profile!r}"
    )

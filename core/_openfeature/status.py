"""The provider's status helpers: what an error means for OpenFeature, and why it went stale."""

from __future__ import annotations

from typing import Any

from openfeature.exception import (
    ErrorCode,
    OpenFeatureError,
    ParseError,
    ProviderFatalError,
    ProviderNotReadyError,
)

from appconfig_core._evaluation.result import Status
from appconfig_core._runtime.client import FlagClient
from appconfig_core.errors import ConfigurationError, DocumentError, ResourceNotFoundError


def checked_client(client: Any) -> FlagClient:
    """``client``, or a `ConfigurationError` saying what the provider needs instead."""
    if not isinstance(client, FlagClient):
        raise ConfigurationError(
            f"AppConfigProvider needs a FlagClient or a function returning one, not "
            f"{type(client).__name__}; pass FlagClient(source) or django_appconfig.get_client()"
        )
    return client


def code_for(error: BaseException | None) -> ErrorCode:
    """The error code a client error stands for while no document is loaded.

    A missing application, environment or profile cannot heal by retrying: FATAL.
    """
    if isinstance(error, ResourceNotFoundError):
        return ErrorCode.PROVIDER_FATAL
    if isinstance(error, DocumentError):
        return ErrorCode.PARSE_ERROR
    return ErrorCode.PROVIDER_NOT_READY


def init_failure(where: str, error: BaseException | None) -> OpenFeatureError:
    """The exception ``initialize`` raises when no document loaded, naming what to do."""
    if isinstance(error, ResourceNotFoundError):
        return ProviderFatalError(f"{where}: {error}; the provider turns ready if it appears")
    if isinstance(error, DocumentError):
        return ParseError(
            f"the configuration from {where} is invalid ({len(error.problems)} problem(s));"
            " see FlagClient.status.last_error. The provider turns ready with the first"
            " valid document."
        )
    return ProviderNotReadyError(
        f"no configuration from {where} within the client's start_timeout; the provider "
        "turns ready when the first document arrives"
    )


def stale_message(status: Status, where: str) -> str:
    """Why the provider went stale and what it serves meanwhile."""
    if status.rejected is not None:
        why = f"version {status.rejected.version} from {where} was rejected"
    elif status.origin == "cache" and status.consecutive_failures < 1:
        why = f"{where} has not answered since the start"
    else:
        why = f"{status.consecutive_failures} failed fetch(es) from {where}"
    return (
        f"{why}; serving version {status.version} from the {status.origin}"
        " (see FlagClient.status.last_error)"
    )

"""An OpenFeature provider over a `FlagClient`, for teams that code against the OpenFeature API.

Install with the ``openfeature`` extra. This module imports ``openfeature`` at import time,
so ``import appconfig_core`` never imports it; only ``appconfig_core.openfeature`` does.

Flag keys: ``"name"`` resolves the flag itself and ``"name.attribute"`` one of its
attributes (see docs/openfeature.md for the whole convention). The provider's status
follows the client's listeners: it becomes ready with the client's first document, stale
when fetches keep failing or a version is rejected, and ready again once a fetch succeeds
with no rejection standing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from openfeature.evaluation_context import EvaluationContext
from openfeature.event import ProviderEventDetails
from openfeature.exception import ErrorCode, ParseError, ProviderFatalError, ProviderNotReadyError
from openfeature.flag_evaluation import FlagResolutionDetails, FlagValueType, Reason
from openfeature.provider import AbstractProvider, Metadata

from ._evaluation.result import ERROR, FLAG_NOT_FOUND, PROVIDER_NOT_READY, Evaluation
from ._runtime.client import FlagClient
from ._runtime.events import ChangeEvent
from .errors import AppConfigFlagsError, ConfigurationError, DocumentError

#: The provider's name in OpenFeature's metadata and in every event it emits.
PROVIDER_NAME = "appconfig-flags"

T = TypeVar("T")
ObjectValue = Sequence[FlagValueType] | Mapping[str, FlagValueType]
_Phase = Literal["idle", "initializing", "not_ready", "ready", "stale"]
_MISSING = frozenset({FLAG_NOT_FOUND, PROVIDER_NOT_READY})
_NO_VALUE = object()
_KINDS = {
    "boolean": "a boolean",
    "string": "a string",
    "integer": "an integer",
    "float": "a number",
    "object": "an object or a list",
}


class AppConfigProvider(AbstractProvider):
    """Resolves OpenFeature flags from a `FlagClient`, locally and without I/O.

    ``initialize`` starts the client (bounded by its ``start_timeout``) and fails with
    ``PROVIDER_NOT_READY`` (or ``PARSE_ERROR`` when the document did not validate) when no
    document arrived in time; the provider turns ready by itself when one does.
    ``shutdown`` detaches from the client and closes it only with ``close_client=True``,
    because the same client usually also serves Django's ``request.flags`` or Flask's
    ``current_flags``.

    ``targeting_key_names`` are the context keys the OpenFeature targeting key is copied
    to, so that rules can refer to it (``$targetingKey`` in AppConfig's rule language).
    The provider goes stale after ``stale_after`` consecutive failed fetches, at the first
    failure while it serves the disk cache, and at once when a version is rejected (it stays
    stale until a valid version loads).
    """

    def __init__(
        self,
        client: FlagClient,
        *,
        targeting_key_names: Sequence[str] = ("targetingKey",),
        stale_after: int = 3,
        close_client: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(client, FlagClient):
            raise ConfigurationError(
                f"AppConfigProvider needs a FlagClient, not {type(client).__name__}; "
                "pass FlagClient(source) or django_appconfig.get_client()"
            )
        if isinstance(targeting_key_names, str) or not all(
            isinstance(name, str) and name for name in targeting_key_names
        ):
            raise ConfigurationError(
                "targeting_key_names must be a sequence of non-empty strings such as "
                f'("targetingKey", "userId"), not {targeting_key_names!r}'
            )
        if isinstance(stale_after, bool) or not isinstance(stale_after, int) or stale_after < 1:
            raise ConfigurationError(f"stale_after must be an integer >= 1, not {stale_after!r}")
        self.client = client
        self._targeting_key_names = tuple(targeting_key_names)
        self._stale_after = stale_after
        self._close_client = close_client
        self._lock = threading.RLock()
        self._phase: _Phase = "idle"
        self._last_error: BaseException | None = None
        self._unsubscribe: list[Callable[[], None]] = []

    # -- lifecycle -------------------------------------------------------------------------

    def get_metadata(self) -> Metadata:
        """The provider's name, as OpenFeature shows it in events and hooks."""
        return Metadata(name=PROVIDER_NAME)

    def initialize(self, evaluation_context: EvaluationContext) -> None:  # noqa: ARG002 - OpenFeature's signature
        """Start the client; raise so that OpenFeature reports an error if nothing loaded.

        OpenFeature 0.10 calls this on a daemon thread from ``set_provider``, so the wait
        (at most the client's ``start_timeout``) never blocks the application's start.
        """
        with self._lock:
            self._phase = "initializing"
            self._last_error = None
            if not self._unsubscribe:
                self._unsubscribe = [
                    self.client.on_change(self._changed),
                    self.client.on_error(self._failed),
                ]
        try:
            loaded = self.client.start()
        except AppConfigFlagsError as exc:
            with self._lock:
                self._phase = "not_ready"
            raise ProviderFatalError(f"the FlagClient cannot start: {exc}") from exc
        with self._lock:
            if loaded or self.client.status.ready:
                self._phase = "ready"
                return
            self._phase = "not_ready"
            error = self._last_error
        where = self.client.source.description
        if isinstance(error, DocumentError):
            raise ParseError(
                f"the configuration from {where} is invalid ({len(error.problems)} problem(s)); "
                "see FlagClient.status.last_error. The provider turns ready with the first "
                "valid document."
            )
        raise ProviderNotReadyError(
            f"no configuration from {where} within the client's start_timeout; the provider "
            "turns ready when the first document arrives"
        )

    def shutdown(self) -> None:
        """Stop listening to the client; close it too if ``close_client`` was set."""
        with self._lock:
            unsubscribe, self._unsubscribe = self._unsubscribe, []
            self._phase = "idle"
        for remove in unsubscribe:
            remove()
        if self._close_client:
            self.client.close()

    # -- client listeners (poller thread) --------------------------------------------------

    def _changed(self, event: ChangeEvent) -> None:
        with self._lock:
            phase = self._phase
            if phase in ("idle", "initializing"):
                return
            self._last_error = None
            version = event.new.version
            if phase != "ready":
                self._phase = "ready"
                self.emit_provider_ready(ProviderEventDetails(metadata=_version(version)))
            if phase != "not_ready":
                self.emit_provider_configuration_changed(
                    ProviderEventDetails(
                        flags_changed=sorted(event.changed),
                        message=f"version {version} loaded",
                        metadata=_version(version),
                    )
                )

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            self._last_error = error
            if self._phase != "ready":
                return
            status = self.client.status
            rejected = status.rejected
            if (
                rejected is None
                and status.origin != "cache"
                and status.consecutive_failures < self._stale_after
            ):
                return
            self._phase = "stale"
            if rejected is not None:
                where = self.client.source.description
                why = f"version {rejected.version} from {where} was rejected"
            else:
                why = (
                    f"{status.consecutive_failures} failed fetch(es) from"
                    f" {self.client.source.description}"
                )
            self.emit_provider_stale(
                ProviderEventDetails(
                    message=(
                        f"{why}; serving version {status.version} from the {status.origin}"
                        " (see FlagClient.status.last_error)"
                    ),
                    metadata=_version(status.version),
                )
            )

    def _recover_if_fresh(self) -> None:
        """Leave ``stale`` once a fetch succeeded; successes without changes have no event."""
        with self._lock:
            if self._phase != "stale":
                return
            status = self.client.status
            if status.consecutive_failures or status.origin == "cache" or status.rejected:
                return
            self._phase = "ready"
            self.emit_provider_ready(ProviderEventDetails(metadata=_version(status.version)))

    # -- resolution ------------------------------------------------------------------------

    def resolve_boolean_details(
        self,
        flag_key: str,
        default_value: bool,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[bool]:
        """The flag's ``enabled``, or a boolean attribute with ``"flag.attribute"``."""
        return self._resolve(flag_key, default_value, evaluation_context, "boolean", _as_bool)

    def resolve_string_details(
        self,
        flag_key: str,
        default_value: str,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[str]:
        """A string attribute (``"flag.attribute"``) or a Powertools feature's value."""
        return self._resolve(flag_key, default_value, evaluation_context, "string", _as_str)

    def resolve_integer_details(
        self,
        flag_key: str,
        default_value: int,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[int]:
        """An integer attribute or value; booleans and floats are type mismatches."""
        return self._resolve(flag_key, default_value, evaluation_context, "integer", _as_int)

    def resolve_float_details(
        self,
        flag_key: str,
        default_value: float,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[float]:
        """A number attribute or value, as a float (JSON does not tell ``1`` from ``1.0``)."""
        return self._resolve(flag_key, default_value, evaluation_context, "float", _as_float)

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: ObjectValue,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[ObjectValue]:
        """The flag's attributes as a plain dict, or an object/list attribute or value."""
        return self._resolve(flag_key, default_value, evaluation_context, "object", _as_object)

    def _resolve(
        self,
        key: str,
        default: T,
        evaluation_context: EvaluationContext | None,
        kind: str,
        convert: Callable[[Any], Any],
    ) -> FlagResolutionDetails[T]:
        if self._phase == "stale":
            self._recover_if_fresh()
        context = self.context_for(evaluation_context)
        snapshot = self.client.snapshot()
        evaluation = snapshot.evaluate(key, context)
        attribute: str | None = None
        if evaluation.error in _MISSING and "." in key:
            name, _, attribute = key.rpartition(".")
            flag = snapshot.evaluate(name, context)
            if flag.error in _MISSING:
                attribute = None
            else:
                evaluation = flag
        if evaluation.reason == ERROR:
            return self._error(key, default, evaluation)
        metadata = _version(evaluation.version)
        raw = _pick(evaluation, attribute, kind)
        if raw is _NO_VALUE:
            if attribute is not None and evaluation.enabled:
                return FlagResolutionDetails(
                    default,
                    error_code=ErrorCode.FLAG_NOT_FOUND,
                    error_message=f"flag {evaluation.name!r} has no attribute {attribute!r}",
                    reason=Reason.ERROR,
                    flag_metadata=metadata,
                )
            return FlagResolutionDetails(
                default, reason=Reason.DISABLED, variant=evaluation.variant, flag_metadata=metadata
            )
        value = convert(raw)
        if value is _NO_VALUE:
            return FlagResolutionDetails(
                default,
                error_code=ErrorCode.TYPE_MISMATCH,
                error_message=_mismatch(key, evaluation, attribute, raw, kind),
                reason=Reason.ERROR,
                flag_metadata=metadata,
            )
        return FlagResolutionDetails(
            value,
            reason=_reason(evaluation.reason),
            variant=evaluation.variant,
            flag_metadata=metadata,
        )

    def _error(self, key: str, default: T, evaluation: Evaluation) -> FlagResolutionDetails[T]:
        code = evaluation.error or ErrorCode.GENERAL
        if code == FLAG_NOT_FOUND:
            message = f"no flag named {key!r} in version {evaluation.version}"
        elif code == PROVIDER_NOT_READY and isinstance(self._last_error, DocumentError):
            code = ErrorCode.PARSE_ERROR
            message = "the configuration is invalid; see FlagClient.status.last_error"
        elif code == PROVIDER_NOT_READY:
            message = "no configuration loaded yet"
        else:
            message = f"flag {key!r} could not be evaluated ({code})"
        try:
            error_code = ErrorCode(code)
        except ValueError:
            error_code = ErrorCode.GENERAL
        return FlagResolutionDetails(
            default,
            error_code=error_code,
            error_message=message,
            reason=Reason.ERROR,
            flag_metadata=_version(evaluation.version),
        )

    def context_for(self, evaluation_context: EvaluationContext | None) -> dict[str, Any]:
        """The context dict rules see: the attributes, plus the targeting key under its names.

        The targeting key wins over an attribute of the same name, since it was set on purpose.
        """
        if evaluation_context is None:
            return {}
        context = dict(evaluation_context.attributes)
        targeting_key = evaluation_context.targeting_key
        if targeting_key is not None:
            for name in self._targeting_key_names:
                context[name] = targeting_key
        return context

    def __repr__(self) -> str:
        return f"<AppConfigProvider {self.client!r} status={self._phase}>"


def _pick(evaluation: Evaluation, attribute: str | None, kind: str) -> Any:
    """The raw value a key names, or `_NO_VALUE` when a disabled flag has none to give."""
    if attribute is not None:
        return evaluation.attributes.get(attribute, _NO_VALUE)
    value = evaluation.value
    if not isinstance(value, bool):
        return value  # a non-boolean Powertools feature: its value, whatever was asked
    if kind == "boolean":
        return evaluation.enabled
    if kind == "object":
        if not evaluation.enabled and not evaluation.attributes:
            return _NO_VALUE
        return evaluation.attributes
    return value  # a bool where a string or number was asked: a type mismatch


def _mismatch(key: str, evaluation: Evaluation, attribute: str | None, raw: Any, kind: str) -> str:
    got = "null" if raw is None else type(raw).__name__
    if attribute is None and isinstance(evaluation.value, bool) and kind != "object":
        return (
            f"flag {key!r} is an on/off flag, not {_KINDS[kind]}; read one of its attributes as "
            f'"{key}.<attribute>"'
        )
    return f"{key!r} holds a {got}, not {_KINDS[kind]}"


def _version(version: str | None) -> dict[str, bool | int | float | str]:
    return {} if version is None else {"version": version}


def _reason(reason: str) -> Reason | str:
    try:
        return Reason(reason)
    except ValueError:
        return reason


def _as_bool(raw: Any) -> Any:
    return raw if isinstance(raw, bool) else _NO_VALUE


def _as_str(raw: Any) -> Any:
    return raw if isinstance(raw, str) else _NO_VALUE


def _as_int(raw: Any) -> Any:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else _NO_VALUE


def _as_float(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return _NO_VALUE
    return float(raw)


def _as_object(raw: Any) -> Any:
    if isinstance(raw, Mapping | list | tuple):
        return _plain(raw)
    return _NO_VALUE


def _plain(value: Any) -> Any:
    """A deep, mutable copy: callers may change what they get without touching the snapshot."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


__all__ = ["PROVIDER_NAME", "AppConfigProvider"]

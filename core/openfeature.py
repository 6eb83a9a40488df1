"""An OpenFeature provider over a `FlagClient`, for teams that code against the OpenFeature API.

Install with the ``openfeature`` extra. This module imports ``openfeature`` at import time,
so ``import appconfig_core`` never imports it; only ``appconfig_core.openfeature`` does.

Keys: ``"flag"`` reads the flag (``enabled`` for booleans, its ``value`` attribute for other
types), ``"flag.attribute"`` or ``"flag:attribute"`` one attribute. docs/openfeature.md
lists, requirement by requirement, what the provider does with the specification.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any, Literal, TypeVar

from openfeature import api
from openfeature.evaluation_context import EvaluationContext
from openfeature.event import EventDetails, ProviderEvent, ProviderEventDetails
from openfeature.exception import (
    ErrorCode,
    OpenFeatureError,
    ProviderFatalError,
    ProviderNotReadyError,
)
from openfeature.flag_evaluation import FlagResolutionDetails, FlagValueType
from openfeature.provider import AbstractProvider, Metadata
from openfeature.track import TrackingEventDetails

from ._evaluation.result import Status
from ._openfeature import values
from ._openfeature.resolution import Resolver, unavailable
from ._openfeature.status import (
    checked_client,
    code_for,
    init_failure,
    stale_message,
)
from ._runtime.client import FlagClient
from ._runtime.events import ChangeEvent
from .errors import AppConfigFlagsError, ConfigurationError, ResourceNotFoundError

log: logging.Logger = logging.getLogger("appconfig_core")

#: The provider's name in OpenFeature's metadata and in every event it emits.
PROVIDER_NAME = "appconfig-flags"
#: The context keys the targeting key is copied to: OpenFeature's own name, and the two keys
#: the Django and Flask adapters split by: ``targeting_key`` (the signed-in user's id, else
#: the anonymous visitor's) and ``user_id``.
TARGETING_KEY_NAMES = ("targetingKey", "targeting_key", "user_id")

T = TypeVar("T")
ObjectValue = Sequence[FlagValueType] | Mapping[str, FlagValueType]
TrackListener = Callable[[str, Mapping[str, Any], TrackingEventDetails | None], object]
_Phase = Literal["idle", "initializing", "not_ready", "ready", "stale", "fatal"]
_SERVING = frozenset({"ready", "stale", "not_ready", "initializing"})


class AppConfigProvider(AbstractProvider):
    """Resolves OpenFeature flags from a `FlagClient`, locally and without I/O.

    ``client`` is a `FlagClient`, or a function that makes one: the provider then owns it,
    closes it at ``shutdown`` and makes a fresh one when registered again. A plain client is
    closed at shutdown only with ``close_client=True`` (it usually also serves Django's
    ``request.flags`` or Flask's ``current_flags``), and such a closed client cannot serve a
    second registration, which then fails with ``PROVIDER_FATAL``.

    The status follows the client: READY with the first document, STALE after
    ``stale_after`` failed fetches in a row, at the first failure while serving the disk
    cache, or when a version is rejected; FATAL when AppConfig says the profile does not
    exist; READY again as soon as the source answers well (the client's ``on_status``
    reports a recovery that changed no flag, on the poller thread). ``on_track`` receives
    ``track`` calls; without it tracking is a no-op.
    """

    def __init__(
        self,
        client: FlagClient | Callable[[], FlagClient],
        *,
        targeting_key_names: Sequence[str] = TARGETING_KEY_NAMES,
        value_attribute: str = "value",
        stale_after: int = 3,
        close_client: bool = False,
        on_track: TrackListener | None = None,
    ) -> None:
        super().__init__()
        self._factory: Callable[[], FlagClient] | None = None
        if not isinstance(client, FlagClient) and callable(client):
            self._factory = client
            client = client()
        self.client: FlagClient = checked_client(client)
        if isinstance(targeting_key_names, str) or not all(
            isinstance(name, str) and name for name in targeting_key_names
        ):
            raise ConfigurationError(
                "targeting_key_names must be a sequence of non-empty strings such as "
                f'("targetingKey", "user_id"), not {targeting_key_names!r}'
            )
        if not isinstance(value_attribute, str) or not value_attribute:
            raise ConfigurationError(
                f"value_attribute must be a non-empty string, not {value_attribute!r}"
            )
        if isinstance(stale_after, bool) or not isinstance(stale_after, int) or stale_after < 1:
            raise ConfigurationError(f"stale_after must be an integer >= 1, not {stale_after!r}")
        if on_track is not None and not callable(on_track):
            raise ConfigurationError(f"on_track must be callable, not {on_track!r}")
        self._targeting_key_names = tuple(targeting_key_names)
        self._stale_after = stale_after
        self._close_client = close_client or self._factory is not None
        self._on_track = on_track
        self._resolver = Resolver(value_attribute, self._targeting_key_names)
        self._lock = threading.RLock()
        self._phase: _Phase = "idle"
        self._degraded = False
        self._generation = 0
        self._closed_client = False
        self._last_error: BaseException | None = None
        self._error_code: ErrorCode | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._guard: Callable[[EventDetails], None] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def get_metadata(self) -> Metadata:
        """The provider's name, as OpenFeature shows it in events and hooks."""
        return Metadata(name=PROVIDER_NAME)

    def initialize(self, evaluation_context: EvaluationContext) -> None:  # noqa: ARG002 - OpenFeature's signature
        """Start the client; raise so that OpenFeature reports an error if nothing loaded.

        The SDK emits READY or ERROR from how this returns. A document that arrives after
        the decision to fail is announced as READY, after the SDK's ERROR (see `_guard_init`).
        """
        with self._lock:
            if self._closed_client:
                if self._factory is None:
                    self._phase = "fatal"
                    raise ProviderFatalError(
                        "shutdown closed this provider's FlagClient (close_client=True); pass "
                        "a function that makes a FlagClient to register the provider again"
                    )
                self.client = checked_client(self._factory())
                self._closed_client = False
            self._generation += 1
            generation = self._generation
            self._phase = "initializing"
            self._last_error = None
            self._error_code = None
            if not self._unsubscribe:
                self._unsubscribe = [
                    self.client.on_change(self._changed),
                    self.client.on_error(self._failed),
                    self.client.on_status(self._status_changed),
                ]
        try:
            loaded = self.client.start()
        except AppConfigFlagsError as exc:
            with self._lock:
                self._phase = "fatal"
            raise ProviderFatalError(f"the FlagClient cannot start: {exc}") from exc
        with self._lock:
            if generation != self._generation:
                raise ProviderNotReadyError("the provider was shut down while it initialized")
            status = self.client.status
            if loaded or status.ready:
                self._phase = "ready"
                self._degraded = status.health == "degraded"
                return
            error = self._last_error
            fatal = isinstance(error, ResourceNotFoundError)
            self._phase = "fatal" if fatal else "not_ready"
            self._error_code = code_for(error)
            self._guard_init(generation)
        raise self._init_failure(error)

    def _init_failure(self, error: BaseException | None) -> OpenFeatureError:
        return init_failure(self.client.source.description, error)

    def _guard_init(self, generation: int) -> None:
        """Re-announce READY if a document beat the SDK's report of the failed ``initialize``.

        The SDK dispatches ERROR after ``initialize`` raises, so a READY sent from the poller
        in between would be overwritten. The SDK runs its handlers after it sets the status:
        a one-shot handler then sends READY again if a document loaded meanwhile.
        """

        def after_error(details: EventDetails) -> None:
            if details.provider_name != PROVIDER_NAME:
                return
            self._drop_guard()
            with self._lock:
                if self._phase == "ready" and self._generation == generation:
                    self._emit_ready()

        self._drop_guard()
        self._guard = after_error
        api.add_handler(ProviderEvent.PROVIDER_ERROR, after_error)

    def _drop_guard(self) -> None:
        with self._lock:
            guard, self._guard = self._guard, None
        if guard is not None:
            with suppress(ValueError):  # the SDK's handler list was reset
                api.remove_handler(ProviderEvent.PROVIDER_ERROR, guard)

    def shutdown(self) -> None:
        """Stop listening and watching; close the client if the provider owns it. Idempotent."""
        with self._lock:
            self._generation += 1
            unsubscribe, self._unsubscribe = self._unsubscribe, []
            self._phase = "idle"
            self._degraded = False
            close = self._close_client and not self._closed_client
            self._closed_client = self._closed_client or close
        self._drop_guard()
        for remove in unsubscribe:
            remove()
        if close:
            self.client.close()

    # -- client listeners (poller thread) --------------------------------------------------

    def _changed(self, event: ChangeEvent) -> None:
        with self._lock:
            phase = self._phase
            if phase in ("idle", "initializing"):
                return  # initialize decides from the status; the SDK announces it
            status = self.client.status
            self._degraded = status.health == "degraded"
            if phase == "not_ready" or (phase in ("stale", "fatal") and not self._degraded):
                self._phase = "ready"
                self._emit_ready()
            if event.old is not None:
                self.emit_provider_configuration_changed(
                    ProviderEventDetails(
                        flags_changed=sorted(event.changed),
                        message=f"version {event.new.version} loaded",
                        metadata=dict(values.version_only(event.new.version)),
                    )
                )

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            self._last_error = error
            phase = self._phase
            if phase in ("idle", "initializing"):
                return
            status = self.client.status
            self._degraded = status.ready
            if isinstance(error, ResourceNotFoundError):
                if phase != "fatal":
                    self._phase = "fatal"
                    self._emit_error(ErrorCode.PROVIDER_FATAL, f"{error}; serving no flags")
            elif phase == "not_ready":
                code = code_for(error)
                if code != self._error_code:
                    self._error_code = code
                    self._emit_error(code, f"still no configuration: {error}")
            elif phase == "ready" and (
                status.rejected is not None
                or status.origin == "cache"
                or status.consecutive_failures >= self._stale_after
            ):
                self._phase = "stale"
                self.emit_provider_stale(
                    ProviderEventDetails(
                        message=stale_message(status, self.client.source.description),
                        metadata=dict(values.version_only(status.version)),
                    )
                )

    def _emit_ready(self) -> None:
        version = self.client.status.version
        self.emit_provider_ready(ProviderEventDetails(metadata=dict(values.version_only(version))))

    def _emit_error(self, code: ErrorCode, message: str) -> None:
        self.emit_provider_error(ProviderEventDetails(message=message, error_code=code))

    def _status_changed(self, status: Status) -> None:
        """On the poller thread: the client's health changed; READY again once it is ok."""
        if status.health != "ok":
            return
        with self._lock:
            if self._phase in ("idle", "initializing"):
                return
            self._degraded = False
            if self._phase in ("stale", "fatal"):
                self._phase = "ready"
                self._emit_ready()

    # -- resolution ------------------------------------------------------------------------

    def resolve_boolean_details(
        self,
        flag_key: str,
        default_value: bool,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[bool]:
        """The flag's ``enabled``, or a boolean attribute with ``"flag.attribute"``."""
        return self._resolve(flag_key, default_value, evaluation_context, "boolean")

    def resolve_string_details(
        self,
        flag_key: str,
        default_value: str,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[str]:
        """The flag's ``value`` attribute, an attribute, or a Powertools feature's value."""
        return self._resolve(flag_key, default_value, evaluation_context, "string")

    def resolve_integer_details(
        self,
        flag_key: str,
        default_value: int,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[int]:
        """An integer value or attribute; booleans and floats are type mismatches."""
        return self._resolve(flag_key, default_value, evaluation_context, "integer")

    def resolve_float_details(
        self,
        flag_key: str,
        default_value: float,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[float]:
        """A number value or attribute, as a float (JSON does not tell ``1`` from ``1.0``)."""
        return self._resolve(flag_key, default_value, evaluation_context, "float")

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: ObjectValue,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[ObjectValue]:
        """An object or list value or attribute, as a mutable copy; on/off flags mismatch."""
        return self._resolve(flag_key, default_value, evaluation_context, "object")

    def _resolve(
        self, key: str, default: T, evaluation_context: EvaluationContext | None, kind: str
    ) -> FlagResolutionDetails[T]:
        phase = self._phase
        if phase not in _SERVING:
            return unavailable(default, fatal=phase == "fatal")
        return self._resolver.resolve(
            self.client.snapshot(),
            key,
            default,
            self.context_for(evaluation_context),
            kind,
            stale=self._degraded,
            last_error=self._last_error,
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

    # -- tracking --------------------------------------------------------------------------

    def track(
        self,
        tracking_event_name: str,
        evaluation_context: EvaluationContext | None = None,
        tracking_event_details: TrackingEventDetails | None = None,
    ) -> None:
        """Hand the event to ``on_track``; AppConfig itself has no tracking to send it to."""
        listener = self._on_track
        if listener is None:
            return
        try:
            context = self.context_for(evaluation_context)
            listener(tracking_event_name, context, tracking_event_details)
        except Exception:
            log.exception("appconfig-flags: the on_track listener %r raised", listener)

    def __repr__(self) -> str:
        return f"<AppConfigProvider {self.client!r} status={self._phase}>"


__all__ = ["PROVIDER_NAME", "TARGETING_KEY_NAMES", "AppConfigProvider", "TrackListener"]

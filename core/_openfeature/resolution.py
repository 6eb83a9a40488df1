"""One typed read of a snapshot, as OpenFeature's resolution details.

The provider decides whether it may answer at all (its status) and what the rules see (the
context); this turns the snapshot's evaluation into a value, a reason, a variant and flag
metadata, or an error code, as docs/openfeature.md describes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, Reason

from appconfig_core._evaluation.result import (
    DEFAULT,
    FLAG_NOT_FOUND,
    PROVIDER_NOT_READY,
    Evaluation,
)
from appconfig_core._evaluation.snapshot import Snapshot
from appconfig_core.errors import DocumentError

from . import values

T = TypeVar("T")


class Resolver:
    """Resolves keys against snapshots with one value attribute and one set of key names."""

    def __init__(self, value_attribute: str, targeting_key_names: Sequence[str]) -> None:
        self._value_attribute = value_attribute
        self._targeting_key_names = frozenset(targeting_key_names)
        self._facts = values.FactsBySnapshot()
        #: (key, kind) -> the evaluation it was computed from, staleness, and the answer.
        #: Static flags hand out one shared `Evaluation`, so a repeated read skips the rest.
        self._memo: dict[tuple[str, str], tuple[Evaluation, bool, tuple[Any, ...]]] = {}

    def resolve(
        self,
        snapshot: Snapshot,
        key: str,
        default: T,
        context: Mapping[str, Any],
        kind: str,
        *,
        stale: bool,
        last_error: BaseException | None,
    ) -> FlagResolutionDetails[T]:
        """The details for reading ``key`` as ``kind``; ``stale`` turns reasons into STALE."""
        evaluation, attribute = values.locate(snapshot, key, context)
        memo = self._memo.get((key, kind))
        if memo is not None and memo[0] is evaluation and memo[1] is stale:
            known, why, named, described = memo[2]
            return FlagResolutionDetails(known, reason=why, variant=named, flag_metadata=described)
        if values.is_error(evaluation):
            return _error(key, default, evaluation, last_error)
        facts = self._facts.get(snapshot, evaluation.name, evaluation.version)
        if self._facts.renewed:
            self._memo.clear()  # a new snapshot: drop answers that hold the old one alive
        metadata = facts.metadata
        if evaluation.reason == DEFAULT and facts.split_keys and self._lacks_key(facts, context):
            return _failure(
                default,
                ErrorCode.TARGETING_KEY_MISSING,
                f"flag {evaluation.name!r} splits by the targeting key; pass one in the"
                " evaluation context",
                metadata,
            )
        raw = values.pick(evaluation, attribute, kind, self._value_attribute, feature=facts.feature)
        if raw is values.NO_ATTRIBUTE:
            return _failure(
                default,
                ErrorCode.FLAG_NOT_FOUND,
                f"flag {evaluation.name!r} has no attribute {attribute!r}",
                metadata,
            )
        reason = evaluation.reason
        if stale:
            reason = Reason.STALE
        elif raw is values.DISABLED_FLAG:
            reason = Reason.DISABLED
        elif reason == DEFAULT and not facts.targeted:
            reason = Reason.STATIC
        variant = values.variant_of(evaluation)
        if raw is values.DISABLED_FLAG:
            return FlagResolutionDetails(
                default, reason=reason, variant=variant, flag_metadata=metadata
            )
        value: Any = values.WRONG_TYPE if raw is values.ON_OFF_FLAG else values.convert(raw, kind)
        if value is values.WRONG_TYPE:
            return _failure(
                default,
                ErrorCode.TYPE_MISMATCH,
                values.mismatch(key, raw, kind, self._value_attribute),
                metadata,
            )
        if kind != "object" and not (evaluation.reason == DEFAULT and facts.split_keys):
            # objects are fresh copies for every caller; a default that a split passed over
            # depends on whether the context has the targeting key
            self._memo[key, kind] = (evaluation, stale, (value, reason, variant, metadata))
        return FlagResolutionDetails(value, reason=reason, variant=variant, flag_metadata=metadata)

    def _lacks_key(self, facts: values.FlagFacts, context: Mapping[str, Any]) -> bool:
        wanted = facts.split_keys & self._targeting_key_names
        return bool(wanted) and not any(context.get(name) is not None for name in wanted)


def unavailable(default: T, *, fatal: bool) -> FlagResolutionDetails[T]:
    """The answer while the provider is shut down, not yet initialized, or fatal."""
    if fatal:
        return _failure(
            default, ErrorCode.PROVIDER_FATAL, "the provider is in a fatal state", values.EMPTY
        )
    return _failure(
        default, ErrorCode.PROVIDER_NOT_READY, "the provider is not initialized", values.EMPTY
    )


def _failure(
    default: T, code: ErrorCode, message: str, metadata: values.Metadata
) -> FlagResolutionDetails[T]:
    return FlagResolutionDetails(
        default, error_code=code, error_message=message, reason=Reason.ERROR, flag_metadata=metadata
    )


def _error(
    key: str, default: T, evaluation: Evaluation, last_error: BaseException | None
) -> FlagResolutionDetails[T]:
    code = evaluation.error or ErrorCode.GENERAL
    if code == FLAG_NOT_FOUND:
        message = f"no flag named {key!r} in version {evaluation.version}"
    elif code == PROVIDER_NOT_READY and isinstance(last_error, DocumentError):
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
    return _failure(default, error_code, message, values.version_only(evaluation.version))

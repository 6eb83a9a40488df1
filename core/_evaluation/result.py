"""The result types the public API hands out: evaluations, their reason and error codes, status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal

#: The one empty read-only mapping: no attributes, no context, no answers.
EMPTY_MAPPING: Final[Mapping[str, Any]] = MappingProxyType({})

# Reasons, in OpenFeature's vocabulary.
STATIC: Final = "STATIC"
TARGETING_MATCH: Final = "TARGETING_MATCH"
SPLIT: Final = "SPLIT"
DEFAULT: Final = "DEFAULT"
ERROR: Final = "ERROR"
#: Not OpenFeature's: a tester forced the flag for their own browser (QA overrides).
OVERRIDE: Final = "OVERRIDE"

# Error codes, in OpenFeature's vocabulary.
FLAG_NOT_FOUND: Final = "FLAG_NOT_FOUND"
PROVIDER_NOT_READY: Final = "PROVIDER_NOT_READY"
TYPE_MISMATCH: Final = "TYPE_MISMATCH"
PARSE_ERROR: Final = "PARSE_ERROR"
GENERAL: Final = "GENERAL"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What one flag evaluated to, and why.

    ``value`` is the flag's value: ``enabled`` for AppConfig flags, the computed JSON value
    for Powertools features. ``attributes`` is read-only. Instances for flags that do not
    depend on the context are built once at load and shared between calls.
    """

    name: str
    enabled: bool
    value: Any = None
    attributes: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    variant: str | None = None
    reason: str = STATIC
    error: str | None = None
    version: str | None = None


Origin = Literal["network", "file", "static", "cache", "defaults"]

#: `Status.health` values. ``degraded``: flags are served, but not the newest good ones the
#: source should give (a version was rejected, fetches are failing, or the flags come from the
#: disk cache). ``unavailable``: no document is loaded; every flag answers its default.
Health = Literal["ok", "degraded", "unavailable"]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A version the client refused, kept in `Status` until a valid version loads."""

    version: str | None
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class FlagUsage:
    """How often this process read one flag since `Usage.since`, and when it last did."""

    name: str
    reads: int
    last_read: datetime | None


@dataclass(frozen=True, slots=True)
class Usage:
    """The reads of a client's flags in this process, against the document of ``version``.

    ``flags`` holds the document's flags in its order, then the other names read, sorted;
    ``never_read`` the document's flags nobody read, ``not_in_document`` the names read
    that the document lacks (unknown names, and flags only ``defaults`` define).
    """

    since: datetime
    version: str | None
    flags: tuple[FlagUsage, ...]
    never_read: tuple[str, ...]
    not_in_document: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: the ``usage`` section of the status payload."""
        return {
            "since": _iso(self.since),
            "version": self.version,
            "flags": {
                flag.name: {"reads": flag.reads, "last_read": _iso(flag.last_read)}
                for flag in self.flags
            },
            "never_read": list(self.never_read),
            "not_in_document": list(self.not_in_document),
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Status:
    """The client's health, for health checks, CLIs and dashboards.

    ``consecutive_failures`` counts fetches in a row that failed or brought a rejected
    version; any answer that is not a failure, "unchanged" included, resets it, because it
    measures whether the source is reachable. What was refused is ``rejected``, which stays
    (with ``last_error``) until a valid version loads, so an alert on ``rejected`` or on
    ``health`` keeps firing while the bad version is deployed.
    """

    ready: bool
    origin: Origin
    version: str | None
    updated_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    rejected: Rejection | None = None
    #: Per-flag reads in this process, when the client reports them (``report_usage``).
    usage: Usage | None = None

    @property
    def health(self) -> Health:
        """One word for monitors: ``ok``, ``degraded`` or ``unavailable``."""
        if not self.ready:
            return "unavailable"
        if self.rejected is not None or self.last_error is not None or self.origin == "cache":
            return "degraded"
        return "ok"


__all__ = [
    "DEFAULT",
    "ERROR",
    "FLAG_NOT_FOUND",
    "GENERAL",
    "OVERRIDE",
    "FlagUsage",
    "Usage",
    "PARSE_ERROR",
    "PROVIDER_NOT_READY",
    "SPLIT",
    "STATIC",
    "TARGETING_MATCH",
    "TYPE_MISMATCH",
    "EMPTY_MAPPING",
    "Evaluation",
    "Health",
    "Origin",
    "Rejection",
    "Status",
]

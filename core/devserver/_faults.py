"""Fault injection: a queue of misbehaviours the next matching requests suffer.

Faults exist so the reliability tests can make the server fail on cue (a 500, a 429, a
hang, a dropped connection) and check what the client does about it. They are consumed in
the order injected; a request takes at most one fault.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

START_SESSION: Final = "StartConfigurationSession"
GET_LATEST: Final = "GetLatestConfiguration"
AGENT: Final = "Agent"
OPERATIONS: Final = (START_SESSION, GET_LATEST, AGENT)

ERROR500: Final = "error500"
THROTTLE: Final = "throttle"
DELAY: Final = "delay"
HANG: Final = "hang"
DROP: Final = "drop"
TRUNCATE: Final = "truncate"
CORRUPT: Final = "corrupt"
BADGATEWAY: Final = "badgateway"
GATEWAYTIMEOUT: Final = "gatewaytimeout"
KINDS: Final = (
    ERROR500,
    THROTTLE,
    DELAY,
    HANG,
    DROP,
    TRUNCATE,
    CORRUPT,
    BADGATEWAY,
    GATEWAYTIMEOUT,
)
AGENT_ONLY: Final = frozenset({BADGATEWAY, GATEWAYTIMEOUT})


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour, for the next ``count`` requests matching ``operation``.

    ``operation`` None matches every API request (never the ``/_devserver`` control
    surface); the Agent-only kinds (``badgateway``, ``gatewaytimeout``) then match Agent
    requests only. ``seconds`` is the wait of ``delay`` and ``hang`` (``hang`` with 0 waits
    until the server stops).
    """

    kind: str
    count: int = 1
    operation: str | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.operation is not None and self.operation not in OPERATIONS:
            raise ValueError(
                f"unknown operation {self.operation!r}; use None or one of {', '.join(OPERATIONS)}"
            )
        if self.kind in AGENT_ONLY and self.operation not in (None, AGENT):
            raise ValueError(f"fault {self.kind!r} exists on the Agent API only")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"fault count must be a positive integer, not {self.count!r}")
        if self.seconds < 0:
            raise ValueError(f"fault seconds must be >= 0, not {self.seconds!r}")

    def matches(self, operation: str) -> bool:
        """Whether a request to ``operation`` suffers this fault."""
        if self.operation is not None:
            return self.operation == operation
        return operation == AGENT or self.kind not in AGENT_ONLY


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultQueue:
    """Thread-safe list of pending faults with their remaining counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []

    def add(self, fault: Fault) -> None:
        """Queue ``fault`` behind the ones already pending."""
        with self._lock:
            self._pending.append(_Pending(fault, fault.count))

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def take(self, operation: str) -> Fault | None:
        """Consume one use of the first pending fault matching ``operation``."""
        with self._lock:
            for index, entry in enumerate(self._pending):
                if entry.fault.matches(operation):
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        del self._pending[index]
                    return entry.fault
        return None

    def pending(self) -> list[Fault]:
        """The pending faults, each with its remaining count."""
        with self._lock:
            return [
                Fault(e.fault.kind, e.remaining, e.fault.operation, e.fault.seconds)
                for e in self._pending
            ]


__all__ = ["Fault", "FaultQueue", "KINDS", "OPERATIONS"]

"""Exponential backoff with full jitter, so a fleet that lost AppConfig does not retry in step."""

from __future__ import annotations

import random
from collections.abc import Callable

MIN_CAP = 60.0


class Backoff:
    """Delays for consecutive failures: uniform in ``[0, min(cap, base * 2**n)]``.

    ``cap`` is the larger of 60 s and the source's poll interval, so a slow poller never
    retries faster after an error than it polls when healthy. ``reset`` after a success.
    """

    def __init__(self, *, base: float = 1.0, rand: Callable[[], float] = random.random) -> None:
        self._base = base
        self._rand = rand
        self.failures = 0

    def next_delay(self, poll_interval: float) -> float:
        """The wait before the next try; counts one more failure."""
        cap = max(MIN_CAP, poll_interval)
        ceiling = min(cap, self._base * (2.0 ** min(self.failures, 32)))
        self.failures += 1
        return self._rand() * ceiling

    def reset(self) -> None:
        """Forget past failures after a success."""
        self.failures = 0

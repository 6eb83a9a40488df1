"""Timing on `time.perf_counter_ns`: libraries alternate within one run, ratios are the result.

This machine is shared and noisy, so absolute times drift from run to run; what holds is
the ratio between cases measured side by side. Each repetition times every case once, in
an order rotated per repetition so no library always runs right after another, and the
report keeps the median and the interquartile spread of the repetitions.

A case is a Python *statement* compiled into its own loop (as `timeit` does), so what is
timed is exactly the expression a user writes, plus one loop step; the empty loop's cost
is reported beside the results as the floor.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OURS = "appconfig-flags"


@dataclass(frozen=True)
class Case:
    """One timed statement; ``names`` are the globals the statement sees."""

    library: str
    label: str
    stmt: str
    names: Mapping[str, Any] = field(default_factory=dict)
    ours: bool = False


@dataclass(frozen=True)
class Result:
    """Per-operation times (ns) of one case over the repetitions."""

    scenario: str
    library: str
    label: str
    samples: tuple[float, ...]
    ours: bool = False
    unit: str = "ns"
    note: str = ""

    @property
    def median(self) -> float:
        """The median of the repetitions."""
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """Interquartile range over the median: how much the repetitions disagree."""
        if len(self.samples) < 4:
            return (max(self.samples) - min(self.samples)) / self.median if self.median else 0.0
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return (q3 - q1) / self.median if self.median else 0.0


@dataclass(frozen=True)
class Settings:
    """How hard to measure: ``quick`` is the smoke run (correctness, not numbers)."""

    repeats: int = 15
    batch_seconds: float = 0.02
    quick: bool = False

    @classmethod
    def smoke(cls) -> Settings:
        return cls(repeats=3, batch_seconds=0.0005, quick=True)


def _compile(stmt: str, names: Mapping[str, Any]) -> Callable[[int], int]:
    source = (
        "def _loop(_n, _clock=_clock):\n"
        "    _t0 = _clock()\n"
        "    for _ in range(_n):\n"
        f"        {stmt}\n"
        "    return _clock() - _t0\n"
    )
    namespace: dict[str, Any] = {**names, "_clock": time.perf_counter_ns}
    exec(compile(source, f"<bench: {stmt}>", "exec"), namespace)
    loop: Callable[[int], int] = namespace["_loop"]
    return loop


def _calibrate(loop: Callable[[int], int], seconds: float) -> int:
    """The iteration count whose batch takes about ``seconds``."""
    target = seconds * 1e9
    n = 1
    while True:
        elapsed = loop(n)
        if elapsed >= target / 4 or n >= 1 << 24:
            break
        n *= 4 if elapsed < target / 64 else 2
    return max(1, int(n * target / max(elapsed, 1)))


def measure(scenario: str, cases: Iterable[Case], settings: Settings) -> list[Result]:
    """Time ``cases`` alternately; returns one `Result` per case, in the given order."""
    cases = list(cases)
    loops = [_compile(case.stmt, case.names) for case in cases]
    for case, loop in zip(cases, loops, strict=True):
        try:
            loop(1)
        except Exception as exc:
            raise RuntimeError(f"{scenario}: {case.library} failed: {exc!r}") from exc
    counts = [_calibrate(loop, settings.batch_seconds) for loop in loops]
    samples: list[list[float]] = [[] for _ in cases]
    was_enabled = gc.isenabled()
    try:
        for rep in range(settings.repeats):
            order = list(range(len(cases)))
            shift = rep % len(order)
            order = order[shift:] + order[:shift]
            for index in order:
                if not settings.quick:  # a full collection costs more than a smoke run's batch
                    gc.collect()
                gc.disable()
                try:
                    elapsed = loops[index](counts[index])
                finally:
                    gc.enable()
                samples[index].append(elapsed / counts[index])
    finally:
        if not was_enabled:
            gc.disable()
    return [
        Result(scenario, case.library, case.label, tuple(s), ours=case.ours)
        for case, s in zip(cases, samples, strict=True)
    ]


def loop_floor(settings: Settings) -> float:
    """The cost (ns) of one step of an empty timed loop: the resolution of every result."""
    (result,) = measure("floor", [Case("floor", "pass", "pass")], settings)
    return result.median


def repeat_call(
    scenario: str,
    library: str,
    label: str,
    fn: Callable[[], float],
    repeats: int,
    *,
    ours: bool = False,
    unit: str = "ms",
    note: str = "",
) -> Result:
    """A `Result` from ``repeats`` calls of ``fn``, each returning its own measurement."""
    return Result(
        scenario,
        library,
        label,
        tuple(fn() for _ in range(repeats)),
        ours=ours,
        unit=unit,
        note=note,
    )


def alternate(
    scenario: str,
    fns: list[tuple[str, str, Callable[[], float], bool]],
    repeats: int,
    *,
    unit: str = "ms",
) -> list[Result]:
    """Like `repeat_call` for several ``(library, label, fn, ours)``, interleaved per repetition."""
    samples: list[list[float]] = [[] for _ in fns]
    for rep in range(repeats):
        order = list(range(len(fns)))
        shift = rep % len(order)
        for index in order[shift:] + order[:shift]:
            samples[index].append(fns[index][2]())
    return [
        Result(scenario, library, label, tuple(s), ours=ours, unit=unit)
        for (library, label, _, ours), s in zip(fns, samples, strict=True)
    ]


def ratio(result: Result, baseline: Result | None) -> float | None:
    """How many times ``result`` costs what ``baseline`` (this project) costs.

    When both were measured in the same repetitions, the median of the per-repetition
    ratios: a burst of load on the machine slows both sides of one repetition, so the
    pairs cancel it where a ratio of two medians would not.
    """
    if baseline is None or baseline.median <= 0:
        return None
    pairs = len(result.samples) == len(baseline.samples) > 1 and all(baseline.samples)
    if not pairs:
        return result.median / baseline.median
    return statistics.median(r / b for r, b in zip(result.samples, baseline.samples, strict=True))

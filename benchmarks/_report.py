"""The results as a table (terminal and docs/benchmarks.md), the machine, and the targets."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import api_cost
from ._harness import OURS, Result, ratio
from ._peers import LIBRARIES, version_of

OTHER_VERSIONS = ("Django", "Flask", "Jinja2", "boto3")


@dataclass(frozen=True)
class Target:
    """One performance target and whether this run met it."""

    name: str
    status: str  # "met", "missed", "not measured"
    detail: str


def _fmt(value: float, unit: str) -> str:
    if unit != "ns":
        return f"{value:,.1f} {unit}"
    if value >= 1e6:
        return f"{value / 1e6:,.2f} ms"
    if value >= 1e3:
        return f"{value / 1e3:,.2f} µs"
    return f"{value:,.0f} ns"


def _groups(results: Iterable[Result]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result.scenario, []).append(result)
    return groups


def _baseline(group: list[Result]) -> Result | None:
    return next((r for r in group if r.ours), None)


def table(results: Iterable[Result]) -> str:
    """One markdown table of every result, grouped by scenario."""
    lines = [
        "| scenario | library | case | median | spread (IQR) | vs appconfig-flags |",
        "|---|---|---|---:|---:|---:|",
    ]
    for scenario, group in _groups(results).items():
        base = _baseline(group)
        for result in group:
            times = ratio(result, base)
            shown = "baseline" if result is base else ("" if times is None else f"{times:.2f}x")
            spread = f"{result.spread:.0%}" if len(result.samples) > 1 else "-"
            label = f"{result.label} ({result.note})" if result.note else result.label
            lines.append(
                f"| {scenario} | {result.library} | {label} | "
                f"{_fmt(result.median, result.unit)} | {spread} | {shown} |"
            )
    return "\n".join(lines)


def _find(results: list[Result], scenario: str, library: str) -> list[Result]:
    return [r for r in results if r.scenario == scenario and r.library == library]


def _ratio_target(
    results: list[Result], scenario: str, library: str, least: float
) -> tuple[str, str]:
    group = [r for r in results if r.scenario == scenario]
    base = _baseline(group)
    peers = _find(results, scenario, library)
    if base is None or not peers:
        return "not measured", f"{library} not installed or scenario not run"
    times = ratio(peers[0], base)
    assert times is not None
    return ("met" if times >= least else "missed"), f"{times:.1f}x (needs ≥ {least:g}x)"


def targets(results: list[Result]) -> list[Target]:
    """Every performance target with its status in this run."""
    found: list[Target] = []

    def add(name: str, check: Callable[[], tuple[str, str]]) -> None:
        status, detail = check()
        found.append(Target(name, status, detail))

    for library, least in (("powertools", 10.0), ("launchdarkly", 25.0)):
        add(
            f"plain flag ≥ {least:g}x faster than {library}",
            lambda library=library, least=least: _ratio_target(
                results, "1. plain flag", library, least
            ),
        )
    for library, least in (("powertools", 5.0), ("launchdarkly", 10.0)):
        for scenario in ("2. rule flag, matching", "2. rule flag, not matching"):
            add(
                f"{scenario[3:]} ≥ {least:g}x faster than {library}",
                lambda scenario=scenario, library=library, least=least: _ratio_target(
                    results, scenario, library, least
                ),
            )
    add(
        "OpenFeature: this provider within 1.3x of the SDK's in-memory provider",
        lambda: _openfeature_target(results),
    )
    add("load 1,000 flags under 100 ms", lambda: _load_target(results))
    add("load cost grows linearly with size", lambda: _linear_target(results))
    add("import appconfig_core under 50 ms", lambda: _import_target(results))
    for framework in ("Django", "Flask"):
        add(
            f"{framework}: 10 flag blocks < 2x constant ifs",
            lambda framework=framework: _template_target(results, framework, "constants", 2.0),
        )
    add(
        "Django: 10 flag blocks cheaper than django-waffle",
        lambda: _template_target(results, "Django", "django-waffle", 1.0),
    )
    return found


def _openfeature_target(results: list[Result]) -> tuple[str, str]:
    """Both through the same OpenFeature client call, in the same run."""
    ours = _find(results, "1. plain flag", "openfeature + appconfig-flags")
    sdk = _find(results, "1. plain flag", "openfeature")
    if not ours or not sdk:
        return "not measured", "openfeature-sdk not installed or scenario not run"
    times = ours[0].median / sdk[0].median
    return ("met" if times <= 1.3 else "missed"), f"{times:.2f}x (needs ≤ 1.3x)"


def _load_target(results: list[Result]) -> tuple[str, str]:
    ours = [r for r in _find(results, "5. load 1,000 flags", OURS) if r.ours]
    if not ours:
        return "not measured", "the 1,000-flag load did not run (smoke run)"
    ms = ours[0].median / 1e6
    return ("met" if ms < 100 else "missed"), f"{ms:.1f} ms (stored form)"


def _linear_target(results: list[Result]) -> tuple[str, str]:
    per_flag: dict[int, float] = {}
    for count in (10, 100, 1000):
        ours = [r for r in _find(results, f"5. load {count:,} flags", OURS) if r.ours]
        if ours:
            per_flag[count] = ours[0].median / count
    if len(per_flag) < 2:
        return "not measured", "fewer than two sizes ran"
    smallest, largest = min(per_flag), max(per_flag)
    growth = per_flag[largest] / per_flag[smallest]
    detail = ", ".join(f"{n:,}: {v / 1e3:.1f} µs/flag" for n, v in per_flag.items())
    return ("met" if growth <= 1.5 else "missed"), f"{detail} ({growth:.2f}x per flag)"


def _import_target(results: list[Result]) -> tuple[str, str]:
    ours = [r for r in _find(results, "7. import time", OURS) if r.ours]
    if not ours:
        return "not measured", "start-up scenario not run"
    return ("met" if ours[0].median < 50 else "missed"), f"{ours[0].median:.1f} ms (median)"


def _template_target(
    results: list[Result], framework: str, against: str, limit: float
) -> tuple[str, str]:
    scenario = f"6. {framework} template, 10 flags"
    group = [r for r in results if r.scenario == scenario]
    base = _baseline(group)
    other = [r for r in group if r.library == against]
    if base is None or not other:
        return "not measured", f"{framework} scenario or {against} not available in this run"
    times = ratio(base, other[0])
    assert times is not None
    verb = "met" if times < limit else "missed"
    return verb, f"{times:.2f}x the {against} template (needs < {limit:g}x)"


def machine() -> list[str]:
    """What this ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.platform()}; {cpu}; {os.cpu_count()} CPUs; load {load}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
    ]


def versions() -> list[str]:
    """The version of every library compared."""
    lines = []
    for distribution in (*LIBRARIES.values(), *OTHER_VERSIONS):
        lines.append(f"- {distribution}: {version_of(distribution) or 'not installed'}")
    return lines


def cost_section(checks: list[api_cost.Check]) -> str:
    """Scenario 9 as two tables: the model, and the live check against the server's log."""
    lines = [
        "| mode | processes x hosts | interval | AWS requests/h | configurations received/h |"
        " local agent calls/h | $/month |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for cost in api_cost.model():
        lines.append(
            f"| {cost.mode} | {cost.processes} x {cost.hosts} | {cost.interval:g} s | "
            f"{cost.requests:,.0f} | {cost.received:,.1f} | {cost.local_requests:,.0f} | "
            f"{cost.dollars_per_month:,.2f} |"
        )
    lines += [
        "",
        "Checked live against the local server's request log (1 s poll interval, one"
        " deployment halfway through):",
        "",
        "| mode | clients | seconds | predicted requests | logged requests | sessions |"
        " predicted received | observed received | agrees |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for check in checks:
        lines.append(
            f"| {check.mode} | {check.clients} | {check.seconds:g} | "
            f"≤ {check.predicted_requests:g} | {check.logged_requests} | {check.sessions} | "
            f"{check.predicted_received} | {check.observed_received} | "
            f"{'yes' if check.agrees else 'NO'} |"
        )
    return "\n".join(lines)


def document(
    results: list[Result],
    checks: list[api_cost.Check],
    *,
    floor: float,
    missing: dict[str, str],
    notes: list[str],
    command: str,
) -> str:
    """The whole of docs/benchmarks.md."""
    found = targets(results)
    target_lines = [
        "| target | status | measured |",
        "|---|---|---|",
        *(f"| {t.name} | {t.status} | {t.detail} |" for t in found),
    ]
    absent = [f"- {name}: {why}" for name, why in missing.items()] or ["- none"]
    parts = [
        "# Benchmarks",
        "",
        f"Written by `{command}` (`make bench`); do not edit by hand. Every library ran in"
        " the same run, alternating, on the same flags and contexts (`benchmarks/_flags.py`)."
        " Times are medians of the repetitions; the spread is the interquartile range over"
        " the median. The last column is the case's cost over this project's, the median of"
        " the per-repetition ratios (higher means this project is that many times faster). This machine is shared and noisy: read"
        " the ratios, not the absolute times.",
        "",
        "## Machine and versions",
        "",
        *machine(),
        f"- timing floor (one step of an empty timed loop): {floor:.0f} ns",
        *versions(),
        "",
        "## Targets",
        "",
        *target_lines,
        "",
        "## Results",
        "",
        table(results),
        "",
        "## API cost (scenario 9)",
        "",
        f"AppConfig prices: ${api_cost.PRICE_PER_REQUEST * 1e6:.2f} per million requests,"
        f" ${api_cost.PRICE_PER_RECEIVED:.4f} per configuration received; 730 h/month,"
        f" {api_cost.DEPLOYMENTS_PER_HOUR:g} deployment per hour, direct clients at"
        f" {api_cost.DIRECT_INTERVAL:g} s, agents at {api_cost.AGENT_INTERVAL:g} s, processes"
        " polling their agent every 10 s.",
        "",
        cost_section(checks),
        "",
        "## Left out",
        "",
        *absent,
        "",
        "## Notes",
        "",
        *(f"- {note}" for note in notes),
        "",
    ]
    return "\n".join(parts)


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

"""``python -m benchmarks.run``: every benchmark scenario, one table, docs/benchmarks.md.

``--quick`` is the smoke run the test suite uses: every scenario and every library runs,
with tiny batches and no file written unless ``--output`` is given.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Final

from . import _report, api_cost, evaluation, load, startup, templates
from ._harness import Result, Settings, loop_floor
from ._peers import Peers

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("evaluation", "load", "memory", "templates", "startup", "cost")

NOTES = [
    "Scenario 1-4: this project is called through `FlagClient` (what applications call); a"
    " pinned `Snapshot` (what `request.flags` uses) is shown beside it. Powertools runs its"
    " real `AppConfigStore` against the local AppConfig server with `max_age=3600`, so every"
    " timed `evaluate` is a cache hit (no network); its 3.x release validates the schema once"
    " per fetched document. LaunchDarkly reads a flag file (`Files.new_data_source`), events"
    " off. Unleash is bootstrapped from a dict, with no registration, metrics or polling; its"
    " rules run in a native engine (yggdrasil) and each call builds a context with the"
    " current time. Contexts are built once outside the timed loop for every library.",
    "Scenario 3: Powertools cannot hash a string key, so its 10% is `MODULO_RANGE` on a"
    " numeric `userNumber`; the others hash `userId`.",
    "Scenario 4: this project's `enabled_flags(context)` (document order, like Powertools'"
    " `get_enabled_features`). Unleash has no all-flags call (a loop of `is_enabled`);"
    " OpenFeature has none.",
    "Scenario 5: the documents mix 70% plain flags with two constrained attributes, 20% flags"
    " with a two-condition rule and 10% three-variant splits (`_flags.stored_document`);"
    " Powertools' and Unleash's documents have the same flags in their formats.",
    "Scenario 7: each measurement is a fresh interpreter; the clock starts at the first"
    " import, so interpreter start-up is not counted. 'disk cache, server down' points the"
    " client at a closed port on 127.0.0.1.",
    "Scenario 8: tracemalloc counts the Python heap only; Unleash's native engine and"
    " LaunchDarkly's store are left out.",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny batches")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="markdown file to write (default docs/benchmarks.md; none with --quick)",
    )
    parser.add_argument(
        "--only", choices=SCENARIOS, action="append", help="run only these scenario groups"
    )
    parser.add_argument("--repeats", type=int, default=None, help="repetitions per case")
    return parser


Groups = dict[str, list[Result]]
Measured = tuple[list[Result], dict[str, str]]


def _templates(settings: Settings, _work: Path) -> Measured:
    return templates.run(settings)


def _imports(settings: Settings, _work: Path) -> Measured:
    return startup.run_imports(settings), {}


def _ready(settings: Settings, work: Path) -> Measured:
    return startup.run_ready(settings, work), {}


#: The groups measured in child interpreters, each in parts that can run side by side.
IN_CHILDREN: Final[dict[str, tuple[Callable[[Settings, Path], Measured], ...]]] = {
    "templates": (_templates,),
    "startup": (_imports, _ready),
}


def collect(
    settings: Settings, only: tuple[str, ...] = SCENARIOS
) -> tuple[list[Result], list[api_cost.Check], dict[str, str], float]:
    """Run the chosen scenario groups; returns results, cost checks, missing peers, floor.

    A smoke run checks that every scenario works, not what it measures, so it runs the
    child interpreters alongside the in-process groups; a real run measures one at a time.
    """
    groups: Groups = {}
    checks: list[api_cost.Check] = []
    missing: dict[str, str] = {}
    floor = loop_floor(settings)
    in_children = [name for name in IN_CHILDREN if name in only]
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp, ThreadPoolExecutor(3) as pool:
        work = Path(tmp)
        early: dict[Callable[[Settings, Path], Measured], Future[Measured]] = {}
        if settings.quick:
            parts = [part for name in in_children for part in IN_CHILDREN[name]]
            early = {part: pool.submit(part, settings, work) for part in parts}
        if "evaluation" in only:
            with Peers() as peers:
                missing.update(peers.missing)
                groups["evaluation"] = evaluation.run(peers, settings)
        if "load" in only:
            groups["load"] = load.run_load(settings)
        if "memory" in only:
            groups["memory"] = load.run_memory(settings)
        if "cost" in only:
            checks = api_cost.check(work, seconds=1.0 if settings.quick else 6.0)
        for name in in_children:
            groups[name] = []
            for part in IN_CHILDREN[name]:
                future = early.get(part)
                results, more = future.result() if future else part(settings, work)
                groups[name] += results
                missing.update(more)
    results = [result for name in SCENARIOS for result in groups.get(name, [])]
    return results, checks, missing, floor


def main(argv: list[str] | None = None) -> int:
    """Run, print the table and the targets, write the markdown file."""
    args = _parser().parse_args(argv)
    settings = Settings.smoke() if args.quick else Settings()
    if args.repeats:
        settings = Settings(args.repeats, settings.batch_seconds, settings.quick)
    only = tuple(args.only or SCENARIOS)
    results, checks, missing, floor = collect(settings, only)
    command = "python -m benchmarks.run" + (" --quick" if args.quick else "")
    text = _report.document(
        results, checks, floor=floor, missing=missing, notes=NOTES, command=command
    )
    print(_report.table(results))
    print()
    for target in _report.targets(results):
        print(f"{target.status:>12}  {target.name}: {target.detail}")
    if checks:
        print()
        print(_report.cost_section(checks))
    output = args.output or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    if output is not None:
        _report.write(output, text)
        print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scenarios 5 and 8: loading documents of 10 / 100 / 1,000 flags, and a snapshot's memory.

Loading is what a new version costs the poller thread: parse the bytes, validate, compile
every rule. For this project that is the public `validation_report` (the same parse and
compile `FlagClient` runs outside any lock, reported in one line); for Powertools, the JSON parse its provider does plus the schema validation its
`FeatureFlags` runs once per new document; for Unleash, handing the state to its engine.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from typing import Any

from appconfig_core import FlagClient, Snapshot, StaticSource
from appconfig_core.integration import validation_report

from . import _flags
from ._harness import OURS, Case, Result, Settings, measure
from ._peers import version_of

SIZES = (10, 100, 1000)
SMOKE_SIZES = (10, 100)


JSON = "application/json"


def _snapshot(data: bytes) -> Snapshot:
    """The snapshot a client serves for ``data``, built through the public client."""
    with FlagClient(StaticSource(data, content_type=JSON), start_timeout=5.0) as client:
        return client.snapshot()


def load_cases(count: int) -> list[Case]:
    """Every library's load of a ``count``-flag document."""
    stored = _flags.dumps(_flags.stored_document(count))
    powertools = _flags.dumps(_flags.powertools_sized(count))
    cases = [
        Case(
            OURS,
            "parse + validate + compile (stored form)",
            "report(label, data, content_type)",
            {"report": validation_report, "label": "bench", "data": stored, "content_type": JSON},
            ours=True,
        ),
        Case(
            OURS,
            "parse + validate + compile (Powertools schema)",
            "report(label, data, content_type)",
            {
                "report": validation_report,
                "label": "bench",
                "data": powertools,
                "content_type": JSON,
            },
        ),
    ]
    if version_of("aws-lambda-powertools"):
        from aws_lambda_powertools.utilities.feature_flags.schema import SchemaValidator

        cases.append(
            Case(
                "powertools",
                "json.loads + SchemaValidator.validate",
                "SchemaValidator(schema=loads(data)).validate()",
                {"SchemaValidator": SchemaValidator, "loads": json.loads, "data": powertools},
            )
        )
    if version_of("UnleashClient"):
        from yggdrasil_engine.engine import UnleashEngine

        cases.append(
            Case(
                "unleash",
                "engine.take_state (native)",
                "engine.take_state(state)",
                {"engine": UnleashEngine(), "state": json.dumps(_flags.unleash_state(count))},
            )
        )
    for data in (stored, powertools):
        ok, lines = validation_report("bench", data, JSON)
        if not (ok and lines[0].endswith(f" {count} flags")):
            raise AssertionError(f"load: {lines}")
    return cases


def run_load(settings: Settings) -> list[Result]:
    """Scenario 5 at each size."""
    results: list[Result] = []
    load_settings = Settings(
        max(3, settings.repeats // 2), settings.batch_seconds, quick=settings.quick
    )
    for count in SMOKE_SIZES if settings.quick else SIZES:
        results += measure(f"5. load {count:,} flags", load_cases(count), load_settings)
    return results


def _retained(build: Any) -> tuple[int, Any]:
    """Bytes still allocated after ``build()`` returns (its result kept alive).

    One unmeasured call first, so caches filled on first use are not counted.
    """
    build()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before, kept


def run_memory(settings: Settings) -> list[Result]:
    """Scenario 8: memory a loaded 1,000-flag configuration keeps (tracemalloc, Python heap)."""
    count = 100 if settings.quick else 1000
    stored = _flags.dumps(_flags.stored_document(count))
    powertools = _flags.dumps(_flags.powertools_sized(count))
    scenario = f"8. memory, {count:,} flags"
    results: list[Result] = []

    size, _ = _retained(lambda: _snapshot(stored))
    results.append(
        Result(
            scenario,
            OURS,
            "Snapshot (stored form, with its document)",
            (size / 1024,),
            ours=True,
            unit="KiB",
            note=f"document {len(stored) / 1024:.0f} KiB of JSON",
        )
    )
    size, _ = _retained(lambda: json.loads(stored))
    results.append(
        Result(
            scenario, OURS, "of which the parsed document (json.loads)", (size / 1024,), unit="KiB"
        )
    )
    size, _ = _retained(lambda: _snapshot(powertools))
    results.append(
        Result(scenario, OURS, "Snapshot (Powertools schema)", (size / 1024,), unit="KiB")
    )
    if version_of("aws-lambda-powertools"):
        size, _ = _retained(lambda: json.loads(powertools))
        results.append(
            Result(
                scenario,
                "powertools",
                "the parsed document it caches",
                (size / 1024,),
                unit="KiB",
                note=f"document {len(powertools) / 1024:.0f} KiB of JSON",
            )
        )
    return results

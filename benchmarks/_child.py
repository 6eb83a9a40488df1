"""The measured side of the start-up scenario, run in a fresh interpreter per measurement.

``python -m benchmarks._child MODE ...`` prints one JSON object: the milliseconds measured
from before the first import of the library to the moment named by MODE, plus facts
(which modules got imported, where the flags came from). Only ``benchmarks._child``
itself is imported before the clock starts; it imports nothing beyond the standard library.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def _import(module: str) -> dict[str, Any]:
    started = time.perf_counter_ns()
    __import__(module)
    elapsed = time.perf_counter_ns() - started
    return {"ms": elapsed / 1e6, "boto3": "boto3" in sys.modules}


def _ready(kind: str, url: str, cache_path: str | None) -> dict[str, Any]:
    started = time.perf_counter_ns()
    from appconfig_core import AgentSource, AppConfigDataSource, FlagClient

    source: Any
    if kind == "agent":
        source = AgentSource("bench", "prod", "flags", url=url, poll_interval=60.0)
    else:
        source = AppConfigDataSource(
            "bench", "prod", "flags", endpoint_url=url, region_name="us-east-1"
        )
    client = FlagClient(source, cache_path=cache_path, start_timeout=5.0)
    ready = client.start()
    enabled = client.is_enabled("plain")
    elapsed = time.perf_counter_ns() - started
    origin = client.status.origin
    client.close()
    return {"ms": elapsed / 1e6, "ready": ready, "origin": origin, "plain": enabled}


def _powertools(url: str) -> dict[str, Any]:
    started = time.perf_counter_ns()
    import boto3
    from aws_lambda_powertools.utilities.feature_flags import AppConfigStore, FeatureFlags

    client = boto3.client("appconfigdata", endpoint_url=url, region_name="us-east-1")
    store = AppConfigStore(
        environment="prod", application="bench", name="powertools", boto3_client=client
    )
    enabled = FeatureFlags(store=store).evaluate(name="plain", default=False)
    elapsed = time.perf_counter_ns() - started
    return {"ms": elapsed / 1e6, "ready": True, "origin": "network", "plain": enabled}


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "import":
        result = _import(argv[1])
    elif mode in ("appconfigdata", "agent"):
        result = _ready(mode, argv[1], argv[2] if len(argv) > 2 else None)
    elif mode == "powertools":
        result = _powertools(argv[1])
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

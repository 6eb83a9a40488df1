"""Scenario 7: start-up, each measurement in a fresh interpreter (`benchmarks._child`).

* the import of each library's entry module (this project's must not pull in boto3);
* the time from the first import to a ready client answering a flag, from the local
  AppConfig server over AppConfigData (boto3) and over the Agent API, against Powertools'
  first `evaluate` from the same server;
* the same with the server down and the disk cache written by an earlier run.

Interpreter start-up itself is not counted: every child starts its clock at the import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appconfig_core import AppConfigDataSource, FlagClient
from appconfig_core.devserver import DevServer

from . import _flags
from ._harness import OURS, Result, Settings, alternate
from ._peers import APPLICATION, ENVIRONMENT, appconfigdata_client, version_of

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = [
    (OURS, "appconfig_core", "appconfig-flags"),
    ("powertools", "aws_lambda_powertools.utilities.feature_flags", "aws-lambda-powertools"),
    ("launchdarkly", "ldclient", "launchdarkly-server-sdk"),
    ("unleash", "UnleashClient", "UnleashClient"),
    ("openfeature", "openfeature.api", "openfeature-sdk"),
]
IMPORT = "7. import time"
READY = "7. first ready snapshot"


def child_process(args: list[str], *, cwd: Path, timeout: float) -> str:
    """Run ``args`` with fake AWS credentials and no AWS endpoint settings; return stdout."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_APPCONFIGDATA"):
        env.pop(name, None)
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:])} failed:\n{done.stderr}")
    return done.stdout


def child(*args: str) -> dict[str, Any]:
    """Run `benchmarks._child` with ``args`` and return what it printed."""
    output = child_process([sys.executable, "-m", "benchmarks._child", *args], cwd=ROOT, timeout=60)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def run_imports(settings: Settings) -> list[Result]:
    """Import time of each library's entry module."""
    repeats = 1 if settings.quick else 9
    fns: list[tuple[str, str, Callable[[], float], bool]] = []
    for library, module, distribution in IMPORTS:
        if version_of(distribution) is None:
            continue

        def measure(module: str = module, library: str = library) -> float:
            result = child("import", module)
            if library == OURS and result["boto3"]:
                raise AssertionError("import appconfig_core imported boto3")
            return float(result["ms"])

        fns.append((library, f"import {module}", measure, library == OURS))
    return alternate(IMPORT, fns, repeats)


def run_ready(settings: Settings, work: Path) -> list[Result]:
    """First ready snapshot from the local server, and from the disk cache with it down."""
    repeats = 1 if settings.quick else 7
    root = work / "startup-profiles"
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{APPLICATION}:{ENVIRONMENT}:flags.json").write_text(
        json.dumps(_flags.ours_document())
    )
    (root / f"{APPLICATION}:{ENVIRONMENT}:powertools.json").write_text(
        json.dumps(_flags.powertools_document())
    )
    cache = work / "startup-cache.json"
    # A cache file is only read back by the source that wrote it (same endpoint), so it is
    # written through a server whose port (the system's pick: no race with the scenarios
    # running beside this one) is closed again before the measurement.
    with DevServer(root, port=0) as gone:
        _write_cache(gone.url, cache)
    with DevServer(root, port=0) as server:

        def ready(kind: str, url: str, cache_path: str | None = None) -> Callable[[], float]:
            def measure() -> float:
                args = [kind, url] if cache_path is None else [kind, url, cache_path]
                result = child(*args)
                expected = "cache" if cache_path else "network"
                if not (result["ready"] and result["plain"] and result["origin"] == expected):
                    raise AssertionError(f"start-up {kind}: {result}")
                return float(result["ms"])

            return measure

        down = gone.url
        fns: list[tuple[str, str, Callable[[], float], bool]] = [
            (OURS, "AppConfigData (boto3), local server", ready("appconfigdata", server.url), True),
            (OURS, "Agent API, local server", ready("agent", server.url), False),
            (OURS, "disk cache, server down", ready("appconfigdata", down, str(cache)), False),
        ]
        if version_of("aws-lambda-powertools"):
            fns.append(
                (
                    "powertools",
                    "first evaluate, local server",
                    ready("powertools", server.url),
                    False,
                )
            )
        return alternate(READY, fns, repeats)


def _write_cache(url: str, cache: Path) -> None:
    source = AppConfigDataSource(
        APPLICATION, ENVIRONMENT, "flags", client=appconfigdata_client(url)
    )
    with FlagClient(source, cache_path=cache, start_timeout=5.0) as client:
        if client.status.origin != "network":
            raise RuntimeError(f"could not load from the local server at {url}")
    if not cache.exists():
        raise RuntimeError("the client wrote no cache file")

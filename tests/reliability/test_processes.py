"""Forked workers (gunicorn --preload, multiprocessing fork pools) each get their own session.

A client started before ``fork()`` must keep working in every child: each child sees a flag
change made after the fork within one poll interval, and no two processes present the same
session token (the local server answers a reused token with 400 "Corrupted").
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AppConfigDataSource, FlagClient
from appconfig_core.devserver import DevServer
from tests.support import free_port, wait_until

from .conftest import APP, DOC_V2, ENV, POLL_INTERVAL, PROFILE, write_json

#: Slack on top of one poll interval for a loaded 2-core machine.
SLACK = 5.0
WORKERS = 4
GUNICORN = Path(sys.executable).with_name("gunicorn")

APP_MODULE = """
import json, os
from appconfig_core import AppConfigDataSource, FlagClient

client = FlagClient(AppConfigDataSource("shop", "prod", "flags",
                                        endpoint_url=os.environ["FLAGS_URL"],
                                        region_name="us-east-1"), start_timeout=5)
assert client.start(), "the master loaded the flags before forking"

def app(environ, start_response):
    body = json.dumps({"pid": os.getpid(), "version": client.status.version,
                       "gamma": client.is_enabled("gamma")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
"""


def assert_no_shared_tokens(server: DevServer, sessions_at_least: int) -> None:
    records = server.requests
    starts = [r for r in records if r.operation == "StartConfigurationSession"]
    assert len(starts) >= sessions_at_least
    assert all(r.status != 400 for r in records), [r for r in records if r.status == 400][:3]
    handed = [r.next_token for r in records if r.next_token]
    presented = [r.token for r in records if r.token]
    assert len(handed) == len(set(handed))
    assert len(presented) == len(set(presented)), "a token was presented by two processes"


# -- gunicorn ---------------------------------------------------------------------------------


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return dict(json.loads(response.read()))


def sample(url: str, requests: int) -> list[dict[str, Any]]:
    """Concurrent requests, so that every worker (busy or not) takes some."""
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        return list(pool.map(lambda _: fetch_json(url), range(requests)))


@pytest.fixture(name="gunicorn")
def _gunicorn(
    request: pytest.FixtureRequest, realtime_server: DevServer, tmp_path: Path, aws_env: None
) -> Iterator[str]:
    worker_class: str = request.param
    (tmp_path / "flagapp.py").write_text(APP_MODULE)
    port = free_port()
    args = [str(GUNICORN), "--preload", "-w", str(WORKERS), "-k", worker_class]
    if worker_class == "gthread":
        args += ["--threads", "2"]
    args += ["-b", f"127.0.0.1:{port}", "--chdir", str(tmp_path), "--graceful-timeout", "5"]
    env = {**os.environ, "FLAGS_URL": realtime_server.url}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([*args, "flagapp:app"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            fetch_json(url)
        except OSError:
            return proc.poll() is not None
        return True

    try:
        assert wait_until(up, timeout=30, step=0.1)
        assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in output, output


class TestGunicornPreload:
    @pytest.mark.parametrize("gunicorn", ["sync", "gthread"], indirect=True)
    def test_every_worker_sees_a_change_made_after_the_fork(
        self, gunicorn: str, realtime_server: DevServer, profile: Path
    ) -> None:
        """Each of 4 preloaded workers serves a change made after the fork, through its own session.

        How soon is the poller's business (tests/core/runtime/test_poller.py waits exactly the
        interval the source asks for); a wall-clock bound here would fail on a busy machine.
        """
        pids: set[int] = set()

        def all_workers_answered() -> bool:
            pids.update(answer["pid"] for answer in sample(gunicorn, 16))
            return len(pids) >= WORKERS

        assert wait_until(all_workers_answered, timeout=30, step=0.05), pids
        assert wait_until(lambda: len(realtime_server.requests) >= 2 * (WORKERS + 1), timeout=10)
        write_json(profile, DOC_V2)
        fresh: set[int] = set()

        def all_workers_fresh() -> bool:
            for answer in sample(gunicorn, 16):
                if answer["version"] == "2" and answer["gamma"] is True:
                    fresh.add(answer["pid"])
                elif answer["pid"] in fresh:
                    raise AssertionError(f"worker {answer['pid']} went back to the old version")
            return fresh >= pids

        assert wait_until(all_workers_fresh, timeout=POLL_INTERVAL + SLACK + 20, step=0.05)
        assert_no_shared_tokens(realtime_server, sessions_at_least=WORKERS + 1)


# -- multiprocessing ---------------------------------------------------------------------------

_client: FlagClient | None = None
_started: Any = None
_changed_at: Any = None


def _watch(target: str) -> tuple[int, float]:
    """In a pool worker: read (starting this worker's poller), then wait for ``target``."""
    assert _client is not None
    _client.snapshot()
    _started.wait(timeout=30)
    pause = threading.Event()
    for _ in range(10_000):
        if _client.status.version == target:
            return os.getpid(), time.monotonic() - _changed_at.value
        pause.wait(0.01)
    return os.getpid(), float("inf")


class TestMultiprocessingForkPool:
    def test_pool_workers_see_change_and_own_sessions(
        self, realtime_server: DevServer, profile: Path, aws_env: None
    ) -> None:
        """Each worker of a fork-method pool sees a later change, on its own session."""
        global _client, _started, _changed_at  # noqa: PLW0603 - inherited by the forked workers
        context = multiprocessing.get_context("fork")
        source = AppConfigDataSource(APP, ENV, PROFILE, endpoint_url=realtime_server.url)
        _client = FlagClient(source, start_timeout=5)
        _started = context.Barrier(WORKERS + 1)
        _changed_at = context.Value("d", 0.0)
        try:
            assert _client.start()
            with context.Pool(WORKERS) as pool:
                pending = [pool.apply_async(_watch, ("2",)) for _ in range(WORKERS)]
                _started.wait(timeout=30)
                assert wait_until(
                    lambda: len(realtime_server.requests) >= 2 * (WORKERS + 1), timeout=10
                )
                write_json(profile, DOC_V2)
                _changed_at.value = time.monotonic()
                results = [job.get(timeout=POLL_INTERVAL + SLACK + 30) for job in pending]
        finally:
            _client.close(timeout=2)
            _client = None
        assert len({pid for pid, _ in results}) == WORKERS
        assert all(elapsed != float("inf") for _, elapsed in results), results
        assert_no_shared_tokens(realtime_server, sessions_at_least=WORKERS + 1)


# -- an idle forked worker -----------------------------------------------------------------------


def _first_read_in_child(client: FlagClient, go: int, report: int) -> None:  # pragma: no cover
    """In the child: wait for the parent's word, stay idle one poll interval, read once, report."""
    code = 1
    try:
        os.read(go, 1)
        time.sleep(POLL_INTERVAL)  # the scenario itself: a worker idle after the change
        evaluation = client.evaluate("gamma")
        os.write(report, json.dumps([evaluation.version, evaluation.enabled]).encode())
        code = 0
    finally:
        os._exit(code)


class TestIdleForkedWorker:
    def test_first_read_after_a_change_is_fresh(
        self,
        realtime_server: DevServer,
        profile: Path,
        aws_env: None,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A child forked before a change, idle until one poll interval after it, answers its first read with the new version."""
        # A generous bound for a loaded machine: the assertion is on the value, not the time.
        monkeypatch.setattr("appconfig_core._runtime.client.FORK_READ_WAIT", 30.0)
        source = AppConfigDataSource(APP, ENV, PROFILE, endpoint_url=realtime_server.url)
        client = FlagClient(source, start_timeout=30)
        try:
            assert client.start() and client.status.version == "1"
            go_r, go_w = os.pipe()
            report_r, report_w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                _first_read_in_child(client, go_r, report_w)
            os.close(report_w)
            write_json(profile, DOC_V2)
            assert wait_until(lambda: client.status.version == "2", timeout=30)
            os.write(go_w, b"g")
            answer = os.read(report_r, 1024)
            _, status = os.waitpid(pid, 0)
        finally:
            client.close(timeout=2)
        assert 0 == os.waitstatus_to_exitcode(status)
        assert ["2", True] == json.loads(answer)

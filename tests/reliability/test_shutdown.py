"""Leaving while a fetch hangs: interpreter exit and SIGTERM end the process within the close bound."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appconfig_core.devserver import DevServer

CHILD = r"""
import signal, sys, boto3
from botocore.config import Config
from appconfig_core import AppConfigDataSource, FlagClient

mode, url = sys.argv[1], sys.argv[2]
boto = boto3.client("appconfigdata", endpoint_url=url, region_name="us-east-1",
                    config=Config(retries={"total_max_attempts": 1}, read_timeout=120))
client = FlagClient(AppConfigDataSource("shop", "prod", "flags", client=boto),
                    defaults={"beta": True}, start_timeout=0.3)
if mode == "handler":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
client.start()
print("ready", client.is_enabled("beta"), flush=True)
if mode in ("default", "handler"):
    signal.pause()
"""

#: How long the library may hold up exit: atexit closes clients with a 1 s timeout.
CLOSE_BOUND = 1.0
#: Slack for a loaded 2-core machine (process teardown, not library work).
SLACK = 4.0


@pytest.fixture(name="hanging_server")
def _hanging_server(served: Path, profile: Path) -> Iterator[DevServer]:
    with DevServer(served, port=0) as server:
        server.inject("hang", 1000)
        yield server


def spawn(mode: str, url: str, aws_env: None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "ready True", (line, child.stderr.read() if child.poll() else "")


class TestExitWhileFetchHangs:
    def test_interpreter_exit_is_bounded(self, hanging_server: DevServer, aws_env: None) -> None:
        """A script that ends while its poller is stuck in a fetch exits within the close bound."""
        child = spawn("exit", hanging_server.url, aws_env)
        try:
            wait_ready(child)
            began = time.monotonic()
            child.wait(timeout=CLOSE_BOUND + SLACK + 10)
            assert time.monotonic() - began < CLOSE_BOUND + SLACK
            assert child.returncode == 0
            assert hanging_server.requests, "the fetch really was in flight"
        finally:
            child.kill()
            child.communicate(timeout=10)

    @pytest.mark.parametrize("mode", ["default", "handler"])
    def test_sigterm_is_bounded(self, mode: str, hanging_server: DevServer, aws_env: None) -> None:
        """SIGTERM (default action, or a handler that exits as servers do) ends the process in time."""
        child = spawn(mode, hanging_server.url, aws_env)
        try:
            wait_ready(child)
            began = time.monotonic()
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=CLOSE_BOUND + SLACK + 10)
            assert time.monotonic() - began < CLOSE_BOUND + SLACK
            expected = 0 if mode == "handler" else -signal.SIGTERM
            assert child.returncode == expected
        finally:
            child.kill()
            child.communicate(timeout=10)

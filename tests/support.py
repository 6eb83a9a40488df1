"""Helpers shared by the test packages (fixtures live in each package's conftest.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

#: The status payload's fields, in order: every health endpoint and ``status`` command prints
#: these (the adapters' tests take them from `unconfigured_report`, which must agree).
STATUS_KEYS = [
    "health",
    "ready",
    "origin",
    "version",
    "updated_at",
    "age_seconds",
    "last_error",
    "consecutive_failures",
    "rejected",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], object], timeout: float, step: float = 0.01) -> bool:
    """Poll ``condition`` until it is truthy or ``timeout`` passes; return whether it held.

    For state that gives no event to wait on (another process, a server's log); a thread
    that can signal should be waited on with an `Event` instead.
    """
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        pause.wait(step)


class FakeClock:
    """A monotonic clock the test moves by hand (the local server's poll-interval clock)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def appconfigdata_client(url: str, **config: Any) -> Any:
    """A real boto3 ``appconfigdata`` client for the local server at ``url``.

    Fake credentials, and botocore's retries off, as on the source's own client: the poller
    does the retrying. ``config`` goes to botocore's `Config` (timeouts and the like).
    """
    import boto3
    from botocore.config import Config

    return boto3.client(
        "appconfigdata",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, **config),
    )

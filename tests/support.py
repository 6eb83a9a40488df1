"""Helpers shared by the test packages (fixtures live in each package's conftest.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


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

"""`make demo` (example_projects/demo.py) as its user meets it: in a terminal and a browser.

The demo runs as ``make demo`` runs it, with its files in a temporary ``DEMO_DIR`` so that a
demo the developer has open is left alone; the flip command is run exactly as printed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    EXAMPLES,
    ROOT,
    START_TIMEOUT,
    Process,
    free_port,
    present,
    reload_until,
    require_chromium,
)

require_chromium()

pytestmark = pytest.mark.e2e

READY_LINE = "Press Ctrl-C to stop."
STOP_TIMEOUT = 15.0


class Demo:
    """The running demo and what it printed: the shops' URLs and the flip command."""

    def __init__(self, process: Process) -> None:
        self.process = process
        process.wait_for_line(lambda line: READY_LINE in line, START_TIMEOUT)
        printed = "\n".join(process.lines)
        self.urls = dict(re.findall(r"^\s+(Django|Flask) shop\s+(http://\S+)", printed, re.M))
        flips = [line.strip() for line in process.lines if " flip new_checkout" in line]
        assert {"Django", "Flask"} == set(self.urls), printed
        assert 1 == len(flips), printed
        self.flip_command = flips[0]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """``make demo``'s command, started in a session of its own as a terminal would."""
    env = {
        **os.environ,
        "DEMO_DIR": str(tmp_path / "demo"),
        "DEMO_DJANGO_PORT": str(free_port()),
        "DEMO_FLASK_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
    }
    process = Process(
        "make demo",
        [sys.executable, str(EXAMPLES / "demo.py")],
        cwd=ROOT,
        env=env,
        own_session=True,
    )
    try:
        yield Demo(process)
    finally:
        process.interrupt()
        process.wait_exited(STOP_TIMEOUT)
        process.stop()


def refuses_connections(url: str) -> bool:
    host, port = re.fullmatch(r"http://([^:/]+):(\d+)/", url).groups()  # type: ignore[union-attr]
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


class TestDemo:
    def test_printed_flip_reaches_both_shops(self, demo: Demo, page: Any) -> None:
        """The flip command the demo prints turns new_checkout off in both shops within one poll."""
        for url in demo.urls.values():
            page.goto(url + "flags/")
            assert "ON" == page.locator("tr[data-flag=new_checkout] .state").inner_text()
        flipped = subprocess.run(
            ["bash", "-c", demo.flip_command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert 0 == flipped.returncode, flipped.stderr
        assert flipped.stdout.startswith("new_checkout is now off")
        for url in demo.urls.values():
            page.goto(url)
            reload_until(
                page, lambda _: present(page, "[data-testid=checkout-classic]"), f"{url}: off"
            )
            page.goto(url + "flags/")
            assert "OFF" == page.locator("tr[data-flag=new_checkout] .state").inner_text()

    def test_ctrl_c_stops_everything(self, demo: Demo) -> None:
        """Ctrl-C ends the demo with status 0, and with it both shops: nothing is left listening."""
        demo.process.interrupt()
        assert demo.process.wait_exited(STOP_TIMEOUT), demo.process.output()
        assert 0 == demo.process.returncode
        assert demo.process.wait_output_closed(STOP_TIMEOUT), "a shop outlived the demo"
        assert "Stopped." == demo.process.lines[-1]
        assert all(refuses_connections(url) for url in demo.urls.values())

"""Real processes and a real browser for the end-to-end tests of the example shops.

Each shop runs as it does under ``make demo``: the local AppConfig server and the shop in
processes of their own on free 127.0.0.1 ports, the shop reading its flags through boto3
(the AppConfigData API). Chromium is Debian's (``/usr/bin/chromium``); nothing downloads a
browser.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "example_projects"
PROFILE_FILE = "shop:demo:flags.json"
#: The local server's poll interval: the longest a shop may take to see an edit ...
POLL_INTERVAL = 1.0
#: ... plus this much for process scheduling and the page reloads themselves.
MARGIN = 4.0
START_TIMEOUT = 30.0


def require_chromium() -> None:
    """Skip the calling test module when Chromium is missing; in CI (``CI`` set), fail instead.

    Every e2e module calls this at import, and the skip is raised here, so ``pytest -ra``
    folds all of them into one summary line.
    """
    if CHROMIUM.exists():
        return
    reason = (
        f"no Chromium at {CHROMIUM}: install it to run the browser tests (apt-get install chromium)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run them (.ci/run installs it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def reload_until(page: Any, condition: Callable[[Any], bool], what: str) -> float:
    """Reload ``page`` until ``condition(response)`` holds; the seconds it took.

    Fails after one poll interval of the local server plus a margin: a flag edit must show
    by then.
    """
    started = time.monotonic()
    deadline = started + POLL_INTERVAL + MARGIN
    while True:
        response = page.reload()
        if condition(response):
            return time.monotonic() - started
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not show within {POLL_INTERVAL + MARGIN} s")
        page.wait_for_timeout(100)


def present(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).count())


class Process:
    """A child process whose output is collected line by line, so tests can wait on it."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        own_session: bool = False,
    ) -> None:
        self.name = name
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._own_session = own_session
        self._popen = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_session,
        )
        self._reader = threading.Thread(target=self._read, name=f"e2e-{name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._popen.stdout is not None
        for line in self._popen.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def running(self) -> bool:
        return self._popen.poll() is None

    def wait_for_line(
        self, predicate: Callable[[str], bool], timeout: float, *, after: int = 0
    ) -> str:
        """The first output line from line ``after`` on matching ``predicate``.

        Fails after ``timeout`` or once the process has exited without printing it.
        """
        found: list[str] = []

        def seen() -> bool:
            found[:] = [line for line in self.lines[after:] if predicate(line)][:1]
            return bool(found) or not self._reader.is_alive()

        with self._changed:
            self._changed.wait_for(seen, timeout)
        if not found:
            pytest.fail(f"{self.name} never printed the expected line:\n{self.output()}")
        return found[0]

    def wait_exited(self, timeout: float) -> bool:
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: SIGINT to the process group (needs ``own_session``)."""
        assert self._own_session, "interrupt() would signal the test's own process group"
        if self.running:
            os.killpg(self._popen.pid, signal.SIGINT)

    def wait_output_closed(self, timeout: float) -> bool:
        """Whether every process holding the output pipe (children too) is gone by ``timeout``."""
        self._reader.join(timeout)
        return not self._reader.is_alive()

    @property
    def returncode(self) -> int | None:
        return self._popen.returncode

    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def stop(self) -> None:
        if self.running:
            self._popen.terminate()
            if not self.wait_exited(5):
                self._popen.kill()
                self._popen.wait()
        self._reader.join(5)
        assert self._popen.stdout is not None
        self._popen.stdout.close()


def child_environment(endpoint: str) -> dict[str, str]:
    """The shop's environment: boto3 pointed at the local server, with dummy credentials."""
    dropped = {"DJANGO_SETTINGS_MODULE", "FLASK_APP", "AWS_PROFILE", "AWS_SESSION_TOKEN"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        AWS_ENDPOINT_URL_APPCONFIGDATA=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="e2e",
        AWS_SECRET_ACCESS_KEY="e2e",
        AWS_EC2_METADATA_DISABLED="true",
        SHOP_FLAGS_SOURCE="appconfig",
        PYTHONUNBUFFERED="1",
    )
    return env


class ServedFlags:
    """The flags file the local AppConfig server serves; edits reach the shop on its next poll."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / PROFILE_FILE
        shutil.copy(EXAMPLES / "appconfig" / PROFILE_FILE, self.path)
        self.original = self.path.read_bytes()

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return document

    def set_enabled(self, name: str, enabled: bool) -> None:
        document = self.document()
        assert isinstance(document["values"][name].get("enabled"), bool), name
        document["values"][name]["enabled"] = enabled
        self._write(json.dumps(document, indent=2).encode())

    def restore(self) -> bool:
        """Put the example flags back; whether that changed anything."""
        if self.path.read_bytes() == self.original:
            return False
        self._write(self.original)
        return True

    def _write(self, content: bytes) -> None:
        # A whole new file, so the server never reads half an edit.
        temporary = self.path.with_suffix(".tmp")
        temporary.write_bytes(content)
        os.replace(temporary, self.path)


class Shop:
    """One example shop, running behind its own local AppConfig server."""

    def __init__(self, name: str, url: str, app: Process, server: Process, flags: ServedFlags):
        self.name = name
        self.url = url
        self.app = app
        self.server = server
        self.flags = flags

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "health/flags", timeout=10) as answer:
            payload: dict[str, Any] = json.loads(answer.read())
            return payload

    def wait_until_serving(self) -> None:
        """Wait until the health check answers 200: the shop serves and has its flags."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if self.health()["ready"]:
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            if self.app.wait_exited(0.2):
                break
        pytest.fail(f"the {self.name} shop did not start:\n{self.app.output()}")

    def wait_for_version_after(self, version: str | None) -> None:
        """Wait (one poll interval and the margin at most) until the shop loads a newer version."""
        deadline = time.monotonic() + POLL_INTERVAL + MARGIN
        while time.monotonic() < deadline:
            if self.health()["version"] != version:
                return
            if self.app.wait_exited(0.1):
                break
        pytest.fail(f"the {self.name} shop kept version {version}:\n{self.app.output()}")

    def stop(self) -> None:
        self.app.stop()
        self.server.stop()


def start_shop(name: str, directory: Path, command: list[str], cwd: Path) -> Shop:
    """Start the local AppConfig server on ``directory``, then the shop run by ``command``."""
    flags = ServedFlags(directory)
    server = Process(
        f"{name} AppConfig server",
        [
            sys.executable,
            "-m",
            "appconfig_core.devserver",
            "--root",
            str(directory),
            "--port",
            "0",
            "--poll-interval",
            str(POLL_INTERVAL),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.wait_for_line(
            lambda text: text.startswith("export AWS_ENDPOINT_URL_APPCONFIGDATA="), START_TIMEOUT
        )
        endpoint = line.partition("=")[2]
        port = free_port()
        app = Process(
            name,
            [part.replace("{port}", str(port)) for part in command],
            cwd=cwd,
            env=child_environment(endpoint),
        )
    except BaseException:
        server.stop()
        raise
    shop = Shop(name, f"http://127.0.0.1:{port}/", app, server, flags)
    try:
        shop.wait_until_serving()
    except BaseException:
        shop.stop()
        raise
    return shop


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Chromium with a fresh profile, shared by the e2e tests."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="e2e-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new tab with no cookies: every test starts as an anonymous visitor."""
    browser.clear_cookies()
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()

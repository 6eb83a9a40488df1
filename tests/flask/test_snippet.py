"""The README's Flask snippet under ``flask run --reload`` and ``gunicorn --preload``.

Both run against the local AppConfig server, with only AWS environment variables set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, wait_until

from .conftest import stored, write_document

README = Path(__file__).parents[2] / "README.md"


def readme_flask_snippet() -> str:
    """The first Python block of the README's "## Flask" section, as a user would paste it."""
    section = README.read_text().split("\n## Flask\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


ROUTE = """
from flask import render_template_string

@app.route("/")
def index():
    return render_template_string('{% flag "new_checkout" %}new{% else %}old{% endflag %}')
"""


#: For gunicorn: the same page, plus the worker's pid to tell the workers apart.
WORKER_ROUTE = """
import os

@app.route("/worker")
def worker():
    return f"{os.getpid()} {index()}"
"""
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
    except (urllib.error.URLError, ConnectionError):
        return None
    return body.decode()


def aws_environment(tmp_path: Path, devserver: Any) -> dict[str, str]:
    """The process environment pointing boto3 at the local server with dummy credentials."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_APPCONFIGDATA": devserver.url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
        env.pop(name, None)
    return env


@contextmanager
def process_group(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[None]:
    """Run ``command`` in a session of its own; stop the whole group (its children too) after."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
        )
        try:
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def session_starts(devserver: Any) -> int:
    """How many AppConfigData sessions the local server has opened."""
    return sum(r.operation == "StartConfigurationSession" for r in devserver.requests)


@pytest.fixture(name="flask_run")
def _flask_run(tmp_path: Path, devserver: Any) -> Iterator[str]:
    """``flask run --reload`` of app.py (README snippet + a route), only AWS variables set.

    The reloader's watcher process imports app.py too, so it runs ``init_app`` without ever
    serving; the server runs in a child process of its own (the whole group is stopped).
    """
    app_dir = tmp_path / "site"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(readme_flask_snippet() + ROUTE)
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)]
    with process_group(
        [*command, "--reload"], app_dir, aws_environment(tmp_path, devserver), tmp_path / "log"
    ):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(name="gunicorn")
def _gunicorn(tmp_path: Path, devserver: Any) -> Iterator[str]:
    """``gunicorn --preload`` with two sync workers serving app.py (README snippet + routes)."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    app_dir = tmp_path / "site"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(readme_flask_snippet() + ROUTE + WORKER_ROUTE)
    port = free_port()
    command = [str(GUNICORN), "--preload", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
    with process_group(
        [*command, "app:app"], app_dir, aws_environment(tmp_path, devserver), tmp_path / "log"
    ):
        yield f"http://127.0.0.1:{port}/worker"


class TestReadmeSnippet:
    def test_flag_flipped_in_the_local_server_is_rendered(
        self, devserver: Any, flask_run: str
    ) -> None:
        """A flag flipped in the local AppConfig server changes the page within one poll."""
        profile = devserver.root / "shop:prod:flags.featureflags.json"
        write_document(profile, stored({"new_checkout": {"enabled": True}}))
        assert wait_until(lambda: fetch(flask_run) is not None, timeout=15)
        assert fetch(flask_run) == "new"
        write_document(profile, stored({"new_checkout": {"enabled": False}}))
        # The local server asks for a poll every second: one interval plus slack.
        assert wait_until(lambda: fetch(flask_run) == "old", timeout=3)

    def test_only_the_serving_process_polls(self, devserver: Any, flask_run: str) -> None:
        """Under the reloader, the watcher process that imported the app opens no session."""
        profile = devserver.root / "shop:prod:flags.featureflags.json"
        write_document(profile, stored({"new_checkout": {"enabled": True}}))
        assert wait_until(lambda: fetch(flask_run) is not None, timeout=15)
        assert session_starts(devserver) == 1


class TestGunicornPreload:
    def test_every_worker_follows_a_flip(self, devserver: Any, gunicorn: str) -> None:
        """Each preloaded worker starts its own client and renders a flip within one poll."""
        profile = devserver.root / "shop:prod:flags.featureflags.json"
        write_document(profile, stored({"new_checkout": {"enabled": True}}))
        answers: dict[str, str] = {}

        def sample() -> dict[str, str]:
            with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
                bodies = list(pool.map(lambda _: fetch(gunicorn), range(4 * WORKERS)))
            return dict(body.split(" ", 1) for body in bodies if body is not None)

        def every_worker_says(page: str) -> bool:
            answers.update(sample())
            return len(answers) == WORKERS and set(answers.values()) == {page}

        assert wait_until(lambda: every_worker_says("new"), timeout=20), answers
        write_document(profile, stored({"new_checkout": {"enabled": False}}))
        assert wait_until(lambda: every_worker_says("old"), timeout=3), answers
        # One session per worker: the master imported the app and ran init_app, nothing more.
        assert session_starts(devserver) == WORKERS

"""The README's Flask snippet, run by ``flask run`` against the local AppConfig server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import stored, write_document

#: The README snippet, verbatim; the test adds one route below it.
SNIPPET = """\
from flask import Flask
from flask_appconfig import AppConfigFlags

app = Flask(__name__)
app.config.update(APPCONFIG_APPLICATION="shop", APPCONFIG_ENVIRONMENT="prod", APPCONFIG_PROFILE="flags")
flags = AppConfigFlags(app)   # templates: {% flag "new_checkout" %}...{% else %}...{% endflag %}
"""

ROUTE = """
from flask import render_template_string

@app.route("/")
def index():
    return render_template_string('{% flag "new_checkout" %}new{% else %}old{% endflag %}')
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes (a process gives no event)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
    except (urllib.error.URLError, ConnectionError):
        return None
    return body.decode()


@pytest.fixture(name="flask_run")
def _flask_run(tmp_path: Path, devserver: Any) -> Iterator[str]:
    """``flask run`` of app.py (snippet + route) with only AWS environment variables set."""
    app_dir = tmp_path / "site"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(SNIPPET + ROUTE)
    port = free_port()
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
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)]
    with (tmp_path / "flask.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "--no-reload"], cwd=app_dir, env=env, stdout=log, stderr=log
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(10)


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

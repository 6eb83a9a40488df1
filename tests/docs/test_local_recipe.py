"""The local recipe of docs/django.md and docs/flask.md, followed as written: a flip shows in seconds.

The test reads the "Local development" section of each page: the file the recipe copies into
``flags/``, the server command, the ``export`` lines and the three names the settings give.
It starts the server with that command, points a client built from those settings (the
builder both adapters use) at it through those variables, flips a flag in the file and
waits, bounded, for the client to see it.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from appconfig_core.integration import build_client
from tests.support import wait_until

from .markdown import ROOT, blocks

#: The server's one-second interval, plus scheduling and a fetch: well under the 49 s the
#: recipe took when the server's default was AppConfig's minute.
FLIP_BOUND = 4.0
START_TIMEOUT = 30.0


def document(enabled: bool) -> dict[str, Any]:
    return {
        "version": "1",
        "flags": {"beta": {"name": "Beta"}},
        "values": {"beta": {"enabled": enabled}},
    }


def section(page: str) -> tuple[str, list[str]]:
    """The prose and the shell commands of ``page``'s "Local development" section."""
    path = ROOT / "docs" / page
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^#{2,3} Local development\n(?P<body>.*?)(?=^#{1,3} )", text, re.M | re.S)
    assert match, f"{page} has no Local development section"
    start = text[: match.start()].count("\n") + 1
    end = start + match["body"].count("\n") + 1
    commands = [
        line.strip()
        for block in blocks(path)
        if block.language == "bash" and start <= block.line <= end
        for line in block.text.splitlines()
        if line.strip()
    ]
    return match["body"], commands


def settings_of(page: str, prose: str) -> dict[str, Any]:
    """The APPLICATION, ENVIRONMENT and PROFILE the section's prose configures."""
    if page == "django.md":
        found = re.search(r"`APPCONFIG = (\{.*?\})`", prose, re.S)
        assert found, "docs/django.md: the recipe shows no APPCONFIG"
        settings: dict[str, Any] = ast.literal_eval(found[1].replace("\n", " "))
        return settings
    pairs = re.findall(r'`APPCONFIG_(APPLICATION|ENVIRONMENT|PROFILE)="([^"]+)"`', prose)
    return dict(pairs)


class Server:
    def __init__(self, command: str, cwd: Path) -> None:
        words = shlex.split(command, comments=True)
        assert words[:3] == ["python", "-m", "appconfig_core.devserver"], command
        self.process = subprocess.Popen(
            [sys.executable, *words[1:], "--port", "0"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def endpoint(self) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("export AWS_ENDPOINT_URL_APPCONFIGDATA="):
                return line.strip().partition("=")[2]
        pytest.fail("the local server never printed its endpoint")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(START_TIMEOUT)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(name="clean_aws_env")
def _clean_aws_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


class TestLocalRecipe:
    @pytest.mark.parametrize("page", ["django.md", "flask.md"])
    def test_a_flip_shows_within_seconds(
        self, page: str, tmp_path: Path, clean_aws_env: pytest.MonkeyPatch
    ) -> None:
        """Following the page's recipe word for word, a flag edit reaches the client in seconds."""
        prose, commands = section(page)
        settings = settings_of(page, prose)
        copy = next(c for c in commands if c.startswith("cp "))
        target = shlex.split(copy, comments=True)[-1]
        names = (settings["APPLICATION"], settings["ENVIRONMENT"], settings["PROFILE"])
        assert Path(target).name == "{}:{}:{}.json".format(*names), copy
        served = tmp_path / target
        served.parent.mkdir(parents=True)
        served.write_text(json.dumps(document(False)))

        server = Server(next(c for c in commands if "appconfig_core.devserver" in c), tmp_path)
        try:
            endpoint = server.endpoint()
            exports = [c for c in commands if c.startswith("export ")]
            for pair in (p for line in exports for p in shlex.split(line)[1:]):
                key, _, value = pair.partition("=")
                is_endpoint = key == "AWS_ENDPOINT_URL_APPCONFIGDATA"
                clean_aws_env.setenv(key, endpoint if is_endpoint else value)
            assert {"AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= {
                p.partition("=")[0] for line in exports for p in shlex.split(line)[1:]
            }, f"{page}: the recipe must export a region and dummy credentials"
            with build_client(settings) as client:
                assert client.status.ready, client.status.last_error
                assert client.is_enabled("beta") is False
                temporary = served.with_suffix(".tmp")
                temporary.write_text(json.dumps(document(True)))
                temporary.replace(served)
                assert wait_until(lambda: client.is_enabled("beta"), FLIP_BOUND), (
                    f"the flip did not show within {FLIP_BOUND} s"
                )
        finally:
            server.stop()

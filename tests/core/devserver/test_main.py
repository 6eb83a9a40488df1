"""The command line: a real subprocess that prints its URL and serves until terminated."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

AGENT_PATH = "/applications/shop/environments/prod/configurations/settings"


class TestMain:
    def test_serves_the_printed_url_until_terminated(self, root: Path) -> None:
        """The CLI prints the URL and the env var line, serves, and exits on SIGTERM."""
        process = subprocess.Popen(
            [sys.executable, "-m", "appconfig_core.devserver", "--root", str(root), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            second = process.stdout.readline()
            url = first.rsplit(" at ", 1)[1].strip()
            assert second.strip() == f"export AWS_ENDPOINT_URL_APPCONFIGDATA={url}"
            with urllib.request.urlopen(url + AGENT_PATH, timeout=5) as response:
                assert response.read() == b'{"greeting": "hello"}'
        finally:
            process.terminate()
            assert process.wait(timeout=10) == 0
            if process.stdout is not None:
                process.stdout.close()

    def test_missing_root_exits_with_an_error(self, tmp_path: Path) -> None:
        """A root that does not exist is reported and the exit status is 2."""
        completed = subprocess.run(
            [sys.executable, "-m", "appconfig_core.devserver", "--root", str(tmp_path / "no")],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert completed.returncode == 2
        assert "not a directory" in completed.stderr


def session_interval(url: str, **start: object) -> int:
    """The poll interval the server at ``url`` gives a new session of shop/prod/settings."""
    from tests.support import appconfigdata_client

    client = appconfigdata_client(url)
    token = client.start_configuration_session(
        ApplicationIdentifier="shop",
        EnvironmentIdentifier="prod",
        ConfigurationProfileIdentifier="settings",
        **start,
    )["InitialConfigurationToken"]
    answer = client.get_latest_configuration(ConfigurationToken=token)
    return int(answer["NextPollIntervalInSeconds"])


def served_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().rsplit(" at ", 1)[1].strip()


class TestLocalPollInterval:
    def run(self, root: Path, *extra: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "appconfig_core.devserver", "--root", str(root)]
        return subprocess.Popen(
            [*command, "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def stop(self, process: subprocess.Popen[str]) -> None:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    def test_one_second_by_default(self, root: Path) -> None:
        """Without --poll-interval every session polls each second, whatever the client asks."""
        process = self.run(root)
        try:
            url = served_url(process)
            assert session_interval(url, RequiredMinimumPollIntervalInSeconds=60) == 1
        finally:
            self.stop(process)

    def test_zero_leaves_it_to_the_client(self, root: Path) -> None:
        """``--poll-interval 0`` gives each session the interval its client asked for."""
        process = self.run(root, "--poll-interval", "0")
        try:
            url = served_url(process)
            assert session_interval(url, RequiredMinimumPollIntervalInSeconds=30) == 30
        finally:
            self.stop(process)

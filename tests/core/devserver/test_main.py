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

"""The example shops' own test suites, run as their users run them: ``python -m pytest`` in
the shop's folder, with the shop's pytest.ini and no AppConfig server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "example_projects"


def run_suite(folder: Path) -> subprocess.CompletedProcess[str]:
    # The main suite's DJANGO_SETTINGS_MODULE would beat the shop's pytest.ini.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestExampleSuites:
    @pytest.mark.parametrize(("shop", "tests"), [("django_shop", 4), ("flask_shop", 3)])
    def test_shop_suite_passes(self, shop: str, tests: int) -> None:
        """Each shop's flag tests pass, all of them collected, as its README says to run them."""
        result = run_suite(EXAMPLES / shop)
        output = result.stdout + result.stderr
        assert 0 == result.returncode, output
        assert f"{tests} passed" in output.strip().splitlines()[-1], output

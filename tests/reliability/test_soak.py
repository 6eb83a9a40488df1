"""The soak run (benchmarks/soak.py): a seconds-long smoke run here, the real one under -m soak."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


def run_soak(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SOAK), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class TestSoak:
    def test_smoke_run_serves_without_errors(self) -> None:
        """A short soak run serves every request, with and without the library, and reports p99."""
        done = run_soak(
            "--duration", "2", "--change-every", "0.5", "--concurrency", "4", timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count('"p99_ms"') == 2
        assert "soak: ok" in done.stdout

    @pytest.mark.soak
    @pytest.mark.timeout(900)
    def test_full_soak_run(self) -> None:
        """Minutes of load while the document changes every 3 s: no errors, no growth."""
        done = run_soak("--duration", "90", timeout=600)
        print(done.stdout)
        assert done.returncode == 0, done.stdout + done.stderr

"""The smoke run: every scenario of `make bench` runs, tiny batches, no timing assertions."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import _report, api_cost, run
from benchmarks._harness import Settings


@pytest.fixture(scope="module")
def collected() -> tuple[list, list, dict, float]:
    return run.collect(Settings.smoke())


class TestCollect:
    def test_every_scenario_produces_results(
        self, collected: tuple[list, list, dict, float]
    ) -> None:
        """Scenarios 1 to 8 each produce results with this project as the baseline."""
        results = collected[0]
        scenarios = {r.scenario.split(".")[0] for r in results}
        assert scenarios == {"1", "2", "3", "4", "5", "6", "7", "8"}
        for scenario in {r.scenario for r in results}:
            assert any(r.ours for r in results if r.scenario == scenario), scenario

    def test_cost_check_agrees_with_the_server_log(
        self, collected: tuple[list, list, dict, float]
    ) -> None:
        """The live run's request log matches the model for direct and agent clients."""
        checks: list[api_cost.Check] = collected[1]
        assert [c.mode for c in checks] == ["direct", "agent"]
        assert all(c.agrees for c in checks), checks
        assert checks[0].sessions == checks[0].clients

    def test_every_target_has_a_status(self, collected: tuple[list, list, dict, float]) -> None:
        """Each target is reported as met, missed or not measured."""
        for target in _report.targets(collected[0]):
            assert target.status in ("met", "missed", "not measured")


class TestMain:
    def test_quick_run_writes_the_document(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``--quick --output`` prints the table and writes the markdown file."""
        output = tmp_path / "benchmarks.md"
        assert run.main(["--quick", "--only", "memory", "--output", str(output)]) == 0
        assert "8. memory" in capsys.readouterr().out
        text = output.read_text()
        assert text.startswith("# Benchmarks")
        assert "8. memory" in text


class TestCostModel:
    def test_agent_sends_fewer_requests_than_direct(self) -> None:
        """One agent per host replaces every process's session: N times fewer AWS requests."""
        direct = api_cost.direct(8, 10, 60.0, 1.0)
        agent = api_cost.agent(8, 10, 60.0, 1.0, 10.0)
        assert direct.requests == pytest.approx(8 * agent.requests)
        assert direct.received == pytest.approx(8 * agent.received)
        assert direct.requests == pytest.approx(80 * 60 + 80 / 23)

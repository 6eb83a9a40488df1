"""The timing harness: alternation, statistics, ratios (no timing assertions)."""

from __future__ import annotations

import pytest

from benchmarks._harness import OURS, Case, Result, Settings, alternate, measure, ratio


class TestMeasure:
    def test_one_result_per_case_in_order(self) -> None:
        """Every case gets a result, in the order given, with one sample per repetition."""
        cases = [
            Case(OURS, "add", "x + 1", {"x": 1}, ours=True),
            Case("peer", "sum", "sum(values)", {"values": [1, 2, 3]}),
        ]
        results = measure("s", cases, Settings.smoke())
        assert [(r.library, r.label, r.ours) for r in results] == [
            (OURS, "add", True),
            ("peer", "sum", False),
        ]
        assert all(len(r.samples) == Settings.smoke().repeats for r in results)
        assert all(r.median > 0 for r in results)

    def test_statement_runs_in_its_own_namespace(self) -> None:
        """The statement sees the case's names and is executed on every loop step."""
        calls: list[int] = []
        measure("s", [Case(OURS, "append", "calls.append(1)", {"calls": calls})], Settings.smoke())
        assert len(calls) > Settings.smoke().repeats

    def test_failing_statement_names_the_library(self) -> None:
        """A case that raises stops the run with the scenario and library in the message."""
        with pytest.raises(RuntimeError, match="s: broken failed"):
            measure("s", [Case("broken", "x", "1 / 0")], Settings.smoke())


class TestAlternate:
    def test_every_function_runs_each_repetition_in_rotated_order(self) -> None:
        """Each function runs once per repetition, and the first to run rotates."""
        order: list[str] = []

        def make(name: str) -> tuple[str, str, object, bool]:
            def fn() -> float:
                order.append(name)
                return 1.0

            return (name, name, fn, name == "a")

        results = alternate("s", [make("a"), make("b"), make("c")], 3)  # type: ignore[list-item]
        assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
        assert [r.samples for r in results] == [(1.0, 1.0, 1.0)] * 3


class TestResult:
    def test_median_and_spread(self) -> None:
        """The median is the middle sample and the spread the IQR over it."""
        result = Result("s", "lib", "case", (10.0, 20.0, 30.0, 40.0, 50.0))
        assert result.median == 30.0
        assert result.spread == pytest.approx((45.0 - 15.0) / 30.0)

    def test_ratio_to_baseline(self) -> None:
        """The ratio is the case's median over this project's, None without a baseline."""
        ours = Result("s", OURS, "x", (100.0,), ours=True)
        peer = Result("s", "peer", "y", (2500.0,))
        assert ratio(peer, ours) == 25.0
        assert ratio(peer, None) is None

    def test_ratio_pairs_repetitions(self) -> None:
        """With aligned repetitions the ratio is the median of per-repetition ratios."""
        ours = Result("s", OURS, "x", (100.0, 200.0, 100.0), ours=True)
        peer = Result("s", "peer", "y", (1000.0, 2000.0, 1000.0))
        assert ratio(peer, ours) == 10.0

"""Targets and the markdown document, from results made up for the purpose."""

from __future__ import annotations

from benchmarks import _report
from benchmarks._harness import OURS, Result


def _pair(
    scenario: str, ours: float, library: str, theirs: float, unit: str = "ns"
) -> list[Result]:
    return [
        Result(scenario, OURS, "ours", (ours,), ours=True, unit=unit),
        Result(scenario, library, "theirs", (theirs,), unit=unit),
    ]


def _status(results: list[Result], name: str) -> str:
    (target,) = [t for t in _report.targets(results) if t.name == name]
    return target.status


class TestTargets:
    def test_ratio_target_met_and_missed(self) -> None:
        """A plain flag 12x faster than Powertools meets 10x; 20x against LaunchDarkly misses 25x."""
        results = _pair("1. plain flag", 100, "powertools", 1200)
        results.append(Result("1. plain flag", "launchdarkly", "ld", (2000.0,)))
        assert _status(results, "plain flag ≥ 10x faster than powertools") == "met"
        assert _status(results, "plain flag ≥ 25x faster than launchdarkly") == "missed"

    def test_missing_peer_is_not_measured(self) -> None:
        """A target whose peer did not run says so instead of passing."""
        results = _pair("1. plain flag", 100, "powertools", 1200)
        assert _status(results, "plain flag ≥ 25x faster than launchdarkly") == "not measured"

    def test_load_and_linearity(self) -> None:
        """1,000 flags in 150 ms misses the 100 ms target; per-flag cost tripling is not linear."""
        results = [
            Result("5. load 10 flags", OURS, "x", (0.5e6,), ours=True),
            Result("5. load 1,000 flags", OURS, "x", (150e6,), ours=True),
        ]
        assert _status(results, "load 1,000 flags under 100 ms") == "missed"
        assert _status(results, "load cost grows linearly with size") == "missed"

    def test_openfeature_target(self) -> None:
        """The provider at 1.2x the SDK's in-memory provider meets 1.3x; at 1.5x it misses."""
        name = "OpenFeature: this provider within 1.3x of the SDK's in-memory provider"
        for ours, status in ((12_000.0, "met"), (15_000.0, "missed")):
            results = [
                Result("1. plain flag", "openfeature + appconfig-flags", "of", (ours,)),
                Result("1. plain flag", "openfeature", "sdk", (10_000.0,)),
            ]
            assert status == _status(results, name)
        assert "not measured" == _status(_pair("1. plain flag", 100, "powertools", 1200), name)

    def test_template_targets(self) -> None:
        """Flag blocks at 1.5x the constants template meet < 2x, and beat a slower waffle."""
        results = _pair("6. Django template, 10 flags", 150, "constants", 100)
        results.append(Result("6. Django template, 10 flags", "django-waffle", "w", (300.0,)))
        assert _status(results, "Django: 10 flag blocks < 2x constant ifs") == "met"
        assert _status(results, "Django: 10 flag blocks cheaper than django-waffle") == "met"
        assert _status(results, "Flask: 10 flag blocks < 2x constant ifs") == "not measured"


class TestDocument:
    def test_document_holds_table_targets_and_versions(self) -> None:
        """The markdown names the machine, every library's version, each target and each result."""
        results = _pair("1. plain flag", 100, "powertools", 1200)
        text = _report.document(
            results, [], floor=10.0, missing={"unleash": "not installed"}, notes=["n"], command="c"
        )
        assert "## Targets" in text
        assert "| 1. plain flag | powertools | theirs | 1.20 µs | - | 12.00x |" in text
        assert "aws-lambda-powertools:" in text
        assert "- unleash: not installed" in text

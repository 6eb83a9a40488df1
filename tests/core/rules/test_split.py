"""Tests for the split hash: stable buckets, thresholds, distribution and nesting."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appconfig_core._rules.split import BUCKETS, bucket, in_split, threshold


class TestBucket:
    def test_matches_the_documented_formula(self) -> None:
        """The bucket is the first 8 bytes of SHA-256(seed:value), big-endian, mod 100000."""
        digest = hashlib.sha256(b"abc:123").digest()
        assert bucket("abc", "123") == int.from_bytes(digest[:8], "big") % 100_000

    def test_known_vectors(self) -> None:
        """Fixed vectors pin the hash so another implementation can check itself against them."""
        assert bucket("abc", "123") == 85178
        assert bucket("ui_refresh", "user-1") == 45820
        assert bucket("", "") == 84368

    def test_same_in_a_fresh_interpreter(self) -> None:
        """A new process with a different hash seed computes the same bucket."""
        code = "from appconfig_core._rules.split import bucket; print(bucket('abc', '123'))"
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": "12345"},
        )
        assert out.stdout.strip() == "85178"

    def test_lone_surrogates_do_not_raise(self) -> None:
        """Strings Python can hold but UTF-8 cannot still hash."""
        assert 0 <= bucket("s", "\ud800") < BUCKETS


class TestThreshold:
    @pytest.mark.parametrize(
        ("pct", "expected"),
        [
            (0, 0),
            (100, 100_000),
            (20, 20_000),
            (12.5, 12_500),
            (0.001, 1),
            (0.0004, 0),
            (33.3335, 33_334),
        ],
    )
    def test_rounds_to_a_thousandth_of_a_percent(self, pct: float, expected: int) -> None:
        """pct is turned into a bucket count by floor(pct * 1000 + 0.5)."""
        assert threshold(pct) == expected

    def test_edges(self) -> None:
        """0% accepts nothing and 100% accepts everything."""
        values = [str(i) for i in range(1000)]
        assert not any(in_split("s", v, 0) for v in values)
        assert all(in_split("s", v, 100) for v in values)


class TestDistribution:
    @pytest.mark.parametrize("pct", [1, 10, 12.5, 50, 99])
    def test_share_within_half_a_point(self, pct: float) -> None:
        """Over 100,000 keys the accepted share is within 0.5 points of pct."""
        accepted = sum(in_split("seed", f"user-{i}", pct) for i in range(100_000))
        assert abs(accepted / 1000 - pct) < 0.5

    @settings(max_examples=8, deadline=None)
    @given(
        pct=st.floats(min_value=0, max_value=100, allow_nan=False),
        seed=st.text(max_size=12),
        prefix=st.text(max_size=6),
    )
    def test_any_pct_and_seed_within_half_a_point(self, pct: float, seed: str, prefix: str) -> None:
        """For any pct, seed and key shape, 100,000 distinct keys split within 0.5 points."""
        cut = threshold(pct)
        accepted = sum(bucket(seed, f"{prefix}{i}") < cut for i in range(100_000))
        assert abs(accepted / 1000 - pct) < 0.5

    def test_same_seed_nests(self) -> None:
        """Splits sharing a seed nest: pct 20 then 25 gives 20% / 5% / 75%."""
        counts = {"A": 0, "B": 0, "C": 0}
        for i in range(100_000):
            value = f"user-{i}"
            if in_split("flag", value, 20):
                counts["A"] += 1
            elif in_split("flag", value, 25):
                counts["B"] += 1
            else:
                counts["C"] += 1
        assert abs(counts["A"] / 1000 - 20) < 0.5
        assert abs(counts["B"] / 1000 - 5) < 0.5
        assert abs(counts["C"] / 1000 - 75) < 0.5

    def test_different_seeds_are_independent(self) -> None:
        """Splits with different seeds: pct 20 then 25 of the rest gives 20% / 20% / 60%."""
        b_count = 0
        for i in range(100_000):
            value = f"user-{i}"
            if not in_split("seed_one", value, 20) and in_split("seed_two", value, 25):
                b_count += 1
        assert abs(b_count / 1000 - 20) < 0.5

"""Read counts, unknown names, strict mode and removals: the ReadLog, alone and in a client."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from appconfig_core import (
    ChangeEvent,
    FileSource,
    FlagClient,
    MissingFlag,
    StaticSource,
    UnknownFlagError,
)
from appconfig_core._evaluation import usage
from appconfig_core._evaluation.usage import ReadLog
from appconfig_core.integration import missing_signal, status_report

DOC = {"new_checkout": {"enabled": True}, "banner": {"enabled": False}, "dark": {"enabled": True}}


def warnings_about(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if f"flag {name!r} is not defined" in r.getMessage()
    ]


class TestReadLog:
    def test_counts_and_last_read_time(self) -> None:
        """Each read adds one and stamps the time of the latest tick."""
        reads = ReadLog()
        tallies = reads.tallies(["a", "b"])
        with freeze_time("2026-05-01 12:00:00"):
            reads.tick()
            tallies["a"].reads += 1
            tallies["a"].last = reads.now
        usage = reads.usage(["a", "b"], "v1")
        first = usage.flags[0]
        assert (1, datetime(2026, 5, 1, 12, tzinfo=timezone.utc)) == (first.reads, first.last_read)
        assert ("b",) == usage.never_read

    def test_missing_once_per_name_and_version(self, caplog: pytest.LogCaptureFixture) -> None:
        """A name is reported once per version, with up to three close matches, best first."""
        seen: list[MissingFlag] = []
        reads = ReadLog(label="the test", report=seen.append)
        known = ["new_checkout", "new_checkouts", "banner"]
        for version in ("1", "1", "2"):
            reads.missing("new_chekout", version, known)
        assert ["1", "2"] == [m.version for m in seen]
        assert ("new_checkout", "new_checkouts") == seen[0].suggestions
        assert 2 == len(warnings_about(caplog, "new_chekout"))

    def test_no_suggestion_for_a_name_far_from_all(self, caplog: pytest.LogCaptureFixture) -> None:
        """A name like no defined one is reported without a "did you mean"."""
        ReadLog().missing("zzz", "1", ["new_checkout"])
        [warning] = warnings_about(caplog, "zzz")
        assert "Did you mean" not in warning

    def test_strict_raises_every_time(self) -> None:
        """In strict mode each read of the name raises UnknownFlagError with its data."""
        reads = ReadLog(strict=True)
        for _ in range(2):
            with pytest.raises(UnknownFlagError) as raised:
                reads.missing("bnner", "4", ["banner"])
        assert ("bnner", "4", ("banner",)) == (
            raised.value.name,
            raised.value.version,
            raised.value.suggestions,
        )
        assert isinstance(raised.value, LookupError)

    def test_removed_names_only_flags_read(self, caplog: pytest.LogCaptureFixture) -> None:
        """removed keeps the flags this process read, and one warning names them."""
        reads = ReadLog()
        tallies = reads.tallies(["a", "b", "c"])
        tallies["a"].reads = 3
        assert frozenset({"a"}) == reads.removed(["a", "b", "c"], {"c"}, "9")
        [warning] = [r.getMessage() for r in caplog.records if "removed" in r.getMessage()]
        assert "version 9" in warning
        assert "'a'" in warning
        assert "'b'" not in warning

    def test_after_fork_starts_from_nothing(self) -> None:
        """A forked child counts from zero and reports names again (same tallies, in place)."""
        seen: list[MissingFlag] = []
        reads = ReadLog(report=seen.append)
        tally = reads.tallies(["a"])["a"]
        tally.reads = 5
        reads.missing("x", "1", ["a"])
        reads.after_fork()
        reads.missing("x", "1", ["a"])
        assert (0, 2) == (tally.reads, len(seen))


class TestBounds:
    def test_unknown_names_are_bounded(
        self, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Past MAX_UNKNOWN names, reads are neither counted nor reported, and one line says so."""
        monkeypatch.setattr(usage, "MAX_UNKNOWN", 3)
        seen: list[MissingFlag] = []
        reads = ReadLog(report=seen.append)
        reads.tallies(["known"])
        for n in range(10):
            reads.count(f"name{n}")
            reads.missing(f"name{n}", "1", ["known"])
        assert 3 == len(reads.usage(["known"], "1").not_in_document)
        assert 3 == len(seen)
        assert 1 == sum("no more will be" in r.getMessage() for r in caplog.records)


class TestClient:
    def test_on_missing_once_per_version(self) -> None:
        """on_missing hears each unknown name once; a known name costs nothing and says nothing."""
        seen: list[MissingFlag] = []
        with FlagClient(StaticSource(DOC)) as client:
            client.on_missing(seen.append)
            for _ in range(3):
                client.is_enabled("new_chekout")
                client.evaluate("new_chekout")
                client.view().is_enabled("new_chekout")
                client.is_enabled("banner")
        [missing] = seen
        assert ("new_chekout", ("new_checkout",), False) == (
            missing.name,
            missing.suggestions,
            missing.forced,
        )

    def test_defaults_are_known_names(self) -> None:
        """A name only the defaults define is not reported."""
        seen: list[MissingFlag] = []
        with FlagClient(StaticSource(DOC), defaults={"soon": True}) as client:
            client.on_missing(seen.append)
            assert client.is_enabled("soon") is True
        assert [] == seen

    def test_strict_only_under_an_override_by_default(self) -> None:
        """By default an unknown name raises inside override() and only warns outside it."""
        with FlagClient(StaticSource(DOC)) as client:
            with client.override({"banner": True}), pytest.raises(UnknownFlagError):
                client.is_enabled("bnner")
            assert client.is_enabled("bnner") is False
            with pytest.raises(UnknownFlagError, match="did you mean 'banner'"):
                client.override({"bnner": True}).__enter__()

    def test_strict_false_lets_an_override_force_an_unknown_name(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """With strict=False forcing an unknown name warns once and forces it."""
        seen: list[MissingFlag] = []
        with FlagClient(StaticSource(DOC), strict=False) as client:
            client.on_missing(seen.append)
            with client.override({"brand_new": True}):
                assert client.is_enabled("brand_new") is True
                assert client.is_enabled("typo") is False
        assert [("brand_new", True), ("typo", False)] == [(m.name, m.forced) for m in seen]

    def test_strict_true_raises_everywhere(self) -> None:
        """strict=True raises for an unknown name with no override in force."""
        with FlagClient(StaticSource(DOC), strict=True) as client, pytest.raises(UnknownFlagError):
            client.view().is_enabled("typo")

    def test_enabled_flags_and_usage(self) -> None:
        """enabled_flags keeps document order; usage shows reads, never-read and unknown names."""
        with FlagClient(StaticSource(DOC), strict=False) as client:
            assert ("new_checkout", "dark") == client.enabled_flags()
            client.is_enabled("new_checkout")
            client.is_enabled("ghost")
            usage = client.usage()
        reads = {flag.name: flag.reads for flag in usage.flags}
        assert {"new_checkout": 2, "banner": 1, "dark": 1, "ghost": 1} == reads
        assert ((), ("ghost",)) == (usage.never_read, usage.not_in_document)
        assert ["new_checkout", "banner", "dark", "ghost"] == list(reads)

    def test_status_reports_usage_when_asked(self) -> None:
        """report_usage adds a JSON-safe usage section to the status payload; off, none."""
        with FlagClient(StaticSource(DOC), report_usage=True) as client:
            client.is_enabled("banner")
            body = status_report(client.status).body
        assert ["new_checkout", "dark"] == body["usage"]["never_read"]
        assert 1 == body["usage"]["flags"]["banner"]["reads"]
        assert json.loads(json.dumps(body["usage"])) == body["usage"]
        with FlagClient(StaticSource(DOC)) as client:
            assert "usage" not in status_report(client.status).body

    def test_a_removed_flag_that_was_read(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A version without flags this process read still applies, warns, and names them."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(DOC))
        events: list[ChangeEvent] = []
        arrived = threading.Event()

        def on_change(event: ChangeEvent) -> None:
            events.append(event)
            arrived.set()

        with FlagClient(FileSource(path, poll_interval=0.02)) as client:
            client.is_enabled("banner")
            client.on_change(on_change)
            path.write_text(json.dumps({"new_checkout": {"enabled": True}}))
            assert arrived.wait(5.0)
            assert ("new_checkout",) == client.snapshot().flag_names
        assert frozenset({"banner"}) == events[-1].removed_in_use
        assert any(
            "'banner'" in r.getMessage() and "removed" in r.getMessage() for r in caplog.records
        )


class TestSignalArguments:
    def test_flag_missing_arguments(self) -> None:
        """The adapters' flag_missing arguments come from one place."""
        found = MissingFlag("x", "3", ("y",), forced=True)
        expected: dict[str, Any] = {
            "name": "x",
            "version": "3",
            "suggestions": ("y",),
            "forced": True,
        }
        assert expected == missing_signal(found)

from __future__ import annotations

import itertools
import logging
import threading
from pathlib import Path

import pytest

from appconfig_core import ChangeEvent, Content, FetchResult, Status
from appconfig_core._runtime.backoff import Backoff
from appconfig_core._runtime.cache import DiskCache
from appconfig_core._runtime.events import Listeners
from appconfig_core._runtime.poller import THREAD_NAME, Poller
from appconfig_core._runtime.store import Store
from appconfig_core.errors import DocumentError, FetchError
from tests.core.conftest import HangingSource, ScriptedSource, result


class Clock:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    def __init__(self, source, cache: DiskCache | None = None) -> None:  # type: ignore[no-untyped-def]
        self.clock = Clock()
        self.store = Store(format="auto", defaults=None)
        self.changes: list[ChangeEvent] = []
        self.errors: list[BaseException] = []
        self.healths: list[str] = []
        changes: Listeners[ChangeEvent] = Listeners("on_change")
        errors: Listeners[BaseException] = Listeners("on_error")
        statuses: Listeners[Status] = Listeners("on_status")
        changes.add(self.changes.append)
        errors.add(self.errors.append)
        statuses.add(lambda status: self.healths.append(status.health))
        self.poller = Poller(
            source,
            self.store,
            cache=cache,
            changes=changes,
            errors=errors,
            statuses=statuses,
            backoff=Backoff(base=1.0, rand=lambda: 1.0),
            clock=self.clock,
        )


class TestPollOnce:
    def test_new_content_is_loaded_and_announced(self) -> None:
        """New content is installed, announced to listeners, and the source's wait returned."""
        harness = Harness(ScriptedSource(result({"a": {"enabled": True}}, poll=45)))
        assert 45 == harness.poller.poll_once()
        assert harness.store.current.is_enabled("a")
        assert [frozenset({"a"})] == [event.changed for event in harness.changes]

    def test_unchanged_keeps_the_snapshot(self) -> None:
        """An "unchanged" answer keeps the snapshot and announces nothing."""
        harness = Harness(ScriptedSource(result({"a": {"enabled": True}}), FetchResult(None, 17)))
        harness.poller.poll_once()
        before = harness.store.current
        assert 17 == harness.poller.poll_once()
        assert (before, 1) == (harness.store.current, len(harness.changes))

    def test_status_listeners_hear_each_change_of_health(self) -> None:
        """A recovery that changes no flag still reaches the status listeners, once per change."""
        source = ScriptedSource(
            result({"a": {"enabled": True}}),
            FetchError("down"),
            FetchError("down"),
            FetchResult(None, 30),
            FetchResult(None, 30),
        )
        harness = Harness(source)
        for _ in range(5):
            harness.poller.poll_once()
        assert ["ok", "degraded", "ok"] == harness.healths
        assert 1 == len(harness.changes)

    def test_errors_back_off_and_success_resets(self) -> None:
        """Fetch errors wait 1, 2, 4 s (jitter at its top), and a success resets the backoff."""
        source = ScriptedSource(
            FetchError("down"),
            FetchError("down"),
            FetchError("down"),
            result({"a": {"enabled": True}}, poll=30),
            FetchError("down"),
        )
        harness = Harness(source)
        delays = [harness.poller.poll_once() for _ in range(5)]
        assert [1, 2, 4, 30, 1] == delays
        assert 4 == len(harness.errors)

    def test_retry_after_from_the_source_wins(self) -> None:
        """A source's retry_after (too early, not found) is the wait, not the backoff."""
        harness = Harness(ScriptedSource(FetchError("too early", retry_after=60)))
        assert 60 == harness.poller.poll_once()

    def test_unexpected_exception_does_not_escape(self) -> None:
        """A bug in a source is reported and backed off, never raised."""
        harness = Harness(ScriptedSource(ZeroDivisionError("bug")))
        assert 1 == harness.poller.poll_once()
        assert isinstance(harness.errors[0], ZeroDivisionError)
        assert 1 == harness.store.status().consecutive_failures

    def test_invalid_document_keeps_last_good(self) -> None:
        """An invalid document is reported and the last good snapshot stays."""
        harness = Harness(
            ScriptedSource(result({"a": {"enabled": True}}), result({"a": {"enabled": 3}}, "2"))
        )
        harness.poller.poll_once()
        harness.poller.poll_once()
        assert harness.store.current.is_enabled("a")
        assert "1" == harness.store.status().version
        assert "DocumentError" in (harness.store.status().last_error or "")

    def test_same_error_is_logged_once(self, caplog: pytest.LogCaptureFixture) -> None:
        """The same error repeated is logged once, a different one again."""
        harness = Harness(
            ScriptedSource(FetchError("down"), FetchError("down"), FetchError("other"))
        )
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            for _ in range(3):
                harness.poller.poll_once()
        assert 1 == caplog.text.count("down")
        assert 1 == caplog.text.count("other")

    def test_a_fetch_error_names_the_source_once(self, caplog: pytest.LogCaptureFixture) -> None:
        """A source's error that already starts with its name is logged without the name twice or a class name."""
        error = FetchError("scripted source: GetLatestConfiguration failed (500)")
        harness = Harness(ScriptedSource(error))
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            harness.poller.poll_once()
        assert [
            "appconfig-flags: scripted source: GetLatestConfiguration failed (500)"
        ] == caplog.messages

    def test_the_change_count_has_its_plural(self, caplog: pytest.LogCaptureFixture) -> None:
        """One changed flag is "1 flag changed", two are "2 flags changed"."""
        harness = Harness(
            ScriptedSource(
                result({"a": {"enabled": True}}),
                result(
                    {"a": {"enabled": True}, "b": {"enabled": True}, "c": {"enabled": True}}, "2"
                ),
            )
        )
        with caplog.at_level(logging.INFO, "appconfig_core"):
            harness.poller.poll_once()
            harness.poller.poll_once()
        assert [
            "appconfig-flags: loaded version 1 from scripted source (1 flag changed)",
            "appconfig-flags: loaded version 2 from scripted source (2 flags changed)",
        ] == caplog.messages

    def test_logs_never_hold_content(self, caplog: pytest.LogCaptureFixture) -> None:
        """Loading and rejecting documents never logs their values."""
        harness = Harness(
            ScriptedSource(
                result({"a": {"enabled": True, "api_key": "s3cr3t-value"}}),
                result({"a": {"enabled": "s3cr3t-value"}}, "2"),
            )
        )
        with caplog.at_level(logging.DEBUG, "appconfig_core"):
            harness.poller.poll_once()
            harness.poller.poll_once()
        assert "s3cr3t-value" not in caplog.text

    def test_good_content_is_cached(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """Content that loaded is written to the disk cache; rejected content is not."""
        cache = DiskCache(tmp_path / "c", "scripted source")
        harness = Harness(
            ScriptedSource(result({"a": {"enabled": True}}), result({"a": {"enabled": 1}}, "2")),
            cache,
        )
        harness.poller.poll_once()
        harness.poller.poll_once()
        cached = cache.read()
        assert cached is not None and "1" == cached.content.version

    def test_listener_that_raises_does_not_stop_others(self) -> None:
        """A change listener that raises is logged; the next listener still runs."""
        harness = Harness(ScriptedSource(result({"a": {"enabled": True}})))
        seen: list[ChangeEvent] = []
        changes: Listeners[ChangeEvent] = Listeners("on_change")
        changes.add(lambda event: 1 / 0)
        changes.add(seen.append)
        harness.poller._changes = changes
        harness.poller.poll_once()
        assert 1 == len(seen)


class TestThread:
    def test_runs_on_a_named_daemon_thread_and_stops_at_once(self) -> None:
        """The loop runs on a daemon thread named after the library and stop() ends its wait."""
        harness = Harness(ScriptedSource(result({"a": {"enabled": True}}, poll=3600)))
        harness.poller.start()
        assert harness.poller.attempted.wait(5)
        thread = harness.poller._thread
        assert thread is not None and thread.daemon and THREAD_NAME == thread.name
        assert harness.poller.stop(timeout=2)

    def test_stop_is_bounded_while_a_fetch_hangs(self) -> None:
        """stop() returns within its timeout even when the fetch never returns."""
        source = HangingSource()
        harness = Harness(source)
        harness.poller.start()
        assert source.entered.wait(5)
        assert not harness.poller.stop(timeout=0.2)
        source.release.set()


class SessionSource:
    """AppConfigData's contract in miniature: a fresh session sends the document, then "unchanged"."""

    description = "session source"

    def __init__(self, clock: Clock, document: object) -> None:
        self.clock = clock
        self.document = document
        self.fresh = True
        self.full_answers: list[float] = []

    def deploy(self, document: object) -> None:
        self.document = document
        self.fresh = True

    def fetch(self) -> FetchResult:
        if not self.fresh:
            return FetchResult(None, 10)
        self.fresh = False
        self.full_answers.append(self.clock.now)
        return result(self.document, str(len(self.full_answers)), poll=10)

    def reset(self) -> None:
        self.fresh = True

    def close(self) -> None:
        pass


class TestRejectedContent:
    def test_rejected_content_is_downloaded_again_with_bounded_backoff(self) -> None:
        """A rejected document comes again through a fresh session at once, then 2, 4, 8... intervals apart (at most 900 s) while it stays the same."""
        harness = Harness(None)
        source = SessionSource(harness.clock, {"a": {"enabled": True}})
        harness.poller._source = source
        harness.poller.poll_once()
        source.deploy({"a": {"enabled": "x"}})
        for _ in range(400):
            harness.poller.poll_once()
            harness.clock.now += 10
        gaps = [b - a for a, b in itertools.pairwise(source.full_answers[1:])]
        assert [10, 20, 40, 80, 160, 320, 640, 900, 900] == gaps[:9]
        assert "1" == harness.store.status().version

    def test_a_new_deployment_during_the_backoff_loads_at_the_next_poll(self) -> None:
        """While a rejected document waits for its next download, the session still polls and a new version loads within one interval."""
        harness = Harness(None)
        source = SessionSource(harness.clock, {"a": {"enabled": True}})
        harness.poller._source = source
        harness.poller.poll_once()
        source.deploy({"a": {"enabled": "x"}})
        for _ in range(6):
            harness.poller.poll_once()
            harness.clock.now += 10
        source.deploy({"a": {"enabled": False}})
        harness.poller.poll_once()
        status = harness.store.status()
        assert (None, False) == (status.rejected, harness.store.current.is_enabled("a"))

    def test_two_identical_corrupt_answers_do_not_pin_the_old_version(self) -> None:
        """The same garbage twice (a proxy's error page), then the deployed version: it loads at the next fresh session."""
        garbage = FetchResult(Content(b"<html>502</html>", None, "2"), 10)
        harness = Harness(None)
        source = ScriptedSource(result({"a": {"enabled": True}}, poll=10), garbage, garbage)
        harness.poller._source = source
        for _ in range(3):
            harness.poller.poll_once()
            harness.clock.now += 10
        assert "2" == harness.store.status().rejected.version  # type: ignore[union-attr]
        source.outcomes = [FetchResult(None, 10)] * 1  # the session: nothing new
        harness.poller.poll_once()
        assert 1 == source.resets
        harness.clock.now += 10
        source.outcomes = [result({"a": {"enabled": False}}, "2", poll=10)]
        harness.poller.poll_once()
        assert (2, "2", None) == (
            source.resets,
            harness.store.status().version,
            harness.store.status().rejected,
        )

    def test_a_rejection_is_logged_once_naming_the_source_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """One WARNING for a rejected version however often it comes back, naming the source and the version kept."""
        bad = result([], "2")
        harness = Harness(
            ScriptedSource(result({"a": {"enabled": True}}), bad, FetchResult(None, 30), bad)
        )
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            for _ in range(4):
                harness.poller.poll_once()
        (record,) = caplog.records
        assert record.getMessage().startswith(
            "appconfig-flags: scripted source: version 2 rejected: it has no flags:"
        )
        assert record.getMessage().endswith("; still serving version 1")
        assert 1 == record.getMessage().count("scripted source")

    def test_unchanged_after_a_rejection_keeps_the_error(self) -> None:
        """After a rejected document, "unchanged" answers do not make the status look healthy."""
        source = ScriptedSource(
            result({"a": {"enabled": True}}),
            result({"a": {"enabled": "x"}}, "2"),
            FetchResult(None, 30),
        )
        harness = Harness(source)
        for _ in range(3):
            harness.poller.poll_once()
        status = harness.store.status()
        assert ("1", 0) == (status.version, status.consecutive_failures)
        assert "DocumentError" in (status.last_error or "")

    def test_a_good_document_clears_the_rejection(self) -> None:
        """The next valid document clears the error."""
        source = ScriptedSource(
            result({"a": {"enabled": "x"}}, "1"),
            result({"a": {"enabled": False}}, "2"),
            FetchResult(None, 30),
        )
        harness = Harness(source)
        for _ in range(3):
            harness.poller.poll_once()
        assert (None, "2") == (harness.store.status().last_error, harness.store.status().version)


class TestRobustness:
    def test_backoff_cap_is_the_poll_interval_when_longer(self) -> None:
        """After a source asked for 300 s between polls, error retries grow up to 300 s, not 60."""
        source = ScriptedSource(
            result({"a": {"enabled": True}}, poll=300), *[FetchError("down")] * 12
        )
        harness = Harness(source)
        delays = [harness.poller.poll_once() for _ in range(13)]
        assert 300 == max(delays[1:])

    def test_compiler_crash_is_a_reported_rejection(self, caplog: pytest.LogCaptureFixture) -> None:
        """A compiler that raises unexpectedly keeps the snapshot and reports a DocumentError, without content."""
        harness = Harness(
            ScriptedSource(result({"a": {"enabled": True}}), result({"a": {"enabled": False}}, "2"))
        )
        harness.poller.poll_once()

        def crash(content: object, **kwargs: object) -> None:
            raise KeyError("s3cr3t-value")

        harness.store.compile = crash  # type: ignore[method-assign, assignment]
        with caplog.at_level(logging.INFO, "appconfig_core"):
            assert 30 == harness.poller.poll_once()
        assert harness.store.current.is_enabled("a")
        assert isinstance(harness.errors[-1], DocumentError)
        assert "KeyError" in (harness.store.status().last_error or "")
        assert "s3cr3t-value" not in caplog.text


class TestThreadSurvives:
    def test_a_tick_that_raises_does_not_kill_the_thread(self) -> None:
        """An exception escaping one tick is logged, backed off, and the loop polls again."""
        harness = Harness(ScriptedSource())
        harness.poller._backoff = Backoff(base=0.001, rand=lambda: 1.0)
        second = threading.Event()
        calls: list[int] = []

        def tick() -> float:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("bug")
            second.set()
            return 3600.0

        harness.poller.poll_once = tick  # type: ignore[method-assign]
        harness.poller.start()
        assert second.wait(5)
        assert harness.poller.stop(timeout=2)


class TestBackoffBeforeFirstAnswer:
    def test_cap_uses_the_interval_the_source_asked_for(self) -> None:
        """Before any answer, the backoff cap is the source's requested interval when larger than 60 s."""
        source = ScriptedSource(*[FetchError("down")] * 12)
        source.poll_interval = 300  # type: ignore[attr-defined]
        harness = Harness(source)
        delays = [harness.poller.poll_once() for _ in range(12)]
        assert 300 == max(delays)


TROUBLESHOOTING = Path(__file__).resolve().parents[3] / "docs" / "troubleshooting.md"


class TestTroubleshootingShowsTheRealMessages:
    def test_rejection_messages_are_quoted_verbatim(self, caplog: pytest.LogCaptureFixture) -> None:
        """The reasons docs/troubleshooting.md quotes for flagless versions are the ones the poller logs."""
        docs = TROUBLESHOOTING.read_text()
        source = ScriptedSource(
            result({"a": {"enabled": True}}), result([], "2"), result({"a": {"default": True}}, "3")
        )
        source.description = "AppConfig shop/prod/flags"
        harness = Harness(source)
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            for _ in range(3):
                harness.poller.poll_once()
        no_flags, other_format = caplog.messages
        prefix = "appconfig-flags: AppConfig shop/prod/flags: version 2 rejected: "
        assert no_flags.startswith(prefix) and no_flags.endswith("; still serving version 1")
        assert f"`{no_flags[len(prefix) : -len('; still serving version 1')]}`" in docs
        reason = other_format.split("version 3 rejected: ", 1)[1]
        assert f"`{reason.split('. Deploy')[0]}. ...`" in docs

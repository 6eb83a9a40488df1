from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from appconfig_core import (
    ChangeEvent,
    ConfigurationError,
    FetchResult,
    FileSource,
    FlagClient,
    StaticSource,
)
from appconfig_core._runtime.cache import DiskCache
from appconfig_core.errors import FetchError
from tests.core.conftest import HangingSource, ScriptedSource, content, result

DOC = {"beta": {"enabled": True, "color": "red"}, "off": {"enabled": False}}


class CountingFileSource(FileSource):
    """A file source that counts resets: a forked child must drop the parent's session."""

    resets = 0

    def reset(self) -> None:
        self.resets += 1
        super().reset()


class TestConstruction:
    def test_rejects_a_non_source(self) -> None:
        """Passing something that is not a source says what to pass."""
        with pytest.raises(ConfigurationError, match="source must be a source object"):
            FlagClient({"beta": True})  # type: ignore[arg-type]

    def test_rejects_unknown_format(self) -> None:
        """An unknown format is refused at construction."""
        with pytest.raises(ConfigurationError, match="format must be one of"):
            FlagClient(StaticSource({}), format="xml")

    def test_rejects_negative_start_timeout(self) -> None:
        """A negative start timeout is refused at construction."""
        with pytest.raises(ConfigurationError, match="start_timeout"):
            FlagClient(StaticSource({}), start_timeout=-1)


class TestLifecycle:
    def test_start_loads_and_reads(self) -> None:
        """start() returns True once a document is loaded and reads answer from it."""
        with FlagClient(StaticSource(DOC)) as client:
            assert client.status.ready
            assert client.is_enabled("beta")
            assert "red" == client.evaluate("beta").attributes["color"]

    def test_start_is_idempotent(self) -> None:
        """A second start() neither starts a second poller nor fetches again at once."""
        source = ScriptedSource(result(DOC))
        client = FlagClient(source)
        assert client.start()
        poller = client._poller
        assert client.start()
        assert poller is client._poller
        assert 1 == source.calls
        client.close()

    def test_close_is_idempotent_and_safe_unstarted(self) -> None:
        """close() twice, or without start(), does nothing harmful."""
        client = FlagClient(StaticSource(DOC))
        client.close()
        client.close()

    def test_start_is_bounded_when_the_source_hangs(self) -> None:
        """start() returns after start_timeout when the source never answers, with defaults."""
        source = HangingSource()
        client = FlagClient(source, start_timeout=0.2, defaults={"beta": True})
        began = time.monotonic()
        assert client.start() is False
        assert time.monotonic() - began < 2
        assert client.is_enabled("beta")
        assert "defaults" == client.status.origin
        client.close(timeout=0.2)
        source.release.set()

    def test_serving_defaults_after_start_is_one_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """start() returning with defaults (hanging source, no cache) logs one WARNING naming the source and the wait."""
        source = HangingSource()
        client = FlagClient(source, start_timeout=0.2)
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert client.start() is False
        # Only this thread's records: pollers of earlier tests may still be winding down.
        (record,) = [r for r in caplog.records if r.thread == threading.get_ident()]
        source.release.set()
        client.close(timeout=2)
        assert "WARNING" == record.levelname
        assert (
            "appconfig-flags: hanging source did not answer within 0.2s and no cache_path is"
            " set; serving the defaults until a document loads"
        ) == record.getMessage()

    def test_a_failed_first_fetch_also_warns_about_defaults(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """When the first fetch fails fast and no cache helps, start() says the defaults now answer."""
        client = FlagClient(ScriptedSource(FetchError("down")), start_timeout=30)
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert client.start() is False
        (message,) = [r.getMessage() for r in caplog.records if r.thread == threading.get_ident()]
        client.close()
        assert re.fullmatch(
            r"appconfig-flags: scripted source gave no usable document within \d+\.\ds and no"
            r" cache_path is set; serving the defaults until a document loads",
            message,
        )

    def test_close_is_bounded_while_a_fetch_hangs(self) -> None:
        """close(timeout) returns in about its timeout even though the fetch is stuck."""
        source = HangingSource()
        client = FlagClient(source, start_timeout=0)
        client.start()
        assert source.entered.wait(5)
        began = time.monotonic()
        client.close(timeout=0.3)
        assert time.monotonic() - began < 2
        source.release.set()

    def test_source_outage_falls_back_to_the_cache(self, tmp_path: Path) -> None:
        """When the source fails at start, the disk cache is served with origin "cache"."""
        cache_path = tmp_path / "flags.cache"
        DiskCache(cache_path, "scripted source").write(content(DOC, "41"))
        client = FlagClient(
            ScriptedSource(FetchError("down")), cache_path=cache_path, start_timeout=5
        )
        began = time.monotonic()
        assert client.start()
        assert time.monotonic() - began < 2, "a quick failure does not wait for start_timeout"
        assert ("cache", "41", True) == (
            client.status.origin,
            client.status.version,
            client.is_enabled("beta"),
        )
        client.close()

    def test_network_replaces_the_cache_when_it_returns(self, tmp_path: Path) -> None:
        """After serving the cache, the first network document takes over."""
        cache_path = tmp_path / "flags.cache"
        DiskCache(cache_path, "scripted source").write(content(DOC, "41"))
        arrived = threading.Event()
        source = ScriptedSource(FetchError("down"), result({"beta": {"enabled": False}}, "42"))
        source.outcomes[0] = FetchError("down", retry_after=0.01)
        client = FlagClient(source, cache_path=cache_path)
        client.on_change(lambda event: arrived.set() if event.new.version == "42" else None)
        client.start()
        assert arrived.wait(5)
        assert ("network", False) == (client.status.origin, client.is_enabled("beta"))
        client.close()

    def test_network_answer_during_the_cache_read_wins(self, tmp_path: Path) -> None:
        """When the network document lands while start() reads the cache, the cache is not installed over it."""
        cache_path = tmp_path / "flags.cache"
        DiskCache(cache_path, "slow source").write(content(DOC, "old"))
        release = threading.Event()
        loaded = threading.Event()

        class SlowSource(ScriptedSource):
            description = "slow source"

            def fetch(self) -> FetchResult:
                release.wait(5)
                return super().fetch()

        client = FlagClient(
            SlowSource(result({"beta": {"enabled": False}}, "new")),
            cache_path=cache_path,
            start_timeout=0.05,
        )
        client.on_change(lambda event: loaded.set())
        cache = client._cache
        assert cache is not None
        read = cache.read

        starter = threading.current_thread()

        def read_while_the_network_lands() -> object:
            cached = read()
            if threading.current_thread() is starter:  # the poller reads it too, for lineage
                release.set()
                assert loaded.wait(5)
            return cached

        cache.read = read_while_the_network_lands  # type: ignore[method-assign]
        client.start()
        assert ("network", "new", False) == (
            client.status.origin,
            client.status.version,
            client.is_enabled("beta"),
        )
        client.close()

    def test_closed_client_cannot_restart(self) -> None:
        """start() after close() says to make a new client."""
        client = FlagClient(StaticSource(DOC))
        client.close()
        with pytest.raises(ConfigurationError, match="closed"):
            client.start()


class TestOrigin:
    def test_origin_names_what_served_the_flags(self, tmp_path: Path) -> None:
        """A file says "file", a static document "static", a network source "network"."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(DOC))
        for source, origin in (
            (FileSource(path), "file"),
            (StaticSource(DOC), "static"),
            (ScriptedSource(result(DOC)), "network"),
        ):
            with FlagClient(source) as client:
                assert (True, origin) == (client.status.ready, client.status.origin)


class TestListenersAndOverrides:
    def test_on_change_reports_changed_flags_and_unsubscribes(self) -> None:
        """on_change receives each swap with the changed flags until unsubscribed."""
        source = StaticSource(DOC, poll_interval=0.01)
        events: list[ChangeEvent] = []
        second = threading.Event()
        client = FlagClient(source)
        unsubscribe = client.on_change(
            lambda e: (events.append(e), second.set() if len(events) == 2 else None)
        )
        client.start()
        source.update({**DOC, "off": {"enabled": True}})
        assert second.wait(5)
        unsubscribe()
        assert [frozenset({"beta", "off"}), frozenset({"off"})] == [e.changed for e in events]
        assert [("off", False, True)] == [
            (name, old.enabled, new.enabled)
            for name, old, new in events[1].flag_changes()
            if old and new
        ]
        client.close()

    def test_on_error_reports_failures(self) -> None:
        """on_error receives fetch failures."""
        errors: list[BaseException] = []
        failed = threading.Event()
        client = FlagClient(ScriptedSource(FetchError("down")), start_timeout=5)
        client.on_error(lambda exc: (errors.append(exc), failed.set()))
        client.start()
        assert failed.wait(5)
        assert "down" == str(errors[0])
        client.close()

    def test_override_nests_and_restores(self) -> None:
        """Overrides apply to every read, nest, and restore the document's values on exit."""
        with FlagClient(StaticSource(DOC), strict=False) as client:  # "new" is not in DOC
            with client.override({"beta": False, "new": True}):
                assert (False, True) == (client.is_enabled("beta"), client.is_enabled("new"))
                with client.override({"beta": {"enabled": True, "color": "blue"}}):
                    assert "blue" == client.evaluate("beta").attributes["color"]
                assert client.is_enabled("beta") is False
            assert (True, False) == (client.is_enabled("beta"), client.is_enabled("new"))


def assert_child_follows_a_flip(client: FlagClient, source: CountingFileSource, path: Path) -> None:
    """Fork; the child must serve the parent's snapshot with a fresh session, then see a flip made after the fork."""
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(ready_r)
            os.close(done_r)
            seen = threading.Event()
            client.on_change(lambda e: seen.set() if e.new.is_enabled("beta") else None)
            served_before = client.is_enabled("beta") is False and source.resets == 1
            os.write(ready_w, b"r")
            code = 0 if served_before and seen.wait(10) and client.is_enabled("beta") else 3
            os.write(done_w, b"%d" % code)
        finally:
            os._exit(code)
    os.close(ready_w)
    os.close(done_w)
    assert b"r" == os.read(ready_r, 1)
    path.write_text(json.dumps({"beta": {"enabled": True}}))
    _, status = os.waitpid(pid, 0)
    assert b"0" == os.read(done_r, 1)
    assert 0 == os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
class TestFork:
    @pytest.fixture(name="forkable")
    def _forkable(self, tmp_path: Path) -> Iterator[tuple[FlagClient, CountingFileSource, Path]]:
        path = tmp_path / "flags.json"
        path.write_text(json.dumps({"beta": {"enabled": False}}))
        source = CountingFileSource(path, poll_interval=0.02)
        client = FlagClient(source)
        client.start()
        yield client, source, path
        client.close()

    def test_child_sees_a_change_made_after_the_fork(
        self, forkable: tuple[FlagClient, CountingFileSource, Path]
    ) -> None:
        """A client started before fork() drops its session in the child, polls on its own and sees later edits."""
        assert_child_follows_a_flip(*forkable)

    def test_fork_without_the_hook_is_caught_by_the_pid_check(
        self, forkable: tuple[FlagClient, CountingFileSource, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A fork no at-fork hook saw (a C-level fork, as in uWSGI) is noticed on the child's first read, with the same result."""
        monkeypatch.setattr("appconfig_core._runtime.client._CLIENTS", weakref.WeakSet())
        assert_child_follows_a_flip(*forkable)
        assert 0 == forkable[1].resets, "the parent keeps its own session"

    def test_unhooked_fork_is_logged_once(
        self,
        forkable: tuple[FlagClient, CountingFileSource, Path],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Finding itself in a process no at-fork hook announced, the client says so once and starts over."""
        client, source, _ = forkable
        inherited = client._poller
        assert inherited is not None
        client._pid = -1  # as if this process were a child the hook never saw
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            client.snapshot()
            client.snapshot()
        inherited.stop(timeout=2)  # in a real child this thread would not exist
        assert 1 == caplog.text.count("forked without Python's at-fork hooks")
        assert (1, os.getpid()) == (source.resets, client._pid)


class TestTroubleshootingShowsTheRealMessages:
    def test_serving_defaults_warning_is_quoted_verbatim(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """docs/troubleshooting.md quotes the start() warning as the client logs it."""
        source = HangingSource()
        source.description = "AppConfig shop/prod/flags"
        client = FlagClient(source, start_timeout=0.2)
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            client.start()
        (message,) = [r.getMessage() for r in caplog.records if r.thread == threading.get_ident()]
        source.release.set()
        client.close(timeout=2)
        docs = (Path(__file__).resolve().parents[3] / "docs" / "troubleshooting.md").read_text()
        assert f"`{message.replace('0.2s', '5.0s')}`" in docs


class TestRestartDuringAFlaglessDeployment:
    def test_restart_keeps_the_cached_flags_and_reports_the_rejection(self, tmp_path: Path) -> None:
        """A process started while a version without flags is live serves the cached flags."""
        path, cache = tmp_path / "flags.json", tmp_path / "flags.cache"
        path.write_text(json.dumps(DOC))
        with FlagClient(FileSource(path), cache_path=cache) as first:
            assert first.is_enabled("beta")
        cached = cache.read_bytes()
        path.write_text("{}")
        with FlagClient(FileSource(path), cache_path=cache, start_timeout=2) as restarted:
            status = restarted.status
            assert (True, "cache", "degraded") == (status.ready, status.origin, status.health)
            assert status.rejected is not None
            assert "it has no flags" in status.rejected.reason
            assert restarted.is_enabled("beta")
        assert cached == cache.read_bytes()

    def test_a_fresh_process_without_a_cache_accepts_a_free_form_document(
        self, tmp_path: Path
    ) -> None:
        """With no flags served by anyone, auto still loads a free-form document."""
        path = tmp_path / "flags.json"
        path.write_text('{"log_level": "debug", "max_items": 5}')
        with FlagClient(FileSource(path), cache_path=tmp_path / "flags.cache") as client:
            assert (True, "file", None) == (
                client.status.ready,
                client.status.origin,
                client.status.rejected,
            )

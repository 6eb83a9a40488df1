"""The disk cache: what it stores, what it refuses to read, and what it cleans up."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import logging
import os
import signal
import stat
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from appconfig_core import Content, FetchResult, FlagClient
from appconfig_core._runtime.cache import MAX_FILE_BYTES, STALE_AFTER, CachedDocument, DiskCache
from appconfig_core.errors import FetchError
from appconfig_core.integration import status_report

CONTENT = Content(b'{"beta": {"enabled": true}}', "application/json", "7")
IDENTITY = {
    "source": "appconfigdata",
    "application": "shop",
    "environment": "prod",
    "profile": "flags",
    "region": "eu-west-1",
    "endpoint": "",
    "description": "AppConfig shop/prod/flags",
}
FETCHED = datetime(2026, 11, 27, 8, 30, tzinfo=timezone.utc)


class DownSource:
    """A source whose every fetch fails, as AppConfig does during an outage."""

    description = IDENTITY["description"]
    identity = IDENTITY

    def fetch(self) -> FetchResult:
        raise FetchError("AppConfig is down")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture(name="cache")
def _cache(tmp_path: Path) -> DiskCache:
    return DiskCache(tmp_path / "sub" / "flags.cache", IDENTITY)


@pytest.fixture(name="start_down")
def _start_down() -> Iterator[Callable[..., FlagClient]]:
    clients: list[FlagClient] = []

    def start(path: Path, start_timeout: float = 1.0) -> FlagClient:
        client = FlagClient(
            DownSource(), defaults={"beta": False}, cache_path=path, start_timeout=start_timeout
        )
        clients.append(client)
        client.start()
        return client

    yield start
    for client in clients:
        client.close(timeout=2)


def cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "ignoring the cache file" in r.getMessage()
    ]


def temporary(path: Path, suffix: str = "k3v9x_2a") -> Path:
    """A file named as the cache's writer names its temporary files."""
    leftover = path.parent / f".{path.name}.{suffix}"
    leftover.write_bytes(b'{"format": 2, "data": "half')
    return leftover


class TestDiskCache:
    def test_round_trip(self, cache: DiskCache) -> None:
        """What was written is read back with its content type, version, fetch time and source."""
        assert cache.write(CONTENT, fetched_at=FETCHED)
        assert CachedDocument(CONTENT, FETCHED, IDENTITY) == cache.read()

    def test_fetch_time_defaults_to_now_in_utc(self, tmp_path: Path) -> None:
        """Without a fetch time, the cache's clock (UTC) is recorded."""
        now = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
        cache = DiskCache(tmp_path / "c", IDENTITY, clock=lambda: now)
        cache.write(CONTENT)
        record = json.loads(cache.path.read_bytes())
        assert "2026-12-01T06:00:00+00:00" == record["fetched_at"]
        assert IDENTITY == record["source"]

    def test_file_is_private(self, cache: DiskCache) -> None:
        """The cache file is readable by its owner only (mode 0600)."""
        cache.write(CONTENT)
        assert 0o600 == stat.S_IMODE(cache.path.stat().st_mode)

    def test_missing_file_is_no_cache(self, cache: DiskCache) -> None:
        """No file means no cached content, and no error."""
        assert cache.read() is None

    def test_other_source_is_ignored(
        self, cache: DiskCache, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A cache written for the same profile in another region is never served, and says so."""
        cache.write(CONTENT)
        other = DiskCache(cache.path, {**IDENTITY, "region": "us-east-1"})
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert other.read() is None
        [warning] = cache_warnings(caplog)
        assert "written for another source" in warning
        assert "(region eu-west-1, not us-east-1); give each source its own cache_path" in warning

    @pytest.mark.parametrize(
        "damage",
        [
            lambda raw: raw[: len(raw) // 2],
            lambda raw: b"not json at all",
            lambda raw: raw.replace(b'"format": 2', b'"format": 99'),
            lambda raw: raw.replace(b'"fetched_at": "2026-11-27T08:30:00+00:00"', b'"x": 1'),
        ],
        ids=["truncated", "garbage", "other-format", "no-fetch-time"],
    )
    def test_damaged_file_is_ignored(
        self,
        cache: DiskCache,
        damage: Callable[[bytes], bytes],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A truncated, corrupt or foreign file is ignored with one warning."""
        cache.write(CONTENT, fetched_at=FETCHED)
        cache.path.write_bytes(damage(cache.path.read_bytes()))
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert cache.read() is None
        assert 1 == len(cache_warnings(caplog))

    def test_tampered_data_fails_the_checksum(self, cache: DiskCache) -> None:
        """Data that no longer matches its checksum is not trusted."""
        cache.write(CONTENT)
        record = json.loads(cache.path.read_bytes())
        record["data"] = "eyJiZXRhIjogZmFsc2V9"  # base64 of another document
        cache.path.write_text(json.dumps(record))
        assert cache.read() is None

    def test_failed_write_keeps_the_old_file(
        self, cache: DiskCache, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A crash between writing and renaming leaves the previous file whole and no temp file."""
        cache.write(CONTENT, fetched_at=FETCHED)

        def crash(src: str, dst: str) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", crash)
        assert not cache.write(Content(b"{}", "application/json", "8"))
        monkeypatch.undo()
        assert CachedDocument(CONTENT, FETCHED, IDENTITY) == cache.read()
        assert [cache.path.name] == os.listdir(cache.path.parent)

    def test_oversize_content_is_not_written(
        self, cache: DiskCache, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Content over the sources' 8 MB limit is never written (nor base64-inflated)."""
        big = Content(b" " * (8 * 1024 * 1024 + 1), "application/json", "9")
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert cache.write(big) is False
        assert not cache.path.exists()
        assert "larger than 8388608 bytes" in caplog.text

    def test_logs_never_hold_content(
        self, cache: DiskCache, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Warnings about a bad cache file never quote the configuration."""
        cache.path.parent.mkdir(parents=True)
        cache.path.write_text('{"format": 1, "source": "x", "data": "c2VjcmV0LXRva2Vu"}')
        with caplog.at_level(logging.DEBUG, "appconfig_core"):
            cache.read()
        assert "secret-token" not in caplog.text
        assert "c2VjcmV0LXRva2Vu" not in caplog.text


class TestOldFormat:
    def test_old_file_for_this_source_is_used_with_its_file_time(self, cache: DiskCache) -> None:
        """A cache from before fetch times were kept is used, dated by its modification time."""
        cache.path.parent.mkdir(parents=True)
        record = {
            "format": 1,
            "source": IDENTITY["description"],
            "content_type": "application/json",
            "version": "7",
            "sha256": hashlib.sha256(CONTENT.data).hexdigest(),
            "data": base64.b64encode(CONTENT.data).decode(),
        }
        cache.path.write_text(json.dumps(record))
        os.utime(cache.path, (FETCHED.timestamp(), FETCHED.timestamp()))
        assert CachedDocument(CONTENT, FETCHED, IDENTITY) == cache.read()

    def test_old_file_for_another_source_is_ignored(
        self, cache: DiskCache, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An old-format cache written for another profile is not used."""
        DiskCache(cache.path, "AppConfig shop/prod/other").write(CONTENT)
        record = json.loads(cache.path.read_bytes())
        record.update(format=1, source="AppConfig shop/prod/other")
        cache.path.write_text(json.dumps(record))
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert cache.read() is None
        assert "written for another source" in caplog.text


class TestUnsafePaths:
    @pytest.mark.timeout(20)
    def test_fifo_never_blocks_start(
        self,
        tmp_path: Path,
        start_down: Callable[..., FlagClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A FIFO at the cache path is ignored with one warning; start() returns, serving defaults."""
        path = tmp_path / "flags.cache"
        os.mkfifo(path)
        caplog.set_level(logging.WARNING, "appconfig_core")
        client = start_down(path, start_timeout=0.5)
        assert ("defaults", False) == (client.status.origin, client.is_enabled("beta"))
        [warning] = cache_warnings(caplog)
        assert "it is a FIFO (named pipe), not a regular file; remove it" in warning

    @pytest.mark.timeout(20)
    def test_symlink_to_dev_zero_is_not_followed(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A symbolic link (to /dev/zero here) is never followed, so nothing is read from it."""
        path = tmp_path / "flags.cache"
        path.symlink_to("/dev/zero")
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert DiskCache(path, IDENTITY).read() is None
        [warning] = cache_warnings(caplog)
        assert "it is a symbolic link, which the cache never follows" in warning

    def test_symlink_to_a_good_cache_is_not_followed(self, cache: DiskCache) -> None:
        """Even a link to a valid cache file is refused: the path must be the file itself."""
        cache.write(CONTENT)
        link = cache.path.parent / "link.cache"
        link.symlink_to(cache.path)
        assert DiskCache(link, IDENTITY).read() is None

    def test_directory_is_ignored(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        """A directory at the cache path is named as one, with what to do."""
        (tmp_path / "dir.cache").mkdir()
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert DiskCache(tmp_path / "dir.cache", IDENTITY).read() is None
        [warning] = cache_warnings(caplog)
        assert "it is a directory, not a regular file" in warning

    def test_oversize_file_is_not_read(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A file larger than any cache file can be is refused by its size, unread."""
        path = tmp_path / "flags.cache"
        with path.open("wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert DiskCache(path, IDENTITY).read() is None
        [warning] = cache_warnings(caplog)
        assert f"it is {MAX_FILE_BYTES + 1} bytes" in warning


class TestLeftovers:
    def test_killed_writer_leftover_is_removed_once_stale(
        self, cache: DiskCache, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A temporary file left by a writer killed with SIGKILL mid-write is removed on next use."""
        cache.write(CONTENT)
        newer = Content(b'{"beta": {"enabled": false}}' + b" " * 100_000, "application/json", "8")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child dies on purpose mid-write
            try:
                os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
                DiskCache(cache.path, IDENTITY).write(newer)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        [leftover] = [p for p in cache.path.parent.iterdir() if p.name != cache.path.name]
        assert leftover.name.startswith(".flags.cache.")

        fresh = DiskCache(cache.path, IDENTITY)
        assert fresh.read() is not None
        assert leftover.exists(), "a temporary file younger than a minute may be a live write"

        later = datetime.now(timezone.utc) + timedelta(seconds=STALE_AFTER + 1)
        with caplog.at_level(logging.INFO, "appconfig_core"):
            assert DiskCache(cache.path, IDENTITY, clock=lambda: later).read() is not None
        assert [cache.path.name] == os.listdir(cache.path.parent)
        assert "removed 1 temporary cache file left by an interrupted write" in caplog.text

    def test_locked_temporary_is_kept(self, cache: DiskCache) -> None:
        """A temporary file a live writer holds locked is never removed, however old."""
        cache.write(CONTENT)
        held = temporary(cache.path)
        later = datetime.now(timezone.utc) + timedelta(hours=1)
        with held.open("rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            DiskCache(cache.path, IDENTITY, clock=lambda: later).read()
            assert held.exists()
        DiskCache(cache.path, IDENTITY, clock=lambda: later).read()
        assert not held.exists(), "once the writer is gone it is a leftover"

    def test_only_this_caches_temporaries_are_touched(self, cache: DiskCache) -> None:
        """Files of other caches, and names that are not a writer's, stay."""
        cache.write(CONTENT)
        mine = temporary(cache.path)
        theirs = temporary(cache.path.parent / "other.cache")
        odd = temporary(cache.path, suffix="notmine-at-all")
        later = datetime.now(timezone.utc) + timedelta(hours=1)
        DiskCache(cache.path, IDENTITY, clock=lambda: later).write(CONTENT)
        assert (False, True, True) == (mine.exists(), theirs.exists(), odd.exists())


class TestFetchTimeAfterRestart:
    def test_restart_during_outage_reports_the_stored_fetch_time(
        self, tmp_path: Path, start_down: Callable[..., FlagClient]
    ) -> None:
        """Flags served from the cache carry the time they were fetched, and the health age is real."""
        path = tmp_path / "flags.cache"
        DiskCache(path, IDENTITY).write(CONTENT, fetched_at=FETCHED)
        status = start_down(path, start_timeout=0).status
        report = status_report(status, now=FETCHED + timedelta(days=3, seconds=5))
        assert ("cache", "7", FETCHED) == (status.origin, status.version, status.updated_at)
        assert "2026-11-27T08:30:00+00:00" == report.body["updated_at"]
        assert 3 * 86400 + 5 == report.body["age_seconds"]
        assert ("degraded", 200) == (report.health, report.http_status)

    def test_cache_of_another_region_is_not_served(
        self,
        tmp_path: Path,
        start_down: Callable[..., FlagClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A restart reading a cache written for another region serves defaults and warns once."""
        path = tmp_path / "flags.cache"
        DiskCache(path, {**IDENTITY, "region": "us-east-1"}).write(CONTENT)
        caplog.set_level(logging.WARNING, "appconfig_core")
        client = start_down(path, start_timeout=0)
        assert "defaults" == client.status.origin
        assert 1 == len(cache_warnings(caplog))

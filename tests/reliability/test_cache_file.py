"""The last-known-good disk cache: never trusted blindly, and never half written."""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path

import pytest

from appconfig_core import Content, FetchResult, FlagClient
from appconfig_core._runtime.cache import DiskCache
from appconfig_core.errors import FetchError

DESCRIPTION = "AppConfig shop/prod/flags"
GOOD = Content(json.dumps({"beta": {"enabled": True}}).encode(), "application/json", "7")


class DownSource:
    """A source whose every fetch fails, as AppConfig does during an outage."""

    description = DESCRIPTION

    def fetch(self) -> FetchResult:
        raise FetchError("AppConfig is down")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def start_down(cache: Path) -> FlagClient:
    client = FlagClient(DownSource(), defaults={"beta": False}, cache_path=cache, start_timeout=2)
    client.start()
    return client


def good_file(path: Path) -> bytes:
    assert DiskCache(path, DESCRIPTION).write(GOOD)
    return path.read_bytes()


def _corrupt(path: Path) -> None:
    path.write_bytes(b"\x00\xff not a cache file")


def _truncated(path: Path) -> None:
    data = good_file(path)
    path.write_bytes(data[: len(data) // 2])


def _checksum(path: Path) -> None:
    good_file(path)
    record = json.loads(path.read_text())
    record["data"] = "eyJiZXRhIjogeyJlbmFibGVkIjogZmFsc2V9fQ=="  # {"beta": {"enabled": false}}
    path.write_text(json.dumps(record))


def _other_profile(path: Path) -> None:
    assert DiskCache(path, "AppConfig shop/prod/other").write(GOOD)


def _unreadable(path: Path) -> None:
    path.mkdir()  # reading a directory fails even for root, unlike a chmod 000 file


def _wrong_format(path: Path) -> None:
    good_file(path)
    record = json.loads(path.read_text())
    record["format"] = 99
    path.write_text(json.dumps(record))


def _invalid_document(path: Path) -> None:
    bad = Content(b'{"beta": {"enabled": "yes"}}', "application/json", "8")
    assert DiskCache(path, DESCRIPTION).write(bad)


BAD_CACHES = {
    "corrupt": _corrupt,
    "truncated": _truncated,
    "checksum": _checksum,
    "other-profile": _other_profile,
    "unreadable": _unreadable,
    "wrong-format": _wrong_format,
    "invalid-document": _invalid_document,
}


class TestUntrustedCache:
    @pytest.mark.parametrize("spoil", BAD_CACHES.values(), ids=BAD_CACHES.keys())
    def test_bad_cache_is_ignored_with_a_warning(
        self, spoil: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A cache file that cannot be trusted is ignored with a warning; the code defaults answer."""
        path = tmp_path / "flags.cache"
        assert callable(spoil)
        spoil(path)
        caplog.set_level(logging.WARNING, logger="appconfig_core")
        client = start_down(path)
        try:
            assert client.status.origin == "defaults"
            assert client.status.ready is False
            assert client.is_enabled("beta") is False
        finally:
            client.close(timeout=1)
        warnings = [r for r in caplog.records if "cache file" in r.getMessage()]
        assert warnings, "the rejected cache file is named in a warning"
        assert all(r.levelno == logging.WARNING for r in warnings)

    def test_good_cache_is_used(self, tmp_path: Path) -> None:
        """The control case: an intact cache for this source answers while the source is down."""
        path = tmp_path / "flags.cache"
        good_file(path)
        client = start_down(path)
        try:
            assert client.status.origin == "cache"
            assert client.status.version == "7"
            assert client.is_enabled("beta") is True
        finally:
            client.close(timeout=1)


class TestAtomicWrite:
    def test_crash_mid_write_leaves_the_old_file(self, tmp_path: Path) -> None:
        """A process killed while writing the cache leaves the previous file whole and usable."""
        path = tmp_path / "flags.cache"
        before = good_file(path)
        newer = Content(b'{"beta": {"enabled": false}}' + b" " * 100_000, "application/json", "8")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child dies on purpose mid-write
            try:
                os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
                DiskCache(path, DESCRIPTION).write(newer)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert path.read_bytes() == before
        cached = DiskCache(path, DESCRIPTION).read()
        assert cached is not None and cached.content.version == "7"

    def test_failed_write_keeps_old_file_and_leaves_no_temporary(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A write that fails (disk full) keeps the old file and cleans up its temporary file."""
        path = tmp_path / "flags.cache"
        before = good_file(path)

        def disk_full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", disk_full)
        assert DiskCache(path, DESCRIPTION).write(GOOD) is False
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["flags.cache"]

    def test_cache_file_of_a_loaded_document_is_replaced_whole(self, tmp_path: Path) -> None:
        """Each write replaces the file (a new inode), so a reader never sees two versions mixed."""
        path = tmp_path / "flags.cache"
        good_file(path)
        inode = path.stat().st_ino
        newer = Content(b'{"beta": {"enabled": false}}', "application/json", "8")
        assert DiskCache(path, DESCRIPTION).write(newer)
        assert path.stat().st_ino != inode
        cached = DiskCache(path, DESCRIPTION).read()
        assert cached is not None and cached.content == newer

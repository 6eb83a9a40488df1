from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from appconfig_core import Content
from appconfig_core._runtime.cache import DiskCache

CONTENT = Content(b'{"beta": {"enabled": true}}', "application/json", "7")


@pytest.fixture(name="cache")
def _cache(tmp_path: Path) -> DiskCache:
    return DiskCache(tmp_path / "sub" / "flags.cache", "AppConfig shop/prod/flags")


class TestDiskCache:
    def test_round_trip(self, cache: DiskCache) -> None:
        """What was written is read back with its content type and version."""
        assert cache.write(CONTENT)
        assert CONTENT == cache.read()

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
        """A cache written for another profile is never served, and a warning says so."""
        cache.write(CONTENT)
        other = DiskCache(cache.path, "AppConfig shop/prod/other")
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert other.read() is None
        assert "written for another source" in caplog.text

    @pytest.mark.parametrize(
        "damage",
        [
            lambda raw: raw[: len(raw) // 2],
            lambda raw: b"not json at all",
            lambda raw: raw.replace(b'"format": 1', b'"format": 99'),
        ],
        ids=["truncated", "garbage", "other-format"],
    )
    def test_damaged_file_is_ignored(self, cache: DiskCache, damage, caplog) -> None:  # type: ignore[no-untyped-def]
        """A truncated, corrupt or foreign file is ignored with a warning."""
        cache.write(CONTENT)
        cache.path.write_bytes(damage(cache.path.read_bytes()))
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert cache.read() is None
        assert "ignoring the cache file" in caplog.text

    def test_tampered_data_fails_the_checksum(self, cache: DiskCache) -> None:
        """Data that no longer matches its checksum is not trusted."""
        cache.write(CONTENT)
        record = json.loads(cache.path.read_bytes())
        record["data"] = "eyJiZXRhIjogZmFsc2V9"  # base64 of another document
        cache.path.write_text(json.dumps(record))
        assert cache.read() is None

    def test_unreadable_path_is_ignored(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A path that cannot be read (here a directory) is ignored with a warning."""
        (tmp_path / "dir.cache").mkdir()
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            assert DiskCache(tmp_path / "dir.cache", "x").read() is None
        assert "cannot read the cache file" in caplog.text

    def test_failed_write_keeps_the_old_file(
        self, cache: DiskCache, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A crash between writing and renaming leaves the previous file whole and no temp file."""
        cache.write(CONTENT)

        def crash(src: str, dst: str) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", crash)
        assert not cache.write(Content(b"{}", "application/json", "8"))
        monkeypatch.undo()
        assert CONTENT == cache.read()
        assert [cache.path.name] == os.listdir(cache.path.parent)

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

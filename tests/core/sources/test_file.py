from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from appconfig_core import ConfigurationError, FileSource, FlagClient
from appconfig_core.errors import FetchError


@pytest.fixture(name="flags_file")
def _flags_file(tmp_path: Path) -> Path:
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"beta": {"enabled": True}}))
    return path


class TestFileSource:
    def test_missing_file_raises_at_construction(self, tmp_path: Path) -> None:
        """A path that is not a file is a ConfigurationError naming it."""
        with pytest.raises(ConfigurationError, match="does not exist"):
            FileSource(tmp_path / "nope.json")

    def test_reads_then_unchanged(self, flags_file: Path) -> None:
        """The first fetch reads the file; the next one, with nothing changed, does not."""
        source = FileSource(flags_file, poll_interval=3)
        first = source.fetch()
        assert first.content is not None and "application/json" == first.content.content_type
        assert (None, 3) == (source.fetch().content, source.fetch().next_poll)

    def test_change_is_noticed(self, flags_file: Path) -> None:
        """A new size or mtime with new content is new content with a new version."""
        source = FileSource(flags_file)
        first = source.fetch().content
        flags_file.write_text(json.dumps({"beta": {"enabled": False}}))
        second = source.fetch().content
        assert first is not None and second is not None and first.version != second.version

    def test_touch_without_change_is_unchanged(self, flags_file: Path) -> None:
        """A new mtime with the same bytes is not a change."""
        source = FileSource(flags_file)
        source.fetch()
        stat = flags_file.stat()
        os.utime(flags_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
        assert source.fetch().content is None

    def test_same_mtime_and_size_is_not_read(self, flags_file: Path) -> None:
        """Modification time and size are checked first: a file with both unchanged is not read again."""
        source = FileSource(flags_file)
        source.fetch()
        stat = flags_file.stat()
        flags_file.write_text(json.dumps({"beta": {"enabled": 1234}}))
        assert stat.st_size == flags_file.stat().st_size
        os.utime(flags_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert source.fetch().content is None

    def test_yaml_by_extension(self, tmp_path: Path) -> None:
        """A .yaml file is served as YAML."""
        path = tmp_path / "flags.yaml"
        path.write_text("beta:\n  enabled: true\n")
        content = FileSource(path).fetch().content
        assert content is not None and "application/x-yaml" == content.content_type

    def test_deleted_file_is_a_fetch_error(self, flags_file: Path) -> None:
        """A file removed later is a FetchError, so the last good snapshot stays."""
        source = FileSource(flags_file)
        source.fetch()
        flags_file.unlink()
        with pytest.raises(FetchError, match="cannot read"):
            source.fetch()

    def test_invalid_edit_keeps_last_good_then_recovers(self, flags_file: Path) -> None:
        """A half-written file keeps the last good flags; the finished write is picked up."""
        source = FileSource(flags_file, poll_interval=0.02)
        failed = threading.Event()
        recovered = threading.Event()
        with FlagClient(source) as client:
            client.on_error(lambda exc: failed.set())
            client.on_change(lambda e: recovered.set() if not e.new.is_enabled("beta") else None)
            flags_file.write_text('{"beta": {"enab')
            assert failed.wait(5)
            assert client.is_enabled("beta")
            flags_file.write_text(json.dumps({"beta": {"enabled": False}}))
            assert recovered.wait(5)
            assert client.is_enabled("beta") is False

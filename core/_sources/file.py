"""`FileSource`: a local JSON or YAML file, re-read when it changes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from appconfig_core.errors import ConfigurationError, FetchError

from .base import Content, FetchResult
from .content import content_type_for_path

MAX_FILE_BYTES = 8 * 1024 * 1024


class FileSource:
    """Reads ``path`` when its modification time or size changes, then compares content.

    A file caught mid-write or holding an invalid document is handed to the store, which
    rejects it and keeps the last good snapshot; the next change to the file is read again.
    The version is a short hash of the content, so it only changes when the content does.
    """

    def __init__(self, path: str | os.PathLike[str], *, poll_interval: float = 1.0) -> None:
        if poll_interval <= 0:
            raise ConfigurationError(f"poll_interval must be > 0 seconds, not {poll_interval!r}")
        self.path: Path = Path(path)
        if not self.path.is_file():
            raise ConfigurationError(
                f"the flags file {str(self.path)!r} does not exist; create it or fix the path"
            )
        self.description: str = f"file {self.path}"
        self._poll_interval = float(poll_interval)
        self._content_type = content_type_for_path(self.path.name)
        self._stat: tuple[int, int] | None = None
        self._data: bytes | None = None

    def fetch(self) -> FetchResult:
        """New content if the file changed since the last fetch, else "unchanged"."""
        try:
            info = self.path.stat()
            stat = (info.st_mtime_ns, info.st_size)
            if stat == self._stat:
                return FetchResult(None, self._poll_interval)
            if info.st_size > MAX_FILE_BYTES:
                raise FetchError(f"{self.path} is larger than {MAX_FILE_BYTES} bytes")
            data = self.path.read_bytes()
        except OSError as exc:
            raise FetchError(
                f"cannot read {self.path}: {exc.strerror or exc}", original_error=exc
            ) from None
        self._stat = stat
        if data == self._data:
            return FetchResult(None, self._poll_interval)
        self._data = data
        version = hashlib.sha256(data).hexdigest()[:12]
        return FetchResult(Content(data, self._content_type, version), self._poll_interval)

    def reset(self) -> None:
        """Read the file again on the next fetch."""
        self._stat = None
        self._data = None

    def close(self) -> None:
        """Nothing to release."""

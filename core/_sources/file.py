"""`FileSource`: a local JSON or YAML file, re-read when it changes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from appconfig_core.errors import ConfigurationError, FetchError

from .base import MAX_CONTENT_BYTES, Content, FetchResult
from .content import content_type_for_path


class FileSource:
    """Reads ``path`` when its modification time or size changes, then compares content.

    A file caught mid-write or holding an invalid document is handed to the store, which
    rejects it and keeps the last good snapshot; the next change to the file is read again.
    The version is a short hash of the content, so it only changes when the content does.
    """

    #: What `Status.origin` says when this source served the flags.
    origin = "file"

    def __init__(self, path: str | os.PathLike[str], *, poll_interval: float = 1.0) -> None:
        if poll_interval <= 0:
            raise ConfigurationError(f"poll_interval must be > 0 seconds, not {poll_interval!r}")
        self.path: Path = Path(path)
        if not self.path.is_file():
            raise ConfigurationError(
                f"the flags file {str(self.path)!r} does not exist; create it or fix the path"
            )
        self.description: str = f"file {self.path}"
        #: Where this reads from, as the disk cache records it.
        self.identity: dict[str, str] = {
            "source": "file",
            "path": os.path.abspath(self.path),
            "description": self.description,
        }
        self._poll_interval = float(poll_interval)
        self._content_type = content_type_for_path(self.path.name)
        self._stat: tuple[int, int] | None = None
        self._data: bytes | None = None

    def fetch(self) -> FetchResult:
        """New content if the file changed since the last fetch, else "unchanged"."""
        try:
            info = self.path.stat()
            signature = (info.st_mtime_ns, info.st_size)
            if signature == self._stat:
                return FetchResult(None, self._poll_interval)
            if not stat.S_ISREG(info.st_mode):
                raise FetchError(
                    f"{self.path} is not a regular file; point FILE at a JSON or YAML file"
                )
            if info.st_size > MAX_CONTENT_BYTES:
                raise FetchError(f"{self.path} is larger than {MAX_CONTENT_BYTES} bytes")
            with self.path.open("rb") as handle:
                data = handle.read(MAX_CONTENT_BYTES + 1)
            if len(data) > MAX_CONTENT_BYTES:
                raise FetchError(f"{self.path} is larger than {MAX_CONTENT_BYTES} bytes")
        except OSError as exc:
            raise FetchError(
                f"cannot read {self.path}: {exc.strerror or exc}", original_error=exc
            ) from None
        self._stat = signature
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

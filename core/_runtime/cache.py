"""The last-known-good disk cache: the raw content of the last good document.

It lets a process that starts while AppConfig is unreachable serve the flags it served
before, instead of code defaults. The file is written atomically (temporary file, then
rename) with mode 0600, and it is never trusted blindly: a file that is corrupt, truncated,
unreadable or written for another source is ignored with a warning.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from appconfig_core._sources.base import Content

log = logging.getLogger("appconfig_core")

_FORMAT = 1


class DiskCache:
    """One cache file for one source, identified by ``identity`` (the source's description)."""

    def __init__(self, path: str | os.PathLike[str], identity: str) -> None:
        self.path = Path(path)
        self.identity = identity

    def write(self, content: Content) -> bool:
        """Replace the file with ``content``; return False (and log) when it cannot."""
        record = {
            "format": _FORMAT,
            "source": self.identity,
            "content_type": content.content_type,
            "version": content.version,
            "sha256": hashlib.sha256(content.data).hexdigest(),
            "data": base64.b64encode(content.data).decode("ascii"),
        }
        payload = json.dumps(record).encode("utf-8")
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("appconfig-flags: cannot write the cache file %s: %s", self.path, exc)
            return False
        return True

    def read(self) -> Content | None:
        """The cached content, or ``None`` (with a warning saying why) when it cannot be used."""
        try:
            payload = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("appconfig-flags: cannot read the cache file %s: %s", self.path, exc)
            return None
        try:
            record = json.loads(payload)
            if not isinstance(record, dict) or record.get("format") != _FORMAT:
                self._reject("it is not an appconfig-flags cache file")
                return None
            if record.get("source") != self.identity:
                self._reject("it was written for another source")
                return None
            data = base64.b64decode(record["data"], validate=True)
            if hashlib.sha256(data).hexdigest() != record.get("sha256"):
                self._reject("its checksum does not match (truncated or corrupt)")
                return None
            content_type = record.get("content_type")
            version = record.get("version")
        except (ValueError, KeyError, TypeError, binascii.Error):
            self._reject("it is corrupt or truncated")
            return None
        return Content(
            data=data,
            content_type=content_type if isinstance(content_type, str) else None,
            version=version if isinstance(version, str) else None,
        )

    def _reject(self, why: str) -> None:
        log.warning("appconfig-flags: ignoring the cache file %s: %s", self.path, why)

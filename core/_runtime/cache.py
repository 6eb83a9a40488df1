"""The last-known-good disk cache: the raw content of the last good document, and its origin.

It lets a process that starts while AppConfig is unreachable serve the flags it served
before, instead of code defaults, and say how old they are: each file records when its
content was fetched (UTC) and from where (application, environment, profile, region and
endpoint; the agent's URL; the file's path), never a session token.

The file is written atomically (a locked temporary file, then rename) with mode 0600, and it
is never trusted blindly. It is opened without following a symbolic link and without
blocking, and read only when it is a regular file of at most `MAX_FILE_BYTES`: a FIFO, a
device, a link (to ``/dev/zero``, say), a directory, an oversize, corrupt or truncated file,
or one written for another source, is ignored with one warning saying what was found.

Temporary files of a writer killed mid-write (``kill -9``) are removed on first use of the
cache: those matching this cache's name that no live writer holds (each writer keeps an
exclusive ``flock`` on its temporary file until the rename) and that are older than
`STALE_AFTER` seconds.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from appconfig_core._evaluation.flagset import Clock, utc_now
from appconfig_core._sources.base import MAX_CONTENT_BYTES, Content

if sys.platform != "win32":
    import fcntl

log = logging.getLogger("appconfig_core")

_FORMAT = 2
_OLD_FORMAT = 1
#: The largest cache file read: the largest content, base64-encoded, plus its record.
MAX_FILE_BYTES = MAX_CONTENT_BYTES * 4 // 3 + 64 * 1024
#: A temporary file this old (in seconds) that no writer holds is a dead writer's leftover.
STALE_AFTER = 60.0
#: Windows has neither flag (nor FIFOs); there the type check after opening still holds.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

Identity = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CachedDocument:
    """What the cache file holds: the content, when it was fetched, and from which source."""

    content: Content
    fetched_at: datetime
    source: Identity


class DiskCache:
    """One cache file for one source.

    ``identity`` says where the source reads from (`source_identity`); a plain string is
    taken as the source's description. A file written for another identity is not used.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        identity: Identity | str,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.path = Path(path)
        self.identity: Identity = (
            {"description": identity} if isinstance(identity, str) else dict(identity)
        )
        self._clock = clock
        self._swept = False

    def write(self, content: Content, *, fetched_at: datetime | None = None) -> bool:
        """Replace the file with ``content`` fetched at ``fetched_at`` (now); False if it cannot."""
        self._sweep_once()
        if len(content.data) > MAX_CONTENT_BYTES:
            log.warning(
                "appconfig-flags: not caching version %s in %s: larger than %d bytes",
                content.version,
                self.path,
                MAX_CONTENT_BYTES,
            )
            return False
        record = {
            "format": _FORMAT,
            "source": dict(self.identity),
            "fetched_at": (fetched_at or self._clock()).astimezone(timezone.utc).isoformat(),
            "content_type": content.content_type,
            "version": content.version,
            "sha256": hashlib.sha256(content.data).hexdigest(),
            "data": base64.b64encode(content.data).decode("ascii"),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _replace_atomically(self.path, json.dumps(record).encode("utf-8"))
        except OSError as exc:
            log.warning("appconfig-flags: cannot write the cache file %s: %s", self.path, exc)
            return False
        return True

    def read(self) -> CachedDocument | None:
        """The cached document, or ``None`` (with one warning saying why) when it is unusable."""
        self._sweep_once()
        try:
            payload, modified = self._read_bounded()
        except _Unusable as exc:
            self._reject(str(exc))
            return None
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning(
                "appconfig-flags: cannot read the cache file %s: %s", self.path, exc.strerror or exc
            )
            return None
        try:
            return self._decode(payload, modified)
        except _Unusable as exc:
            self._reject(str(exc))
        except (ValueError, KeyError, TypeError, binascii.Error):
            self._reject("it is corrupt or truncated; it is rewritten after the next good fetch")
        return None

    def _read_bounded(self) -> tuple[bytes, datetime]:
        try:
            fd = os.open(self.path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _Unusable(
                    "it is a symbolic link, which the cache never follows; make cache_path"
                    " the path of a regular file (remove the link)"
                ) from None
            raise
        try:
            info = os.fstat(fd)
            for test, kind in _KINDS:
                if test(info.st_mode):
                    raise _Unusable(
                        f"it is {kind}, not a regular file; remove it or point cache_path at a"
                        " file path"
                    )
            if info.st_size > MAX_FILE_BYTES:
                raise _Unusable(
                    f"it is {info.st_size} bytes, more than a cache file of at most"
                    f" {MAX_FILE_BYTES} bytes can be; remove it"
                )
            payload = _read_at_most(fd, MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
        if len(payload) > MAX_FILE_BYTES:
            raise _Unusable(f"it grew past {MAX_FILE_BYTES} bytes while being read; remove it")
        return payload, datetime.fromtimestamp(info.st_mtime, timezone.utc)

    def _decode(self, payload: bytes, modified: datetime) -> CachedDocument:
        record = json.loads(payload)
        if not isinstance(record, dict) or record.get("format") not in (_FORMAT, _OLD_FORMAT):
            raise _Unusable("it is not an appconfig-flags cache file; remove it")
        source = record.get("source")
        if record["format"] == _OLD_FORMAT:
            # Written before fetch times were kept: the file's own time is the fetch's (it
            # was written right after). The next good fetch rewrites it in today's format.
            fetched_at = modified
            source = {"description": source} if isinstance(source, str) else source
            same = source == {"description": self.identity.get("description")}
        else:
            fetched_at = _parse_time(record.get("fetched_at"))
            same = source == self.identity
        if not same:
            raise _Unusable(
                f"it was written for another source ({_difference(source, self.identity)});"
                " give each source its own cache_path"
            )
        data = base64.b64decode(record["data"], validate=True)
        if hashlib.sha256(data).hexdigest() != record.get("sha256"):
            raise _Unusable(
                "its checksum does not match (truncated or corrupt); it is rewritten after the"
                " next good fetch"
            )
        content_type = record.get("content_type")
        version = record.get("version")
        return CachedDocument(
            content=Content(
                data=data,
                content_type=content_type if isinstance(content_type, str) else None,
                version=version if isinstance(version, str) else None,
            ),
            fetched_at=fetched_at,
            source=dict(self.identity),
        )

    def _reject(self, why: str) -> None:
        log.warning("appconfig-flags: ignoring the cache file %s: %s", self.path, why)

    def _sweep_once(self) -> None:
        if self._swept:
            return
        self._swept = True
        removed = sweep_temporaries(self.path, now=self._clock().timestamp())
        if removed:
            log.info(
                "appconfig-flags: removed %d temporary cache file%s left by an interrupted"
                " write (a process killed while writing %s)",
                removed,
                "" if removed == 1 else "s",
                self.path,
            )


class _Unusable(ValueError):
    """The cache file exists but cannot be used; the message says why and what to do."""


def sweep_temporaries(path: Path, *, now: float) -> int:
    """Remove dead writers' temporary files for ``path``; return how many were removed.

    A temporary file is a dead writer's when no process holds its lock and it is older than
    `STALE_AFTER` (a live writer takes the lock right after creating the file).
    """
    pattern = re.compile(re.escape(_temporary_prefix(path)) + r"[A-Za-z0-9_]{8}")
    try:
        names = [name for name in os.listdir(path.parent) if pattern.fullmatch(name)]
    except OSError:
        return 0
    removed = 0
    for name in names:
        candidate = path.parent / name
        try:
            fd = os.open(candidate, _OPEN_FLAGS)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER:
                continue
            try:
                if sys.platform != "win32":
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer holds it
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed += 1
        finally:
            os.close(fd)
    return removed


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def _replace_atomically(path: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if sys.platform != "win32":
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
            os.fchmod(handle.fileno(), 0o600)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    while limit > 0:
        chunk = os.read(fd, min(limit, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError("fetched_at missing")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("fetched_at without a time zone")
    return parsed.astimezone(timezone.utc)


def _difference(found: object, expected: Identity) -> str:
    """``region 'us-east-1', not 'eu-west-1'`` for the keys that differ (never a token)."""
    if not isinstance(found, Mapping):
        return "an unknown source"
    keys = sorted(set(found) | set(expected))
    return "; ".join(
        f"{key} {found.get(key, '')!s:.200}, not {expected.get(key, '')}"
        for key in keys
        if found.get(key) != expected.get(key)
    )

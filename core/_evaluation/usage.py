"""Reads of one client's flags in this process: how often, when last, and which were unknown.

A `ReadLog` is shared by every snapshot one client makes, so counts survive new versions.
Each name has a `Tally` made when a snapshot is built; the read of a known flag only adds
one to it and copies `ReadLog.now` into it, with no lock and no clock call. Under the GIL
each step is safe, but two threads reading the same flag at the same instant may count it
once: counts are approximate under threads (fine for statistics, wrong for billing).
``now`` is refreshed by the client at most every few milliseconds of reads and on every
`FlagClient.snapshot` (so once per request view), which bounds how stale a last-read time
can be, except for reads through a snapshot pinned for long. Everything else (a name the
document lacks, a removal, a report) is off the read path and may take the lock.
"""

from __future__ import annotations

import difflib
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from appconfig_core.errors import UnknownFlagError

from .result import FlagUsage, Usage

log = logging.getLogger("appconfig_core")

#: How many close names a report suggests, and how close they must be (difflib's ratio).
SUGGESTIONS = 3
CUTOFF = 0.6
#: At most this many unknown names are counted and reported per process: code that reads
#: names taken from requests must not grow memory or the log without bound.
MAX_UNKNOWN = 1000


@dataclass(frozen=True, slots=True)
class MissingFlag:
    """A name read (or forced by an override) that version ``version`` does not define."""

    name: str
    version: str | None
    suggestions: tuple[str, ...]
    #: True when a test override forced the name, False when code read it.
    forced: bool = False


def _at(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, timezone.utc)


def suggest(name: str, known: Iterable[str]) -> tuple[str, ...]:
    """The defined names closest to ``name``, best first (difflib's ratio, at least 0.6)."""
    return tuple(difflib.get_close_matches(name, list(known), n=SUGGESTIONS, cutoff=CUTOFF))


class Tally:
    """One name's reads: how many, and `ReadLog.now` at the last one (0.0: never)."""

    __slots__ = ("last", "reads")

    def __init__(self) -> None:
        self.reads = 0
        self.last = 0.0


class ReadLog:
    """Counts reads per name and reports unknown names once per name and version.

    ``counts`` and ``last`` are the dicts snapshots write on every read. ``strict`` makes an
    unknown name raise `UnknownFlagError` instead of being reported; the client keeps it
    up to date (its setting, or a test override in force). ``report`` receives each
    `MissingFlag` after the warning is logged (the client's ``on_missing`` listeners).
    """

    __slots__ = (
        "_cap",
        "_label",
        "_lock",
        "_report",
        "_reported",
        "_tallies",
        "now",
        "since",
        "strict",
    )

    def __init__(
        self,
        *,
        label: str = "the document",
        report: Callable[[MissingFlag], object] | None = None,
        strict: bool = False,
    ) -> None:
        self._tallies: dict[str, Tally] = {}
        #: Tallies stop being made past this many names (known ones, then MAX_UNKNOWN more).
        self._cap = MAX_UNKNOWN
        self.since: float = time.time()
        self.now: float = self.since
        self.strict: bool = strict
        self._label = label
        self._report = report
        self._reported: set[tuple[str | None, str]] = set()
        self._lock = threading.Lock()

    def tick(self) -> None:
        """Take the time reads are stamped with from now on."""
        self.now = time.time()

    def tallies(self, names: Iterable[str]) -> dict[str, Tally]:
        """The tallies of ``names`` (made for the new ones), for a snapshot to write into."""
        tallies = self._tallies
        with self._lock:
            made = {name: tallies.get(name) or tallies.setdefault(name, Tally()) for name in names}
            self._cap = max(self._cap, len(made) + MAX_UNKNOWN)
            return made

    def count(self, name: str) -> None:
        """Count a read of ``name``, a name no snapshot had a tally for (the miss path)."""
        tally = self._tallies.get(name)
        if tally is None:
            if len(self._tallies) >= self._cap:
                return
            tally = self.tallies((name,))[name]
        tally.reads += 1
        tally.last = self.now

    def missing(
        self,
        name: str,
        version: str | None,
        known: Collection[str],
        *,
        strict: bool | None = None,
        forced: bool = False,
    ) -> None:
        """``name`` was read (or ``forced``) but only ``known`` are defined in ``version``.

        Raises `UnknownFlagError` when strict (``strict``, else the log's own setting);
        otherwise logs one warning and reports once per ``(version, name)``.
        """
        if strict if strict is not None else self.strict:
            raise UnknownFlagError(name, version=version, suggestions=suggest(name, known))
        key = (version, name)
        if key in self._reported:
            return
        with self._lock:
            if key in self._reported or len(self._reported) > MAX_UNKNOWN:
                return
            self._reported.add(key)
            full = len(self._reported) > MAX_UNKNOWN
        if full:
            log.warning(
                "appconfig-flags: %d unknown flag names were reported; no more will be until"
                " the process restarts (is code reading names taken from requests?)",
                MAX_UNKNOWN,
            )
            return
        suggestions = suggest(name, known)
        hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        log.warning(
            "appconfig-flags: flag %r is not defined in version %s of %s; %s.%s",
            name,
            version or "-",
            self._label,
            "the override forces it anyway" if forced else "reads answer their default",
            hint,
        )
        if self._report is not None:
            self._report(MissingFlag(name, version, suggestions, forced))

    def removed(
        self, old: Iterable[str], new: Collection[str], version: str | None
    ) -> frozenset[str]:
        """The flags of ``old`` that ``new`` (version ``version``) lacks and this process read.

        Logs one warning naming them: the version still applies (AppConfig is the source of
        truth), but the code reading them now gets its defaults.
        """
        tallies = self._tallies
        gone = [name for name in old if name not in new and name in tallies and tallies[name].reads]
        if gone:
            log.warning(
                "appconfig-flags: version %s of %s removed %d flag(s) this process has read"
                " since it started: %s; those reads now answer their default",
                version or "-",
                self._label,
                len(gone),
                ", ".join(repr(name) for name in gone),
            )
        return frozenset(gone)

    def usage(self, names: Iterable[str], version: str | None) -> Usage:
        """The reads so far against the document flags ``names`` (in document order)."""
        seen = {name: (t.reads, t.last) for name, t in list(self._tallies.items()) if t.reads}
        defined = list(names)
        document = set(defined)
        others = sorted(name for name in seen if name not in document)
        flags = tuple(
            FlagUsage(name, reads, _at(last) if reads else None)
            for name in [*defined, *others]
            for reads, last in [seen.get(name, (0, 0.0))]
        )
        return Usage(
            since=_at(self.since),
            version=version,
            flags=flags,
            never_read=tuple(name for name in defined if name not in seen),
            not_in_document=tuple(others),
        )

    def after_fork(self) -> None:
        """In a forked child: a new process starts counting, and reporting, from nothing."""
        for tally in list(self._tallies.values()):  # in place: snapshots hold these tallies
            tally.reads, tally.last = 0, 0.0
        self.since = self.now = time.time()
        self._reported = set()
        self._lock = threading.Lock()


__all__ = ["MissingFlag", "ReadLog", "Tally", "suggest"]

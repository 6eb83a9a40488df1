"""The immutable view of one loaded configuration that every read goes through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from appconfig_core.errors import ConfigurationError

from .flag import StaticFlag
from .flagset import CompiledFlag, FlagSet
from .metadata import FlagInfo
from .result import (
    DEFAULT,
    EMPTY_MAPPING,
    ERROR,
    FLAG_NOT_FOUND,
    GENERAL,
    PROVIDER_NOT_READY,
    Evaluation,
)
from .usage import ReadLog, Tally

INVALID_CONTEXT = "INVALID_CONTEXT"


def compile_defaults(defaults: Mapping[str, Any] | None) -> dict[str, CompiledFlag]:
    """Turn the client's ``defaults`` into flags answering with reason ``DEFAULT``.

    A default is a bool, or an object in the retrieval form (``{"enabled": true, "x": 1}``)
    so that code defaults can carry attributes too.
    """
    compiled: dict[str, CompiledFlag] = {}
    for name, value in (defaults or {}).items():
        if isinstance(value, bool):
            compiled[name] = StaticFlag(name, value, reason=DEFAULT, definition=value)
        elif isinstance(value, Mapping) and isinstance(value.get("enabled"), bool):
            attributes = {k: v for k, v in value.items() if k != "enabled"}
            compiled[name] = StaticFlag(
                name,
                value["enabled"],
                attributes=attributes,
                reason=DEFAULT,
                definition=dict(value),
            )
        else:
            raise ConfigurationError(
                f"defaults[{name!r}] must be true/false or an object with a boolean"
                f' "enabled", not {type(value).__name__}'
            )
    return compiled


class Snapshot:
    """One configuration version, compiled; safe to share between threads without locks.

    ``document`` is the parsed payload (``None`` before anything was loaded). Flags the
    document lacks answer from the client's defaults, then from the caller's ``default``.

    With a ``reads`` log (the client's), every `is_enabled` and `evaluate` counts the read,
    and a name that neither the document nor the defaults define is reported to it, once
    a document with flags is loaded. ``own_names`` are the names the document itself
    defines when ``flags`` has test overrides laid over it (default: every flag).
    """

    __slots__ = (
        "_clock",
        "_entries",
        "_flags",
        "_judged",
        "_lookup",
        "_names",
        "_own",
        "_reads",
        "_tallies",
        "content_type",
        "document",
        "loaded_at",
        "version",
    )

    def __init__(
        self,
        *,
        document: Any,
        flags: FlagSet,
        defaults: Mapping[str, CompiledFlag],
        version: str | None,
        content_type: str | None,
        loaded_at: datetime | None,
        reads: ReadLog | None = None,
        own_names: Iterable[str] | None = None,
    ) -> None:
        self.document: Any = document
        self.version: str | None = version
        self.content_type: str | None = content_type
        self.loaded_at: datetime | None = loaded_at
        self._flags = flags
        self._lookup: dict[str, CompiledFlag] = {**defaults, **flags}
        self._names: tuple[str, ...] = tuple(flags)
        self._own: tuple[str, ...] = self._names if own_names is None else tuple(own_names)
        self._reads = reads
        self._tallies: dict[str, Tally] = (
            {name: Tally() for name in self._lookup}
            if reads is None
            else reads.tallies(self._lookup)
        )
        #: The read path's one lookup: each name's flag with its tally (a throwaway one when
        #: nothing counts), and where the time stamped on a read comes from.
        self._entries = {name: (flag, self._tallies[name]) for name, flag in self._lookup.items()}
        self._clock = reads if reads is not None else ReadLog()
        self._judged = reads is not None and loaded_at is not None and bool(self._own)

    @property
    def loaded(self) -> bool:
        """Whether this snapshot holds a document (and not only the code defaults)."""
        return self.loaded_at is not None

    @property
    def flag_names(self) -> tuple[str, ...]:
        """The names of the flags the document defines, in the document's order.

        A tuple since version 0.2 (a frozenset before, in no stable order); test overrides
        of names the document lacks come last.
        """
        return self._names

    @property
    def flags(self) -> tuple[FlagInfo, ...]:
        """What the document declares about each of its flags, in the document's order.

        Name, display name, description, deprecation and attribute definitions (the
        AppConfig stored form declares them; other formats give names only).
        """
        return tuple(self._info(name, flag) for name, flag in self._flags.items())

    def flag(self, name: str) -> FlagInfo | None:
        """What the document declares about flag ``name`` (``None`` when it lacks it)."""
        flag = self._flags.get(name)
        return None if flag is None else self._info(name, flag)

    @staticmethod
    def _info(name: str, flag: CompiledFlag) -> FlagInfo:
        info = getattr(flag, "info", None)
        return info if isinstance(info, FlagInfo) else FlagInfo(name)

    def definition(self, name: str) -> Any:
        """The document's definition of flag ``name`` (``None`` when it has none)."""
        flag = self._flags.get(name)
        return None if flag is None else flag.definition

    def is_enabled(
        self, name: str, context: Mapping[str, Any] | None = None, default: bool = False
    ) -> bool:
        """Whether flag ``name`` is on for ``context``; ``default`` when it cannot say."""
        entry = self._entries.get(name)
        if entry is None:
            if self._reads is not None:
                self._missing(name)
            return default
        flag, tally = entry
        tally.reads += 1
        tally.last = self._clock.now
        if context is None:
            context = EMPTY_MAPPING
        elif type(context) is not dict and not isinstance(context, Mapping):
            return default
        try:
            return flag.is_enabled(context)
        except Exception:  # noqa: BLE001 - evaluation never raises; compiled flags should not either
            return default

    def evaluate(self, name: str, context: Mapping[str, Any] | None = None) -> Evaluation:
        """The full evaluation of flag ``name`` for ``context``; never raises."""
        tally = self._tallies.get(name)
        if tally is not None:
            tally.reads += 1
            tally.last = self._clock.now
        elif self._reads is not None:
            self._missing(name)
        return self.peek(name, context)

    def peek(self, name: str, context: Mapping[str, Any] | None = None) -> Evaluation:
        """`evaluate` without counting a read or reporting an unknown name.

        For tools that look at flags without the application reading them: change
        signals, debug panels, command lines.
        """
        flag = self._lookup.get(name)
        if flag is None:
            code = FLAG_NOT_FOUND if self.loaded else PROVIDER_NOT_READY
            return Evaluation(name, False, False, reason=ERROR, error=code, version=self.version)
        if context is None:
            context = EMPTY_MAPPING
        elif type(context) is not dict and not isinstance(context, Mapping):
            return Evaluation(
                name, False, False, reason=ERROR, error=INVALID_CONTEXT, version=self.version
            )
        try:
            return flag.evaluate(context)
        except Exception:  # noqa: BLE001 - evaluation never raises; compiled flags should not either
            return Evaluation(name, False, False, reason=ERROR, error=GENERAL, version=self.version)

    def enabled_flags(self, context: Mapping[str, Any] | None = None) -> tuple[str, ...]:
        """The names of the flags on for ``context``: the document's in its order, then the
        defaults' (Powertools' ``get_enabled_features``). Each counts as a read."""
        return tuple(name for name in self.answerable() if self.is_enabled(name, context))

    def answerable(self) -> list[str]:
        """Every name this snapshot answers: the document's in order, then the defaults'."""
        return [*self._names, *(name for name in self._lookup if name not in self._flags)]

    def count_read(self, name: str) -> None:
        """Count a read of ``name`` answered elsewhere (the Agent, for a request view)."""
        tally = self._tallies.get(name)
        if tally is not None:
            tally.reads += 1
            tally.last = self._clock.now

    def defines(self, name: str) -> bool:
        """Whether the document (or a test override) defines flag ``name``."""
        return name in self._flags

    def _missing(self, name: str) -> None:
        """Count a read of a name nothing defines; report it once a document is loaded."""
        assert self._reads is not None
        self._reads.count(name)
        if self._judged:
            self._reads.missing(name, self.version, self._lookup.keys())

    def unknown(self, names: Iterable[str]) -> list[str]:
        """Those of ``names`` that neither the document nor the defaults define.

        Empty while no document with flags is loaded: there is nothing to judge by.
        """
        if self.loaded_at is None or not self._own:
            return []
        known = {*self._own, *(name for name in self._lookup if name not in self._flags)}
        return [name for name in names if name not in known]

    def changed_flags(self, old: Snapshot | None) -> frozenset[str]:
        """Names of the flags the document added, removed or redefined since ``old``."""
        if old is None:
            return frozenset(self._flags)
        names = self._flags.keys() | old._flags.keys()
        return frozenset(name for name in names if self.definition(name) != old.definition(name))

    def __repr__(self) -> str:
        return f"<Snapshot version={self.version!r} flags={len(self._flags)}>"

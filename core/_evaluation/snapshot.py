"""The immutable view of one loaded configuration that every read goes through."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from appconfig_core.errors import ConfigurationError

from .flag import StaticFlag
from .flagset import CompiledFlag, FlagSet
from .result import (
    DEFAULT,
    EMPTY_MAPPING,
    ERROR,
    FLAG_NOT_FOUND,
    GENERAL,
    PROVIDER_NOT_READY,
    Evaluation,
)

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
    """

    __slots__ = (
        "_flags",
        "_lookup",
        "_names",
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
    ) -> None:
        self.document: Any = document
        self.version: str | None = version
        self.content_type: str | None = content_type
        self.loaded_at: datetime | None = loaded_at
        self._flags = flags
        self._lookup: dict[str, CompiledFlag] = {**defaults, **flags}
        self._names = frozenset(flags)

    @property
    def loaded(self) -> bool:
        """Whether this snapshot holds a document (and not only the code defaults)."""
        return self.loaded_at is not None

    @property
    def flag_names(self) -> frozenset[str]:
        """The names of the flags the document defines."""
        return self._names

    def definition(self, name: str) -> Any:
        """The document's definition of flag ``name`` (``None`` when it has none)."""
        flag = self._flags.get(name)
        return None if flag is None else flag.definition

    def is_enabled(
        self, name: str, context: Mapping[str, Any] | None = None, default: bool = False
    ) -> bool:
        """Whether flag ``name`` is on for ``context``; ``default`` when it cannot say."""
        flag = self._lookup.get(name)
        if flag is None:
            return default
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

    def changed_flags(self, old: Snapshot | None) -> frozenset[str]:
        """Names of the flags the document added, removed or redefined since ``old``."""
        if old is None:
            return frozenset(self._flags)
        names = self._flags.keys() | old._flags.keys()
        return frozenset(name for name in names if self.definition(name) != old.definition(name))

    def __repr__(self) -> str:
        return f"<Snapshot version={self.version!r} flags={len(self._flags)}>"

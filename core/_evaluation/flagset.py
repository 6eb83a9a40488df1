"""The contract between the evaluator and the rest: compiled flags keyed by name.

Each format compiles a document into a mapping of `CompiledFlag` objects once, at load;
`Snapshot` only looks names up and calls them. Both methods must never raise. The context
and clock types every format shares live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Protocol

from .result import Evaluation

Context = Mapping[str, Any]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default `Clock`: the aware wall-clock time in UTC."""
    return datetime.now(timezone.utc)


class CompiledFlag(Protocol):
    """One flag, ready to answer for any context without parsing or I/O."""

    name: str
    #: The flag's definition as the document gave it (JSON-like, comparable with ``==``);
    #: a change in it is what makes a flag appear in `ChangeEvent.changed`.
    definition: Any

    def is_enabled(self, context: Context) -> bool:
        """Whether the flag is on for ``context``; the fast path for boolean checks."""
        ...

    def evaluate(self, context: Context) -> Evaluation:
        """The full answer for ``context``, with value, variant and reason."""
        ...


FlagSet = Mapping[str, CompiledFlag]

"""Rules checked against the context keys an adapter supplies.

A rule reading a key the context never has is valid and silent: it simply matches nobody
(``by::$userId`` against a context of ``user_id``). ``validate`` and Django's system checks
compare the keys each rule reads with the keys the configured context function supplies and
warn, naming both. Only a context whose keys are known can be checked: the adapters' default
functions, or a custom function that declares them in a ``context_keys`` attribute.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from appconfig_core._formats.context_keys import rule_context_keys
from appconfig_core._formats.detect import AUTO
from appconfig_core._sources.content import content_type_for_path, parse_content
from appconfig_core.errors import DocumentError

#: The attribute a custom context function may carry to declare the keys it returns.
DECLARED_KEYS = "context_keys"


@dataclass(frozen=True, slots=True)
class SuppliedKeys:
    """The keys a context function can return, and who that function is, for messages."""

    keys: frozenset[str]
    by: str

    @classmethod
    def of(cls, keys: Iterable[str], by: str) -> SuppliedKeys:
        """``SuppliedKeys`` from any iterable of key names."""
        return cls(frozenset(keys), by)


def declared_context_keys(function: Any) -> frozenset[str] | None:
    """The keys ``function`` declares in its ``context_keys`` attribute, or None.

    None also when the attribute is a lone string or holds anything but strings: a wrong
    declaration must not produce confident warnings.
    """
    declared = getattr(function, DECLARED_KEYS, None)
    if declared is None or isinstance(declared, str | bytes):
        return None
    try:
        keys = list(declared)
    except TypeError:
        return None
    if not all(isinstance(key, str) for key in keys):
        return None
    return frozenset(keys)


def context_key_warnings(document: Any, supplied: SuppliedKeys, *, fmt: str = AUTO) -> list[str]:
    """One message per key a rule of ``document`` reads that ``supplied`` lacks, in order."""
    warnings = []
    offered = _listed(supplied.keys)
    for location, keys in rule_context_keys(document, fmt):
        for key in sorted(keys - supplied.keys):
            guess = _close_match(key, supplied.keys)
            hint = f"; did you mean {guess!r}?" if guess else ""
            warnings.append(
                f"{location} reads context key {key!r}, which {supplied.by} never supplies"
                f" (it supplies {offered}){hint}"
            )
    return warnings


def file_context_warnings(
    path: str | os.PathLike[str], supplied: SuppliedKeys, *, fmt: str = AUTO
) -> list[str]:
    """`context_key_warnings` for the document in the file at ``path``.

    An unreadable or unparseable file gives no warnings: the settings checks and
    ``validate`` report those problems already, with their own codes.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        document = parse_content(raw, content_type_for_path(os.fspath(path)))
    except (OSError, DocumentError, ValueError):
        return []
    return context_key_warnings(document, supplied, fmt=fmt)


def _listed(keys: Collection[str]) -> str:
    return ", ".join(sorted(keys)) if keys else "no keys"


def _close_match(key: str, keys: Collection[str]) -> str | None:
    """``user_id`` for ``userId`` or ``UserID``: the same letters, other case or separators."""
    folded = _fold(key)
    for candidate in sorted(keys):
        if _fold(candidate) == folded:
            return candidate
    close = difflib.get_close_matches(key, sorted(keys), n=1, cutoff=0.75)
    return close[0] if close else None


def _fold(key: str) -> str:
    return key.replace("_", "").replace("-", "").replace(".", "").casefold()


__all__ = [
    "DECLARED_KEYS",
    "SuppliedKeys",
    "context_key_warnings",
    "declared_context_keys",
    "file_context_warnings",
]

"""The AppConfig retrieval form: what GetLatestConfiguration and the Agent return.

``{flag: {"enabled": bool, attr: value, ...}}``; disabled flags carry no attributes, and a
response from the Agent may carry the variant it chose as ``_variant``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from appconfig_core._evaluation.flag import StaticFlag
from appconfig_core._evaluation.flagset import CompiledFlag
from appconfig_core.errors import DocumentError, Problems

#: Where the Agent names the variant it chose; not an attribute.
VARIANT_KEY: Final = "_variant"
_ENABLED_KEY: Final = "enabled"


def compile_retrieval(document: Any, *, version: str | None = None) -> dict[str, CompiledFlag]:
    """Compile a retrieval-form document; raise `DocumentError` listing every bad entry."""
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"expected an object of flags, got {type(document).__name__}", location="document"
        )
    problems: Problems = []
    flags: dict[str, CompiledFlag] = {}
    for name, entry in document.items():
        where = f"flag {name!r}"
        if not isinstance(name, str):
            problems.append((where, "flag keys must be strings"))
            continue
        if not isinstance(entry, Mapping):
            problems.append((where, f"expected an object, got {type(entry).__name__}"))
            continue
        enabled = entry.get(_ENABLED_KEY)
        if not isinstance(enabled, bool):
            problems.append((where, '"enabled" must be true or false'))
            continue
        variant = entry.get(VARIANT_KEY)
        attributes = {k: v for k, v in entry.items() if k not in (_ENABLED_KEY, VARIANT_KEY)}
        flags[name] = StaticFlag(
            name,
            enabled,
            attributes=attributes,
            variant=variant if isinstance(variant, str) else None,
            version=version,
            definition=dict(entry),
        )
    if problems:
        raise DocumentError(problems)
    return flags

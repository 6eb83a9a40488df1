"""The AppConfig retrieval form: what GetLatestConfiguration and the Agent return.

``{flag: {"enabled": bool, attr: value, ...}}``; disabled flags carry no attributes, and a
response from the Agent may carry the variant it chose as ``_variant``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from appconfig_core._evaluation.flag import StaticFlag
from appconfig_core._evaluation.flagset import CompiledFlag
from appconfig_core._evaluation.result import DEFAULT
from appconfig_core._evaluation.snapshot import compile_defaults
from appconfig_core.errors import ConfigurationError, DocumentError, Problems

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


def variant_flags(document: Any) -> list[str]:
    """The flags of a retrieval-form ``document`` that carry a chosen variant, in its order.

    Such a flag has variants whose rules stayed in AppConfig: only the Agent evaluates them
    per context; any other reader of this document has the one variant AppConfig chose.
    """
    if not isinstance(document, Mapping) or "values" in document:
        return []
    return [
        str(name)
        for name, entry in document.items()
        if isinstance(entry, Mapping) and isinstance(entry.get(VARIANT_KEY), str)
    ]


def compile_overrides(flags: Mapping[str, Any]) -> dict[str, CompiledFlag]:
    """Test overrides: values as in ``defaults``, where ``_variant`` names the variant forced.

    ``{"enabled": true, "_variant": "staff", "layout": "grid"}`` answers variant ``"staff"``
    with attribute ``layout``, as the Agent's answer would: code that branches on the variant
    can then be tested. Raises `ConfigurationError` for a value of the wrong shape.
    """
    plain = {
        name: value
        for name, value in flags.items()
        if not (isinstance(value, Mapping) and VARIANT_KEY in value)
    }
    compiled = compile_defaults(plain)
    for name, value in flags.items():
        if name in plain:
            continue
        variant, enabled = value[VARIANT_KEY], value.get(_ENABLED_KEY)
        if not isinstance(variant, str):
            raise ConfigurationError(
                f'override {name!r}: "{VARIANT_KEY}" must be a variant name (a string),'
                f" not {type(variant).__name__}"
            )
        if not isinstance(enabled, bool):
            raise ConfigurationError(f'override {name!r}: "enabled" must be true or false')
        attributes = {k: v for k, v in value.items() if k not in (_ENABLED_KEY, VARIANT_KEY)}
        compiled[name] = StaticFlag(
            name,
            enabled,
            attributes=attributes,
            variant=variant,
            reason=DEFAULT,
            definition=dict(value),
        )
    return {name: compiled[name] for name in flags}

"""Which format a document is in, and compiling it into flags.

``auto`` decides from the document's shape, once per load:

* an object with a top-level ``version`` that is not itself an object is the AppConfig
  stored form (so ``"version": "2"`` or a stray key is reported by the stored-form
  validator, not misread as a flag named ``version``);
* an object with at least one entry that is an object holding ``default`` is the
  Powertools schema;
* an object with at least one entry that is an object holding ``enabled`` (or an empty
  object) is the AppConfig retrieval form;
* anything else is ``raw``: free-form configuration with no flags.

A document that is *nearly* a flag document is therefore validated as one and rejected with
its problems listed, rather than silently served as raw configuration with no flags. When
``auto`` chose the format, the error's message (not its ``problems``) ends by saying so and how
to force ``raw``, because free-form configuration can look like flags
(``{"databases": {"default": ...}}`` reads as Powertools, ``{"version": 3}`` as the stored form).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from appconfig_core._evaluation.flagset import Clock, FlagSet
from appconfig_core.errors import ConfigurationError, DocumentError

AUTO: Final = "auto"
APPCONFIG: Final = "appconfig"
POWERTOOLS: Final = "powertools"
RAW: Final = "raw"
FORMATS: Final = (AUTO, APPCONFIG, POWERTOOLS, RAW)

_STORED_KEYS: Final = frozenset({"version", "flags", "values"})
_FEATURE_KEYS: Final = frozenset({"default", "boolean_type", "rules"})


def check_format(fmt: str) -> str:
    """Return ``fmt`` if it names a format; raise `ConfigurationError` otherwise."""
    if fmt not in FORMATS:
        choices = ", ".join(repr(f) for f in FORMATS)
        raise ConfigurationError(f"format must be one of {choices}, not {fmt!r}")
    return fmt


def is_stored_form(document: Any) -> bool:
    """Whether ``document`` is the AppConfig stored form (``{"version": "1", ...}``)."""
    return (
        isinstance(document, Mapping)
        and "version" in document
        and not isinstance(document["version"], Mapping)
    )


def detect_format(document: Any) -> str:
    """The format ``auto`` picks for ``document`` (see the module docstring)."""
    if not isinstance(document, Mapping):
        return RAW
    if is_stored_form(document):
        return APPCONFIG
    if not document:
        return APPCONFIG
    entries = [entry for entry in document.values() if isinstance(entry, Mapping)]
    if any("default" in entry for entry in entries):
        return POWERTOOLS
    if any("enabled" in entry for entry in entries):
        return APPCONFIG
    return RAW


def compile_document(
    document: Any,
    *,
    format: str = AUTO,  # noqa: A002 - the public keyword is `format`
    version: str | None = None,
    clock: Clock | None = None,
) -> FlagSet:
    """Compile ``document`` into flags; raise `DocumentError` with every problem found."""
    if format != AUTO:
        return _compile(document, check_format(format), version, clock)
    fmt = detect_format(document)
    try:
        return _compile(document, fmt, version, clock)
    except DocumentError as exc:
        if not _unmistakable(document, fmt):
            exc.hint = _detected(document)
            exc.args = (f"{exc}; {exc.hint}",)
        raise


def _unmistakable(document: Any, fmt: str) -> bool:
    """Whether every part of ``document`` has the shape of ``fmt`` (no hint is then needed)."""
    if fmt == RAW or not isinstance(document, Mapping):
        return True
    if is_stored_form(document):
        return document.get("version") == "1" and _STORED_KEYS.issuperset(document.keys())
    if fmt == POWERTOOLS:
        return all(
            isinstance(entry, Mapping)
            and "default" in entry
            and _FEATURE_KEYS.issuperset(entry)
            and (isinstance(entry["default"], bool) or entry.get("boolean_type") is False)
            for entry in document.values()
        )
    return False  # a retrieval form fails only on entries that may well not be flags


def _detected(document: Any) -> str:
    return (
        f"format auto read this document as {why_detected(document)}; if it is free-form"
        ' configuration, set format="raw"'
    )


def why_detected(document: Any) -> str:
    """Which format ``auto`` picks for ``document``, and why, in words for messages and CLIs."""
    fmt = detect_format(document)
    if fmt == POWERTOOLS:
        return 'the Powertools schema, because an entry holds "default"'
    if is_stored_form(document):
        return 'the AppConfig stored form, because it has a top-level "version"'
    if fmt == APPCONFIG and not document:
        return "the AppConfig retrieval form with no flags, because it is an empty object"
    if fmt == APPCONFIG:
        return 'the AppConfig retrieval form, because an entry holds "enabled"'
    if isinstance(document, Mapping):
        return (
            'free-form configuration (raw), because no entry is an object holding "enabled"'
            ' or "default"'
        )
    return f"free-form configuration (raw), because it is {_kind(document)}, not an object"


def _kind(document: Any) -> str:
    if document is None:
        return "null"
    if isinstance(document, str):
        return "text (neither JSON nor YAML)"
    if isinstance(document, list):
        return "a list"
    if isinstance(document, bool):
        return "a boolean"
    return "a number" if isinstance(document, int | float) else f"a {type(document).__name__}"


def _compile(document: Any, fmt: str, version: str | None, clock: Clock | None) -> FlagSet:
    if fmt == RAW:
        return {}
    if fmt == POWERTOOLS:
        from .powertools import compile_powertools  # noqa: PLC0415 - loaded by its users only

        return compile_powertools(document, version=version, clock=clock)
    if is_stored_form(document):
        from .stored import compile_stored  # noqa: PLC0415 - loaded by its users only

        return compile_stored(document, version=version)
    from .retrieval import compile_retrieval  # noqa: PLC0415 - loaded by its users only

    return compile_retrieval(document, version=version)

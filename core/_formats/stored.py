"""The AppConfig stored form: ``{"version": "1", "flags": {...}, "values": {...}}``.

This is the document one writes to an AWS.AppConfig.FeatureFlags profile. It is validated
here as AppConfig validates it on deployment (keys, names, constraints, deprecation,
variants, rules), every problem collected into one `DocumentError`, and compiled into
flags: `StaticFlag` for plain flags, `VariantFlag` for multi-variant ones.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from appconfig_core._evaluation.flag import StaticFlag
from appconfig_core._evaluation.flagset import CompiledFlag
from appconfig_core._evaluation.metadata import AttributeInfo, Deprecation, FlagInfo
from appconfig_core._evaluation.result import EMPTY_MAPPING
from appconfig_core.errors import DocumentError, Problems

from .constraints import (
    MAX_ATTRIBUTES,
    MAX_STRING,
    Constraint,
    check_attribute_values,
    compile_constraint,
)
from .variants import MAX_NAME, VariantFlag, compile_variants, is_display_name

log = logging.getLogger("appconfig_core")

KEY_PATTERN: Final = re.compile(r"[a-z][a-zA-Z0-9_-]{0,63}", re.ASCII)
_TOP_KEYS: Final = frozenset({"version", "flags", "values"})
_FLAG_KEYS: Final = frozenset(
    {"name", "description", "_createdAt", "_updatedAt", "_deprecation", "attributes"}
)
_ATTRIBUTE_KEYS: Final = frozenset({"description", "constraints"})
_METADATA: Final = ("_createdAt", "_updatedAt")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

_ABSENT: Final = object()
_announced: set[str] = set()
_announced_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Definition:
    attributes: Mapping[str, Constraint | None]
    deprecation: str | None  # the planned date, "" when planned without one


def compile_stored(document: Any, *, version: str | None = None) -> dict[str, CompiledFlag]:
    """Validate and compile a stored-form document; raise `DocumentError` listing every problem.

    A flag defined under ``flags`` without an entry in ``values`` is compiled as disabled.
    An entry in ``values`` without a definition is a problem: it is almost always a typo.
    """
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"expected an object, got {type(document).__name__}", location="document"
        )
    problems: Problems = []
    if document.get("version") != "1":
        problems.append(("version", 'is required and must be the string "1"'))
    for key in sorted(set(document) - _TOP_KEYS, key=str):
        problems.append(
            (str(key), "is not allowed at the top level; only version, flags and values")
        )
    flags = _object(document, "flags", problems)
    values = _object(document, "values", problems)
    definitions: dict[str, _Definition] = {}
    for key, raw in flags.items():
        definition = _check_definition(key, raw, problems)
        if definition is not None:
            definitions[key] = definition
    for key in values:
        if key not in flags:
            problems.append(
                (f"values.{key}", f"has no definition; add flags.{key} or remove this entry")
            )
    compiled: dict[str, CompiledFlag] = {}
    for key, definition in definitions.items():
        flag = _compile_flag(
            key, definition, flags[key], values.get(key), version=version, problems=problems
        )
        if flag is not None:
            compiled[key] = flag
    if problems:
        raise DocumentError(problems)
    for key, flag in compiled.items():
        if isinstance(flag, StaticFlag | VariantFlag):
            flag.info = _info(key, flags[key], definitions[key])
    for key, definition in definitions.items():
        if definition.deprecation is not None:
            _announce(key, definition.deprecation)
    return compiled


def _info(key: str, raw: Mapping[str, Any], definition: _Definition) -> FlagInfo:
    """What a valid flag definition declares, for `Snapshot.flags`."""
    declared = raw.get("attributes")
    declared = declared if isinstance(declared, Mapping) else {}
    attributes = {
        name: AttributeInfo(name, spec.get("description"), spec.get("constraints"))
        for name, spec in declared.items()
        if name in definition.attributes
    }
    deprecation = None
    if definition.deprecation is not None:
        when = date.fromisoformat(definition.deprecation) if definition.deprecation else None
        deprecation = Deprecation(str(raw["_deprecation"].get("status")), when)
    return FlagInfo(
        key,
        display_name=raw.get("name"),
        description=raw.get("description"),
        deprecation=deprecation,
        attributes=MappingProxyType(attributes) if attributes else EMPTY_MAPPING,
    )


def _object(document: Mapping[str, Any], name: str, problems: Problems) -> Mapping[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, Mapping):
        problems.append((name, "must be an object keyed by flag key"))
        return {}
    return value


def _check_key(key: Any, where: str, problems: Problems) -> bool:
    if isinstance(key, str) and KEY_PATTERN.fullmatch(key):
        return True
    problems.append(
        (
            where,
            "key must start with a lowercase letter, then letters, digits, _ or -;"
            " at most 64 characters",
        )
    )
    return False


def _check_text(
    raw: Mapping[str, Any], name: str, where: str, problems: Problems, *, limit: int
) -> None:
    if name not in raw:
        return
    text = raw[name]
    if name == "name":
        if not is_display_name(text, limit):
            problems.append(
                (f"{where}.name", f"must be 1 to {limit} characters without line breaks")
            )
    elif not (isinstance(text, str) and len(text) <= limit):
        problems.append((f"{where}.{name}", f"must be a string of at most {limit} characters"))


def _check_definition(key: Any, raw: Any, problems: Problems) -> _Definition | None:
    where = f"flags.{key}"
    if not _check_key(key, where, problems):
        return None
    if not isinstance(raw, Mapping):
        problems.append((where, "must be an object"))
        return None
    for extra in sorted(set(raw) - _FLAG_KEYS, key=str):
        hint = "; values go under values" if extra in ("enabled", "_variants") else ""
        problems.append((f"{where}.{extra}", f"is not allowed in a flag definition{hint}"))
    _check_text(raw, "name", where, problems, limit=MAX_NAME)
    _check_text(raw, "description", where, problems, limit=MAX_STRING)
    for name in _METADATA:
        _check_text(raw, name, where, problems, limit=MAX_STRING)
    attributes: dict[str, Constraint | None] = {}
    declared = raw.get("attributes", {})
    if not isinstance(declared, Mapping) or len(declared) > MAX_ATTRIBUTES:
        problems.append(
            (f"{where}.attributes", f"must be an object of at most {MAX_ATTRIBUTES} attributes")
        )
        declared = {}
    for name, attribute in declared.items():
        at = f"{where}.attributes.{name}"
        if not _check_key(name, at, problems):
            continue
        if name == "enabled":
            problems.append((at, '"enabled" is reserved and cannot be an attribute name'))
            continue
        if not isinstance(attribute, Mapping):
            problems.append((at, "must be an object"))
            continue
        for extra in sorted(set(attribute) - _ATTRIBUTE_KEYS, key=str):
            problems.append(
                (
                    f"{at}.{extra}",
                    "is not allowed in an attribute; only description and constraints",
                )
            )
        _check_text(attribute, "description", at, problems, limit=MAX_STRING)
        attributes[name] = (
            compile_constraint(attribute["constraints"], f"{at}.constraints", problems)
            if "constraints" in attribute
            else None
        )
    return _Definition(
        attributes, _check_deprecation(raw.get("_deprecation", _ABSENT), where, problems)
    )


def _check_deprecation(raw: Any, where: str, problems: Problems) -> str | None:
    if raw is _ABSENT:
        return None
    at = f"{where}._deprecation"
    if not isinstance(raw, Mapping):
        problems.append((at, 'must be an object like {"status": "planned", "date": "2025-12-31"}'))
        return None
    for extra in sorted(set(raw) - {"status", "date"}, key=str):
        problems.append((f"{at}.{extra}", "is not allowed; only status and date"))
    if raw.get("status") != "planned":
        problems.append((f"{at}.status", 'must be "planned", the only status AppConfig knows'))
    when = raw.get("date", "")
    if "date" in raw and not _is_date(when):
        problems.append((f"{at}.date", "must be a calendar date written YYYY-MM-DD"))
    return when if isinstance(when, str) else ""


def _is_date(text: Any) -> bool:
    if not (isinstance(text, str) and _DATE_RE.fullmatch(text)):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _compile_flag(
    key: str,
    definition: _Definition,
    raw_definition: Mapping[str, Any],
    value: Any,
    *,
    version: str | None,
    problems: Problems,
) -> CompiledFlag | None:
    where = f"values.{key}"
    identity = {"flag": raw_definition, "value": value}
    if value is None:
        return StaticFlag(key, False, version=version, definition=identity)
    if not isinstance(value, Mapping):
        problems.append((where, "must be an object"))
        return None
    declared_at = f"flags.{key}.attributes"
    for name in _METADATA:
        _check_text(value, name, where, problems, limit=MAX_STRING)
    attributes = {k: v for k, v in value.items() if k not in ("enabled", "_variants", *_METADATA)}
    for name in [k for k in attributes if not isinstance(k, str) or k.startswith("_")]:
        problems.append(
            (f"{where}.{name}", "is not allowed; only enabled, _variants, metadata and attributes")
        )
        del attributes[name]
    if "_variants" in value:
        for name in [*(["enabled"] if "enabled" in value else []), *attributes]:
            problems.append(
                (
                    f"{where}.{name}",
                    "cannot sit beside _variants; each variant carries enabled and attributeValues",
                )
            )
        return compile_variants(
            key,
            value["_variants"],
            definition.attributes,
            where=f"{where}._variants",
            declared_at=declared_at,
            problems=problems,
            version=version,
            definition=identity,
        )
    enabled = value.get("enabled", False)
    if not isinstance(enabled, bool):
        problems.append((f"{where}.enabled", "must be true or false"))
        return None
    check_attribute_values(
        attributes, definition.attributes, where, problems, enabled=enabled, declared_at=declared_at
    )
    return StaticFlag(
        key,
        enabled,
        attributes=attributes if enabled else None,
        version=version,
        definition=identity,
    )


def _announce(key: str, when: str) -> None:
    """Log a planned deprecation once per flag per process, at load, never per evaluation."""
    with _announced_lock:
        if key in _announced:
            return
        _announced.add(key)
    log.warning("flag %r is planned for deprecation on %s", key, when or "an unspecified date")


__all__ = ["KEY_PATTERN", "compile_stored"]

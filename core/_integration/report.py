"""Pieces both framework adapters need, kept once here so Django and Flask cannot drift."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from appconfig_core._evaluation.result import Evaluation
from appconfig_core._formats.detect import (
    AUTO,
    POWERTOOLS,
    RAW,
    compile_document,
    detect_format,
    is_stored_form,
)
from appconfig_core._runtime.client import FlagClient
from appconfig_core._sources.content import parse_content
from appconfig_core.errors import ConfigurationError, DocumentError


def parse_context_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    """``["plan=pro", "age=42"]`` → ``{"plan": "pro", "age": 42}``.

    A value that parses as JSON (numbers, true/false, quoted strings, lists) is taken as
    JSON; anything else stays a string. Raises `ConfigurationError` for a pair without ``=``.
    """
    context: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigurationError(f"expects key=value, got {pair!r}")
        try:
            context[key] = json.loads(raw)
        except ValueError:
            context[key] = raw
    return context


def status_payload(client: FlagClient) -> tuple[dict[str, Any], int]:
    """The health endpoint's JSON body and HTTP status (503 until flags are loaded)."""
    status = client.status
    age = None
    if status.updated_at is not None:
        age = round((datetime.now(timezone.utc) - status.updated_at).total_seconds(), 3)
    body = {
        "ready": status.ready,
        "origin": status.origin,
        "version": status.version,
        "updated_at": status.updated_at.isoformat() if status.updated_at else None,
        "age_seconds": age,
        "last_error": status.last_error,
        "consecutive_failures": status.consecutive_failures,
    }
    return body, 200 if status.ready else 503


def describe_evaluation(evaluation: Evaluation) -> str:
    """One readable line for a CLI: ``name: on (variant 'x', TARGETING_MATCH) {attrs}``."""
    state = "on" if evaluation.enabled else "off"
    details = [evaluation.reason]
    if evaluation.variant is not None:
        details.insert(0, f"variant {evaluation.variant!r}")
    if evaluation.error:
        details.append(evaluation.error)
    line = f"{evaluation.name}: {state} ({', '.join(details)})"
    if not isinstance(evaluation.value, bool):
        line += f" value={json.dumps(evaluation.value, default=str)}"
    if evaluation.attributes:
        line += f" {json.dumps(dict(evaluation.attributes), sort_keys=True, default=str)}"
    return line


def validation_report(
    label: str, raw: bytes, content_type: str | None, fmt: str = AUTO
) -> tuple[bool, list[str]]:
    """Validate a document the way every CLI reports it: ``(ok, lines to print)``.

    Each problem is one line, ``LABEL: location: message``, then a count; a valid document
    is one ``OK LABEL: <form>, N flags`` line. Shared by ``appconfig-flags validate``,
    ``manage.py appconfig validate`` and ``flask appconfig validate``.
    """
    try:
        document = parse_content(raw, content_type)
        chosen = detect_format(document) if fmt == AUTO else fmt
        flags = compile_document(document, format=fmt)
    except DocumentError as exc:
        lines = [
            f"{label}: {loc}: {msg}" if loc else f"{label}: {msg}" for loc, msg in exc.problems
        ]
        if exc.hint:
            lines.append(f"{label}: {exc.hint}")
        count = len(exc.problems)
        lines.append(f"{label}: invalid ({count} problem{'s' if count != 1 else ''})")
        return False, lines
    if chosen == RAW:
        return True, [f"OK {label}: raw configuration, no flags"]
    if chosen == POWERTOOLS:
        kind = "Powertools schema"
    else:
        kind = "AppConfig stored form" if is_stored_form(document) else "AppConfig retrieval form"
    return True, [f"OK {label}: {kind}, {len(flags)} flag{'s' if len(flags) != 1 else ''}"]


def import_string(dotted: str) -> Any:
    """The object at ``"package.module.name"``; `ConfigurationError` saying what failed."""
    module_name, _, attribute = dotted.rpartition(".")
    if not module_name:
        raise ConfigurationError(f"{dotted!r} is not a dotted path like 'package.module.name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigurationError(f"cannot import {module_name!r} for {dotted!r}: {exc}") from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ConfigurationError(f"module {module_name!r} has no attribute {attribute!r}") from None

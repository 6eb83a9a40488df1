"""What every command line and health endpoint prints, kept once so Django and Flask cannot drift.

The status report (one payload for both health endpoints and all three ``status`` commands),
the one-line evaluation, the validation report (all three ``validate`` commands), context pairs
(``-c key=value``) and dotted-path imports.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from appconfig_core._evaluation.flagset import utc_now
from appconfig_core._evaluation.result import Evaluation, Health, Status
from appconfig_core._evaluation.snapshot import Snapshot
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

from .context_keys import SuppliedKeys, context_key_warnings
from .usage import usage_summary

#: HTTP status of the health endpoints: a degraded instance still serves its last good flags,
#: so a load balancer must keep it; only an instance with no flags at all answers 503.
HTTP_STATUS: Final[Mapping[Health, int]] = {"ok": 200, "degraded": 200, "unavailable": 503}
#: Exit status of every ``status`` command, as monitoring plugins count: warning, critical.
EXIT_STATUS: Final[Mapping[Health, int]] = {"ok": 0, "degraded": 1, "unavailable": 2}


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


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A client's status as a JSON-safe ``body``, with the HTTP and exit status it implies."""

    body: Mapping[str, Any]

    @property
    def health(self) -> Health:
        """``ok``, ``degraded`` or ``unavailable``."""
        health: Health = self.body["health"]
        return health

    @property
    def http_status(self) -> int:
        """200 while flags are served (ok or degraded), 503 when none are loaded."""
        return HTTP_STATUS[self.health]

    @property
    def exit_status(self) -> int:
        """0 ok, 1 degraded, 2 unavailable."""
        return EXIT_STATUS[self.health]

    def lines(self) -> list[str]:
        """``key: value`` per field, in the body's order, for the ``status`` commands."""
        return [
            f"{key}: {_shown(value)}" if key != "usage" else f"usage: {usage_summary(value)}"
            for key, value in self.body.items()
        ]


def status_report(status: Status, *, now: datetime | None = None) -> StatusReport:
    """The report for ``status``; ``age_seconds`` is measured at ``now`` (default: the clock)."""
    age = None
    if status.updated_at is not None:
        age = round(((now or utc_now()) - status.updated_at).total_seconds(), 3)
    rejected = status.rejected
    usage = {} if status.usage is None else {"usage": status.usage.as_dict()}
    return StatusReport(
        {
            "health": status.health,
            "ready": status.ready,
            "origin": status.origin,
            "version": status.version,
            "updated_at": _iso(status.updated_at),
            "age_seconds": age,
            "last_error": status.last_error,
            "consecutive_failures": status.consecutive_failures,
            "rejected": None
            if rejected is None
            else {"version": rejected.version, "at": _iso(rejected.at), "reason": rejected.reason},
            **usage,
        }
    )


def unconfigured_report(message: str) -> StatusReport:
    """The report while the settings are invalid: the same fields, no flags, the reason."""
    return status_report(
        Status(
            ready=False,
            origin="defaults",
            version=None,
            updated_at=None,
            last_error=message,
            consecutive_failures=0,
        )
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {_shown(item)}" for key, item in value.items())
    return str(value)


def list_lines(snapshot: Snapshot) -> list[str]:
    """What every ``list`` command prints: each flag, in document order, for an empty context."""
    if not snapshot.flag_names:
        return [f"no flags (version {snapshot.version or '-'})"]
    return [describe_evaluation(snapshot.evaluate(name)) for name in snapshot.flag_names]


def describe_evaluation(evaluation: Evaluation) -> str:
    """One readable line: ``name: on (variant 'x', TARGETING_MATCH) {attrs}``.

    The text form of ``eval`` and ``list`` in every command line.
    """
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


def unknown_flag_message(name: str, known: Iterable[str], where: str) -> str:
    """What every ``eval`` says (and exits 1 for) when ``where`` defines no flag ``name``."""
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"no flag named {name!r} in {where}{hint} (flags: {', '.join(names) or 'none'})"


def evaluation_record(evaluation: Evaluation) -> dict[str, Any]:
    """Every field of ``evaluation`` as a plain dict, for ``--json`` output."""
    return {
        "name": evaluation.name,
        "enabled": evaluation.enabled,
        "value": evaluation.value,
        "variant": evaluation.variant,
        "reason": evaluation.reason,
        "error": evaluation.error,
        "version": evaluation.version,
        "attributes": dict(evaluation.attributes),
    }


def validation_report(
    label: str,
    raw: bytes,
    content_type: str | None,
    fmt: str = AUTO,
    *,
    supplied: SuppliedKeys | None = None,
) -> tuple[bool, list[str]]:
    """Validate a document the way every CLI reports it: ``(ok, lines to print)``.

    Each problem is one line, ``LABEL: location: message``, then a count; a valid document
    is one ``OK LABEL: <form>, N flags`` line. A document that yields no flags is valid only
    when raw configuration was asked for: with ``auto`` it is more likely a broken flags
    deployment, so the report says what ``auto`` saw. With ``supplied``, a valid document is
    followed by a ``LABEL: warning:`` line per rule key the context never supplies. Never raises.
    """
    try:
        document = parse_content(raw, content_type)
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
    except Exception as exc:  # noqa: BLE001 - a command line reports, it never shows a traceback
        return False, [f"{label}: cannot be validated: {type(exc).__name__}: {exc}"]
    if fmt == RAW:
        return True, [f"OK {label}: raw configuration, no flags"]
    if not flags:
        return False, [f"{label}: {_no_flags(document, fmt)}", f"{label}: invalid (no flags)"]
    if fmt == POWERTOOLS or (fmt == AUTO and detect_format(document) == POWERTOOLS):
        kind = "Powertools schema"
    else:
        kind = "AppConfig stored form" if is_stored_form(document) else "AppConfig retrieval form"
    return True, [
        f"OK {label}: {kind}, {_flags(len(flags))}",
        *_key_warnings(label, document, supplied, fmt),
    ]


def _no_flags(document: Any, fmt: str) -> str:
    """Why ``document`` yields no flags, and how to accept it as configuration."""
    fix = "if it is free-form configuration, validate it with --format raw"
    if fmt != AUTO:
        return f"format {fmt} found no flags in this document; {fix}"
    if not isinstance(document, Mapping):
        why = f"it is {_kind(document)}, not an object of flags"
        guess = "raw configuration"
    elif not document:
        why, guess = "it is an empty object", "the AppConfig retrieval form"
    elif is_stored_form(document):
        why, guess = (
            'it has a top-level "version" but defines no flags',
            "the AppConfig stored form",
        )
    else:
        why = 'no entry is an object holding "enabled" (AppConfig) or "default" (Powertools)'
        guess = "raw configuration"
    return f"format auto read this document as {guess} with no flags, because {why}; {fix}"


def _kind(document: Any) -> str:
    if document is None:
        return "null"
    if isinstance(document, str):
        return "text" if document.strip() else "empty"
    if isinstance(document, list):
        return "a list"
    return f"a {type(document).__name__}"


def unexpected_error(error: BaseException) -> str:
    """The one line a command prints for an error nobody foresaw, instead of a traceback."""
    return (
        f"unexpected {type(error).__name__}: {error} (a bug in appconfig-flags;"
        " please report it with the command that caused it)"
    )


def loaded_validation(
    client: FlagClient, *, supplied: SuppliedKeys | None = None
) -> tuple[bool, list[str]]:
    """``validate`` without a file: whether ``client``'s source served a valid document.

    Starts ``client`` (idempotent). A rejected version fails even while older flags serve.
    ``supplied`` adds the warnings `validation_report` adds.
    """
    client.start()
    status = client.status
    label = client.source.description
    if status.rejected is not None:
        rejected = status.rejected
        return False, [
            f"{label}: version {rejected.version or '-'} was rejected: {rejected.reason}"
        ]
    if not status.ready:
        return False, [f"{label}: no valid document was loaded: {status.last_error or 'no answer'}"]
    snapshot = client.snapshot()
    count = len(snapshot.flag_names)
    return True, [
        f"OK {label}: version {status.version or '-'} ({status.origin}), {_flags(count)}",
        *_key_warnings(label, snapshot.document, supplied, AUTO),
    ]


def _key_warnings(label: str, document: Any, supplied: SuppliedKeys | None, fmt: str) -> list[str]:
    if supplied is None:
        return []
    return [
        f"{label}: warning: {text}" for text in context_key_warnings(document, supplied, fmt=fmt)
    ]


def _flags(count: int) -> str:
    return f"{count} flag{'s' if count != 1 else ''}"

"""A refs scan compared with a flags document: what ``refs`` prints and how it exits.

Three findings: references to flags the document lacks (errors: that code reads a default
forever), flags nothing references (candidates for removal) and deprecated flags still
referenced (code to change before the flag goes). Only missing references fail by default;
``strict`` fails on the other two as well, for a CI step that wants the document and the code
to match exactly. Lines read ``path:line: error|warning: ...``, which editors and CI problem
matchers pick up.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from appconfig_core._evaluation.snapshot import Snapshot
from appconfig_core._formats.detect import AUTO, compile_document, is_stored_form
from appconfig_core._runtime.client import FlagClient
from appconfig_core._sources.content import content_type_for_path, parse_content
from appconfig_core.errors import ConfigurationError, DocumentError

from .refs import Reference, Scan, scan_paths


@dataclass(frozen=True, slots=True)
class DocumentFlags:
    """A document's flag names, in document order, and the deprecation date of each deprecated one.

    A deprecation planned without a date maps to ``""``.
    """

    names: tuple[str, ...]
    deprecated: Mapping[str, str]


def document_flags(document: Any, fmt: str = AUTO) -> DocumentFlags:
    """The flags ``document`` defines; raises `DocumentError` when it is not a valid document."""
    names = tuple(compile_document(document, format=fmt))
    return DocumentFlags(names, _deprecations(document, names))


def file_flags(path: str, fmt: str = AUTO) -> DocumentFlags:
    """The flags of the document in the file at ``path``.

    Raises `OSError` when the file cannot be read and `DocumentError` when it is not a valid
    flags document (one with no flags included), so a ``refs`` command can exit 2 saying which.
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    flags = document_flags(parse_content(raw, content_type_for_path(path)), fmt)
    if not flags.names:
        raise DocumentError("it defines no flags", location=path)
    return flags


def snapshot_flags(snapshot: Snapshot) -> DocumentFlags:
    """The flags a loaded snapshot serves, with the deprecations its stored form declares."""
    try:
        found = document_flags(snapshot.document)
    except DocumentError:
        found = None
    if found is not None and set(found.names) == set(snapshot.flag_names):
        return found
    return DocumentFlags(tuple(sorted(snapshot.flag_names)), {})


def served_label(client: FlagClient, snapshot: Snapshot) -> str:
    """How the adapters' commands name what a client serves: ``version 7 of <source>``."""
    return f"version {snapshot.version or '-'} of {client.source.description}"


def loaded_flags(client: FlagClient) -> tuple[DocumentFlags, str]:
    """The flags ``client`` serves (started if need be) and `served_label` for them.

    Raises `ConfigurationError` when no document is loaded: the adapters' ``refs`` then has
    nothing to compare with and asks for ``--document`` (exit 2).
    """
    client.start()
    status = client.status
    if not status.ready:
        raise ConfigurationError(
            f"no flags are loaded from {client.source.description}"
            f" ({status.last_error or 'no answer'}); pass --document FILE"
        )
    snapshot = client.snapshot()
    return snapshot_flags(snapshot), served_label(client, snapshot)


def _deprecations(document: Any, names: Iterable[str]) -> dict[str, str]:
    if not is_stored_form(document):
        return {}
    definitions = document.get("flags")
    found = {}
    for name in names:
        definition = definitions.get(name) if isinstance(definitions, Mapping) else None
        deprecation = definition.get("_deprecation") if isinstance(definition, Mapping) else None
        if isinstance(deprecation, Mapping):
            when = deprecation.get("date")
            found[name] = when if isinstance(when, str) else ""
    return found


@dataclass(frozen=True, slots=True)
class RefsReport:
    """The comparison, as text ``lines()`` or a JSON-safe ``body``, with its exit status."""

    label: str
    flags: DocumentFlags
    scan: Scan
    strict: bool

    @property
    def missing(self) -> list[Reference]:
        """References naming a flag the document does not define."""
        known = set(self.flags.names)
        return [ref for ref in self.scan.named if ref.name not in known]

    @property
    def deprecated(self) -> list[Reference]:
        """References to flags the document marks for deprecation."""
        return [ref for ref in self.scan.named if ref.name in self.flags.deprecated]

    @property
    def unreferenced(self) -> list[str]:
        """Flags of the document no literal reference names, in document order."""
        named = {ref.name for ref in self.scan.named}
        return [name for name in self.flags.names if name not in named]

    @property
    def exit_status(self) -> int:
        """1 for a missing reference (or, when strict, any finding), else 0."""
        if self.missing or (self.strict and (self.deprecated or self.unreferenced)):
            return 1
        return 0

    @property
    def body(self) -> dict[str, Any]:
        """Every finding as plain data, for ``--json``."""
        return {
            "document": self.label,
            "files": self.scan.files,
            "flags": list(self.flags.names),
            "missing": [
                {**_record(ref), "suggestion": self._suggestion(ref)} for ref in self.missing
            ],
            "deprecated": [
                {**_record(ref), "date": self.flags.deprecated[ref.name or ""] or None}
                for ref in self.deprecated
            ],
            "unreferenced": self.unreferenced,
            "dynamic": [_record(ref) for ref in self.scan.dynamic],
            "skipped": [{"path": path, "reason": why} for path, why in self.scan.skipped],
            "strict": self.strict,
            "exit_status": self.exit_status,
        }

    def lines(self) -> list[str]:
        """One line per finding, then a summary line."""
        level = "error" if self.strict else "warning"
        lines = []
        for ref in self.missing:
            guess = self._suggestion(ref)
            hint = f"; did you mean {guess!r}?" if guess else ""
            lines.append(
                f"{ref.where}: error: flag {ref.name!r} is not in {self.label}{hint} [{ref.via}]"
            )
        for ref in self.deprecated:
            when = self.flags.deprecated[ref.name or ""] or "an unspecified date"
            lines.append(
                f"{ref.where}: {level}: flag {ref.name!r} is planned for deprecation on {when}"
                f" [{ref.via}]"
            )
        for name in self.unreferenced:
            lines.append(
                f"{self.label}: {level}: flag {name!r} is defined but nothing references it"
            )
        dynamic = self.scan.dynamic
        if dynamic:
            where = ", ".join(ref.where for ref in dynamic)
            lines.append(
                f"note: {_count(len(dynamic), 'read')} with a computed name not checked: {where}"
            )
        lines += [f"{path}: skipped: {why}" for path, why in self.scan.skipped]
        lines.append(
            f"{_count(self.scan.files, 'file')} scanned against {self.label}"
            f" ({_count(len(self.flags.names), 'flag')}): {len(self.missing)} missing,"
            f" {len(self.deprecated)} deprecated still referenced,"
            f" {len(self.unreferenced)} unreferenced"
        )
        return lines

    def _suggestion(self, ref: Reference) -> str | None:
        close = difflib.get_close_matches(ref.name or "", self.flags.names, n=1, cutoff=0.75)
        return close[0] if close else None


def references_report(
    scan: Scan, flags: DocumentFlags, *, label: str, strict: bool = False
) -> RefsReport:
    """Compare ``scan`` with ``flags`` (from `document_flags` or `snapshot_flags`)."""
    return RefsReport(label, flags, scan, strict)


def refs_output(
    paths: Sequence[str | os.PathLike[str]],
    flags: DocumentFlags,
    *,
    label: str,
    strict: bool = False,
    as_json: bool = False,
    exclude: Sequence[str] = (),
) -> tuple[int, list[str]]:
    """What every ``refs`` command prints, and its exit status: scan ``paths`` (default ``.``).

    Raises `FileNotFoundError` for a path that does not exist (a usage error, exit 2).
    """
    report = references_report(
        scan_paths(paths or ["."], exclude=exclude), flags, label=label, strict=strict
    )
    if as_json:
        return report.exit_status, [json.dumps(report.body, indent=2, ensure_ascii=False)]
    return report.exit_status, report.lines()


def _record(ref: Reference) -> dict[str, Any]:
    return {"name": ref.name, "path": ref.path, "line": ref.line, "via": ref.via, "kind": ref.kind}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


__all__ = [
    "DocumentFlags",
    "RefsReport",
    "document_flags",
    "file_flags",
    "loaded_flags",
    "references_report",
    "refs_output",
    "served_label",
    "snapshot_flags",
]

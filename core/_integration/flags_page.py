"""The flags page for people: every flag, what the viewer gets and why, and the client's status.

`flags_page` builds the rows once for both adapters, and `TEMPLATE` is the one template
both render: it keeps to the syntax Django's template language and Jinja share (``for``,
``if``/``else``, attribute lookups, no filters), so the Django view and the Flask blueprint
cannot drift. Every value is worked out here, as text, so the template only places it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from appconfig_core._evaluation.metadata import FlagInfo
from appconfig_core._evaluation.result import Evaluation, FlagUsage
from appconfig_core._evaluation.view import FlagsView
from appconfig_core._runtime.client import FlagClient

from .report import status_report


@dataclass(frozen=True, slots=True)
class FlagRow:
    """One flag as the page shows it; every field is display text (empty: nothing to show)."""

    name: str
    title: str
    description: str
    deprecation: str
    variants: str
    state: str
    variant: str
    reason: str
    attributes: tuple[tuple[str, str], ...]
    reads: str
    last_read: str


@dataclass(frozen=True, slots=True)
class FlagsPage:
    """What the page shows: the rows in document order, then the client's status lines.

    ``usage_since`` is when this process started counting reads (the counts are this
    process's only: each worker of a server counts its own).
    """

    rows: tuple[FlagRow, ...]
    status: tuple[tuple[str, str], ...]
    health: str
    version: str
    usage_since: str


def flags_page(client: FlagClient, view: FlagsView) -> FlagsPage:
    """The page for the viewer of ``view`` (their request's view of ``client``).

    Each flag is evaluated through ``view``, so the page shows what that viewer's requests
    get, the Agent's per-request answers and QA overrides included; the page's own look is
    not counted as a read in the usage it shows.
    """
    snapshot = view.snapshot
    usage = client.usage()
    reads = {flag.name: flag for flag in usage.flags}
    rows = tuple(
        _row(info, snapshot.definition(info.name), view.peek(info.name), reads.get(info.name))
        for info in snapshot.flags
    )
    report = status_report(client.status)
    return FlagsPage(
        rows=rows,
        status=tuple(_pair(line) for line in report.lines() if not line.startswith("usage:")),
        health=report.health,
        version=snapshot.version or "-",
        usage_since=_moment(usage.since),
    )


def _row(
    info: FlagInfo, definition: Any, evaluation: Evaluation, usage: FlagUsage | None
) -> FlagRow:
    reason = evaluation.reason + (f" ({evaluation.error})" if evaluation.error else "")
    deprecation = info.deprecation
    planned = "" if deprecation is None else deprecation.status
    if deprecation is not None and deprecation.date is not None:
        planned += f" for {deprecation.date.isoformat()}"
    return FlagRow(
        name=info.name,
        title=info.display_name or "",
        description=info.description or "",
        deprecation=planned,
        variants=", ".join(variant_names(definition)),
        state="on" if evaluation.enabled else "off",
        variant=evaluation.variant or "",
        reason=reason,
        attributes=tuple((key, _json(value)) for key, value in evaluation.attributes.items()),
        reads=str(usage.reads if usage else 0),
        last_read=_moment(usage.last_read if usage else None),
    )


def variant_names(definition: Any) -> list[str]:
    """The variant names of a stored-form flag definition, in document order (else none)."""
    return [str(variant.get("name")) for variant in stored_variants(definition)]


def stored_variants(definition: Any) -> list[Mapping[str, Any]]:
    """The ``_variants`` of a stored-form flag definition (``{"flag": ..., "value": ...}``)."""
    value = definition.get("value") if isinstance(definition, Mapping) else None
    variants = value.get("_variants") if isinstance(value, Mapping) else None
    if not isinstance(variants, list):
        return []
    return [variant for variant in variants if isinstance(variant, Mapping)]


def _moment(moment: datetime | None) -> str:
    return "never" if moment is None else moment.isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _pair(line: str) -> tuple[str, str]:
    key, _, value = line.partition(": ")
    return key.replace("_", " "), value


#: The page, in the syntax Django's template language and Jinja share. Autoescaped by both.
TEMPLATE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Feature flags</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border-bottom: 1px solid #ddd; padding: .4em .8em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.on { color: #075; font-weight: 600; } .off { color: #a22; font-weight: 600; }
.muted { color: #777; } .deprecated { color: #a60; }
code { font-size: 13px; }
</style>
</head>
<body>
<h1>Feature flags <span class="muted">version {{ page.version }}</span></h1>
<p>What your requests get right now, and why. Read-only: flags change in AWS AppConfig.</p>
<table id="flags">
<thead><tr><th>Flag</th><th>Description</th><th>Variants</th><th>You get</th><th>Why</th>
<th>Reads</th></tr></thead>
<tbody>
{% for row in page.rows %}<tr data-flag="{{ row.name }}">
<td><code>{{ row.name }}</code>{% if row.title %}<br>{{ row.title }}{% endif %}</td>
<td>{{ row.description }}{% if row.deprecation %}
<br><span class="deprecated">Deprecation {{ row.deprecation }}</span>{% endif %}</td>
<td>{{ row.variants }}</td>
<td class="state"><span class="{{ row.state }}">{{ row.state }}</span>{% if row.variant %}
<br>variant <code class="variant">{{ row.variant }}</code>{% endif %}{% for key, value in row.attributes %}
<br><code>{{ key }}</code> = <code>{{ value }}</code>{% endfor %}</td>
<td class="reason">{{ row.reason }}</td>
<td class="usage"><span class="reads">{{ row.reads }}</span><br>
<span class="muted">last {{ row.last_read }}</span></td>
</tr>
{% endfor %}</tbody>
</table>
<p class="muted">Reads are this process's, since {{ page.usage_since }}; this page's own look
is not counted.</p>
<h2>Client status: <span id="health">{{ page.health }}</span></h2>
<table id="status">
{% for key, value in page.status %}<tr><th>{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
</body>
</html>
"""

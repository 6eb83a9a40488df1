"""The flags page for people: every flag, what the viewer gets and why, and the client's status.

`flags_page` builds the rows once for both adapters, and `TEMPLATE` is the one template
both render: it keeps to the syntax Django's template language and Jinja share (``for``,
``if``/``else``, attribute lookups, no filters), so the Django view and the Flask blueprint
cannot drift. Every value is worked out here, as text, so the template only places it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from appconfig_core._evaluation.result import Evaluation
from appconfig_core._evaluation.view import FlagsView
from appconfig_core._runtime.client import FlagClient
from appconfig_core._runtime.store import snapshot_flags

from .report import status_report

#: Reads per flag in this process, when the client collects them (see `FlagsPage.usage`).
UsageCounts = Mapping[str, int]


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
    usage: str


@dataclass(frozen=True, slots=True)
class FlagsPage:
    """What the page shows: the rows in document order, then the client's status lines.

    ``usage_collected`` tells the template whether to show the usage column at all.
    """

    rows: tuple[FlagRow, ...]
    status: tuple[tuple[str, str], ...]
    health: str
    version: str
    usage_collected: bool


def flags_page(
    client: FlagClient, view: FlagsView, *, usage: UsageCounts | None = None
) -> FlagsPage:
    """The page for the viewer of ``view`` (their request's view of ``client``).

    Each flag is evaluated through ``view``, so the page shows what that viewer's requests
    get, the Agent's per-request answers and QA overrides included. ``usage`` (reads per
    flag name) fills the usage column when the client collects it.
    """
    snapshot = view.snapshot
    rows = tuple(
        _row(name, snapshot.definition(name), view.evaluate, usage)
        for name in snapshot_flags(snapshot)
    )
    report = status_report(client.status)
    return FlagsPage(
        rows=rows,
        status=tuple(_pair(line) for line in report.lines()),
        health=report.health,
        version=snapshot.version or "-",
        usage_collected=usage is not None,
    )


def _row(
    name: str,
    definition: Any,
    evaluate: Callable[[str], Evaluation],
    usage: UsageCounts | None,
) -> FlagRow:
    declared = _declared(definition)
    evaluation = evaluate(name)
    reason = evaluation.reason + (f" ({evaluation.error})" if evaluation.error else "")
    return FlagRow(
        name=name,
        title=_text(declared.get("name")),
        description=_text(declared.get("description")),
        deprecation=_deprecation(declared.get("_deprecation")),
        variants=", ".join(variant_names(definition)),
        state="on" if evaluation.enabled else "off",
        variant=evaluation.variant or "",
        reason=reason,
        attributes=tuple((key, _json(value)) for key, value in evaluation.attributes.items()),
        usage="" if usage is None else str(usage.get(name, 0)),
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


def _declared(definition: Any) -> Mapping[str, Any]:
    flag = definition.get("flag") if isinstance(definition, Mapping) else None
    return flag if isinstance(flag, Mapping) else {}


def _deprecation(raw: Any) -> str:
    if not isinstance(raw, Mapping):
        return ""
    date = raw.get("date")
    return f"{raw.get('status', 'planned')} for {date}" if date else str(raw.get("status", ""))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


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
{% if page.usage_collected %}<th>Reads</th>{% endif %}</tr></thead>
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
{% if page.usage_collected %}<td class="usage">{{ row.usage }}</td>{% endif %}
</tr>
{% endfor %}</tbody>
</table>
<h2>Client status: <span id="health">{{ page.health }}</span></h2>
<table id="status">
{% for key, value in page.status %}<tr><th>{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
</body>
</html>
"""

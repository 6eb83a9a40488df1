"""`FlagsPanel`: the flags a request read, for the Django Debug Toolbar.

    DEBUG_TOOLBAR_PANELS = [..., "django_appconfig.panels.FlagsPanel"]

It shows what ``request.flags`` evaluated (value, variant, reason, error, attributes), the
configuration version the request was pinned to, and the process's usage of every flag of
the current document, in document order, with what the document declares about it (reads,
last read, description, deprecation), then the names read that the document lacks. It reads
only what was already computed: it evaluates no flag, builds no context and starts no client.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from debug_toolbar.panels import Panel
from django.http import HttpRequest, HttpResponseBase

from appconfig_core import Evaluation, FlagClient, FlagsView

from ._client import current_client


class FlagsPanel(Panel):
    """The flags evaluated in this request, their values, variants, reasons and the version."""

    is_async: bool = True

    @property
    def title(self) -> str:
        """The heading of the panel."""
        return "Feature flags"

    @property
    def nav_subtitle(self) -> str:
        """``"2 flags, version 7"`` in the side bar."""
        stats: dict[str, Any] = self.get_stats()  # type: ignore[no-untyped-call]
        count = len(stats.get("flags", ()))
        noun = "flag" if count == 1 else "flags"
        version = stats.get("version")
        return f"{count} {noun}" + (f", version {version}" if version else "")

    @property
    def template(self) -> str:
        """The template rendering the recorded stats."""
        return "django_appconfig/panel.html"

    def generate_stats(self, request: HttpRequest, response: HttpResponseBase) -> None:  # noqa: ARG002 - the toolbar's signature
        """Record the request's evaluations as JSON-safe data (the toolbar stores it as JSON)."""
        flags = getattr(request, "flags", None)
        client = current_client()
        status = client.status if client is not None else None
        stats: dict[str, Any] = {
            "pinned": isinstance(flags, FlagsView),
            "flags": [],
            "version": None,
            "source": client.source.description if client is not None else None,
            "origin": status.origin if status is not None else None,
            "current_version": status.version if status is not None else None,
        }
        if isinstance(flags, FlagsView):
            stats["version"] = flags.snapshot.version
            stats["flags"] = [_row(evaluation) for _, evaluation in sorted(flags.evaluated.items())]
        stats["usage"], stats["unknown"] = _usage(client) if client is not None else ([], [])
        self.record_stats(stats)  # type: ignore[no-untyped-call]


def _usage(client: FlagClient) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The process's reads of each flag of the current document, then of unknown names."""
    usage = client.usage()
    counts = {flag.name: flag for flag in usage.flags}
    rows = []
    for info in client.snapshot().flags:
        read = counts.get(info.name)
        deprecation = info.deprecation
        rows.append(
            {
                "name": info.name,
                "title": info.display_name or "",
                "description": info.description or "",
                "deprecated": ""
                if deprecation is None
                else f"{deprecation.status} {deprecation.date or ''}".strip(),
                "reads": 0 if read is None else read.reads,
                "last_read": _when(None if read is None else read.last_read),
            }
        )
    unknown = [
        {"name": name, "reads": counts[name].reads, "last_read": _when(counts[name].last_read)}
        for name in usage.not_in_document
    ]
    return rows, unknown


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="seconds")


def _row(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "name": evaluation.name,
        "enabled": evaluation.enabled,
        "value": _json(evaluation.value),
        "variant": evaluation.variant,
        "reason": evaluation.reason,
        "error": evaluation.error,
        "attributes": [(key, _json(value)) for key, value in evaluation.attributes.items()],
        "version": evaluation.version,
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


__all__ = ["FlagsPanel"]

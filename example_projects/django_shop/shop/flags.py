"""The shop's side of the flags: who the visitor is, and the rows of the status page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from appconfig_core import FlagsView


def visitor_name(request: HttpRequest) -> str | None:
    """The name the visitor signed in with (``?user=``), or None for an anonymous visitor.

    A real site would use ``request.user`` here (``request.user.get_username()``).
    """
    name = request.GET.get("user") or request.session.get("user")
    if not isinstance(name, str) or not name.strip():
        return None
    return name.strip()


def visitor_context(request: HttpRequest) -> dict[str, Any]:
    """The evaluation context (``APPCONFIG["CONTEXT"]``): what the flag rules can test.

    The ``recommendations`` flag gives ``$email`` addresses at example.com the staff
    layout, and splits everyone else by ``$user_id`` (the project's key for who the visitor is);
    an anonymous visitor gets the default.
    """
    name = visitor_name(request)
    return {"user_id": name, "email": name if name and "@" in name else None}


#: What the rules may read; ``validate`` and the checks warn about rules reading other keys.
visitor_context.context_keys = ("user_id", "email")  # type: ignore[attr-defined]


def flag_rows(flags: FlagsView) -> list[dict[str, Any]]:
    """One row per flag of the loaded document, in its order, for this request's visitor.

    What the document declares (title, description, deprecation) comes from the snapshot's
    flag metadata, so the table works the same whatever the document's format.
    """
    rows = []
    for info in flags.snapshot.flags:
        evaluation = flags.evaluate(info.name)
        deprecation = info.deprecation
        rows.append(
            {
                "name": info.name,
                "title": info.display_name or info.name,
                "description": info.description or "",
                "enabled": evaluation.enabled,
                "variant": evaluation.variant,
                "attributes": sorted(evaluation.attributes.items()),
                "reason": evaluation.reason,
                "deprecated": None
                if deprecation is None
                else (deprecation.date.isoformat() if deprecation.date else "at a date to be set"),
            }
        )
    return rows

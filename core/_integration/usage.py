"""What the three ``usage`` commands print, from a client in this process or a running app.

A process only knows its own reads, so the commands usually ask a running app: its health
endpoint (Django's ``django_appconfig.views.status``, Flask's ``APPCONFIG_HEALTH_URL``)
carries a ``usage`` section when the app sets ``REPORT_USAGE``. Without ``--url``, the
command prints the counts of its own short-lived process, which are mostly empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from appconfig_core.errors import ConfigurationError

#: The longest a ``usage --url`` command waits for the app to answer (seconds).
URL_TIMEOUT = 10.0


def usage_summary(usage: Mapping[str, Any]) -> str:
    """One line for the ``status`` commands: how many flags were read, and what stands out."""
    flags: Mapping[str, Any] = usage.get("flags") or {}
    read = sum(1 for entry in flags.values() if entry.get("reads"))
    never = usage.get("never_read") or []
    unknown = usage.get("not_in_document") or []
    return (
        f"{read} flag{'s' if read != 1 else ''} read since {usage.get('since') or '-'};"
        f" never read: {', '.join(never) or '-'}; not in the document: {', '.join(unknown) or '-'}"
    )


def usage_lines(usage: Mapping[str, Any]) -> list[str]:
    """The text form of ``usage``: one line per flag, then the two lists hygiene acts on."""
    lines = [f"reads since {usage.get('since') or '-'} (version {usage.get('version') or '-'})"]
    flags: Mapping[str, Any] = usage.get("flags") or {}
    width = max((len(name) for name in flags), default=0)
    for name, entry in flags.items():
        last = entry.get("last_read") or "never"
        lines.append(f"  {name:<{width}}  {entry.get('reads', 0):>8}  {last}")
    lines.append(f"never read: {', '.join(usage.get('never_read') or []) or '-'}")
    lines.append(f"not in the document: {', '.join(usage.get('not_in_document') or []) or '-'}")
    return lines


def usage_output(usage: Mapping[str, Any], *, as_json: bool = False) -> tuple[int, list[str]]:
    """What every ``usage`` command prints, and its exit status.

    Exit 1 when code read names the document lacks (typos, or flags removed while still
    read), else 0; a CI step or a monitor can act on it.
    """
    lines = [json.dumps(dict(usage), indent=2)] if as_json else usage_lines(usage)
    return (1 if usage.get("not_in_document") else 0), lines


#: The first line ``usage`` prints without ``--url``: the counts are this process's own.
LOCAL_NOTE = (
    "# reads of this command's own process only (mostly none); pass --url with the health"
    " endpoint of a running app that sets REPORT_USAGE"
)


def fetch_usage(url: str, *, timeout: float = URL_TIMEOUT) -> Mapping[str, Any]:
    """The ``usage`` section of the status payload a running app serves at ``url``.

    Raises `ConfigurationError` saying what went wrong: the app did not answer, answered
    something else than the status payload, or does not report usage (``REPORT_USAGE``).
    A 503 still carries the payload (the app has no flags yet), so it is read like a 200.
    """
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"--url must be an http(s) URL, not {url!r}")
    import urllib.error  # noqa: PLC0415 - a command's need; `import appconfig_core` stays light
    import urllib.request  # noqa: PLC0415 - as above

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConfigurationError(f"{url} did not answer: {reason}") from None
    try:
        body = json.loads(raw)
    except ValueError:
        raise ConfigurationError(f"{url} did not answer with the JSON status payload") from None
    if not isinstance(body, Mapping) or "health" not in body:
        raise ConfigurationError(f"{url} did not answer with the JSON status payload")
    usage = body.get("usage")
    if not isinstance(usage, Mapping):
        raise ConfigurationError(
            f"{url} reports no usage: set REPORT_USAGE (Django APPCONFIG['REPORT_USAGE'],"
            " Flask APPCONFIG_REPORT_USAGE) to True in that app"
        )
    return usage


__all__ = ["LOCAL_NOTE", "fetch_usage", "usage_lines", "usage_output", "usage_summary"]

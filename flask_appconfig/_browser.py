"""Flags for the browser in Flask: ``APPCONFIG_BROWSER_FLAGS``.

``{{ flags_json() }}`` embeds the request's allowed answers in a ``<script
type="application/json" id="appconfig-flags">``; ``APPCONFIG_BROWSER_FLAGS_URL`` serves the
same JSON at a path (``Cache-Control: private, no-store``). Both read the request's own
view, so page code sees the answers the server rendered with, QA overrides included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from flask import Flask, Response, current_app, jsonify
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from appconfig_core.integration import (
    BROWSER_CACHE_CONTROL,
    BROWSER_ELEMENT_ID,
    browser_flags,
    browser_payload,
)

from ._config import BROWSER_ENDPOINT
from ._state import view_for

_ALLOWED: Final = "appconfig.browser_flags"


def install_browser(app: Flask, setting: Any, url: str | None) -> None:
    """Add the ``flags_json`` Jinja global to ``app``, and the JSON route at ``url``.

    The route exists only when ``url`` is set and ``APPCONFIG_BROWSER_FLAGS`` names a flag.
    """
    allowed = app.extensions[_ALLOWED] = browser_flags(setting)
    app.jinja_env.globals["flags_json"] = flags_json
    if url and allowed:
        app.add_url_rule(
            url, endpoint=BROWSER_ENDPOINT, view_func=browser_flags_view, methods=["GET"]
        )


def payload() -> dict[str, Any]:
    """The current request's allowed answers (a detached view outside a request)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    allowed: Mapping[str, tuple[str, ...]] = app.extensions.get(_ALLOWED, {})
    return browser_payload(view_for(app), allowed)


def flags_json(element_id: str = BROWSER_ELEMENT_ID) -> Markup:
    """``{{ flags_json() }}``: the answers in a ``<script type="application/json">`` element.

    ``<``, ``>``, ``&`` and ``'`` are escaped in the JSON, so no value can close the element.
    """
    return Markup('<script type="application/json" id="{}">{}</script>').format(
        escape(element_id), htmlsafe_json_dumps(payload())
    )


def browser_flags_view() -> Response:
    """The answers as JSON; never cached, they belong to this visitor and browser."""
    response = jsonify(payload())
    response.headers["Cache-Control"] = BROWSER_CACHE_CONTROL
    return response

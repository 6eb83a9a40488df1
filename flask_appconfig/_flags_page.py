"""The flags page for people, as an optional blueprint:
``app.register_blueprint(flags_page_blueprint(allow=...), url_prefix="/-/flags")``.

Read-only: every flag in the document's order with its description, deprecation and
variants, what the viewer gets right now and why, and the client's status. ``allow`` (a
function of no arguments, called in the request) decides who may see it; without one,
only an app running in debug mode shows it. Everyone else gets 403.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, render_template_string

from appconfig_core.integration import FLAGS_PAGE_TEMPLATE, flags_page

from ._state import state_for

log = logging.getLogger("flask_appconfig")

Allow = Callable[[], object]


def flags_page_blueprint(allow: Allow | None = None, *, name: str = "appconfig_flags") -> Blueprint:
    """A blueprint serving the flags page at its root, to the requests ``allow`` admits.

    ``allow`` runs in the request (``current_user``, ``g`` and ``request`` work); one that
    raises denies, and the error is logged. Default: ``current_app.debug``.
    """
    blueprint = Blueprint(name, __name__)

    @blueprint.get("/")
    def page() -> Response:
        if not _allowed(allow):
            abort(403)
        state = state_for(current_app._get_current_object())  # type: ignore[attr-defined]
        html = render_template_string(
            FLAGS_PAGE_TEMPLATE, page=flags_page(state.client, state.request_view())
        )
        return Response(html, headers={"Cache-Control": "private, no-store"})

    return blueprint


def _allowed(allow: Allow | None) -> bool:
    if allow is None:
        return bool(current_app.debug)
    try:
        return bool(allow())
    except Exception:
        log.exception("flask_appconfig: the flags page's allow function raised; access denied")
        return False

"""QA overrides in Flask (``APPCONFIG_OVERRIDES``): ``?appconfig_flag_<name>=on|off``.

Off by default. When on, a request that carries the override cookie or parameters and that
the permission function admits (``True``: ``app.debug``; a function of no arguments, or its
dotted path, returning a bool) gets its flags from `FlagsView.with_overrides`, and the
cookie, signed with ``app.secret_key``, remembers them for that browser only. Requests
without either cost one dictionary lookup. See docs/security.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Flask, Response, current_app, g, request

from appconfig_core import FlagsView
from appconfig_core.integration import (
    OVERRIDE_COOKIE,
    OVERRIDE_SALT,
    forced_overrides,
    has_override_params,
    resolve_callable,
    resolve_overrides,
)

from ._visitor import signer, verified

log = logging.getLogger("flask_appconfig")

_STATES: Final = "_appconfig_overrides"
_COOKIE: Final = "_appconfig_override_cookie"
_PERMISSION: Final = "appconfig.overrides"
Permission = Callable[[], Any]


def default_permission() -> bool:
    """``APPCONFIG_OVERRIDES = True``: the app runs in debug mode."""
    return bool(current_app.debug)


def permission_for(setting: Any) -> Permission | None:
    """The function admitting requests to overrides (None: off); ``init_app`` validated it."""
    if not setting:
        return None
    if setting is True:
        return default_permission
    return resolve_callable(setting, allow_object=True)


def install_overrides(app: Flask, permission: Permission) -> None:
    """Lay overrides over the views of ``app``'s requests and send their cookie after them.

    The permission function runs on the first flag read (or after the view, for a request
    that read none), so the app's own ``before_request`` hooks (signing in or out) have run.
    """
    app.extensions[_PERMISSION] = permission
    app.before_request(_forget)
    app.after_request(send_override_cookie)


def _forget() -> None:
    # ``g`` outlives a request when an app context was pushed around several.
    g.pop(_STATES, None)
    g.pop(_COOKIE, None)


def _states() -> Mapping[str, bool] | None:
    """The request's override states, resolved once per request; None when it has none."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    permission: Permission | None = app.extensions.get(_PERMISSION)
    if permission is None:
        return None
    if _STATES in g:
        found: Mapping[str, bool] | None = g.get(_STATES)
        return found
    setattr(g, _STATES, None)
    if OVERRIDE_COOKIE not in request.cookies and not has_override_params(request.args):
        return None
    try:
        permitted = bool(permission())
    except Exception:  # a broken permission function refuses, never fails the request
        log.exception("flask_appconfig: the APPCONFIG_OVERRIDES permission function raised")
        permitted = False
    if not permitted or signer(app, OVERRIDE_SALT) is None:
        return None
    text, sent = verified(app, OVERRIDE_SALT, OVERRIDE_COOKIE)
    outcome = resolve_overrides(
        text, forged=sent and text is None, params=list(request.args.items())
    )
    setattr(g, _STATES, outcome.states)
    setattr(g, _COOKIE, outcome.cookie)
    return outcome.states


def overridden(view: FlagsView) -> FlagsView:
    """``view`` with the current request's overrides, if it has any."""
    states = _states()
    if not states:
        return view
    return view.with_overrides(forced_overrides(states))


def send_override_cookie(response: Response) -> Response:
    """``after_request``: set, replace or delete the cookie as the request's outcome says."""
    _states()
    if _COOKIE not in g:
        return response
    response.vary.add("Cookie")
    text: str | None = g.get(_COOKIE)
    if text == "":
        response.delete_cookie(OVERRIDE_COOKIE, samesite="Lax")
    elif text is not None:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        sign = signer(app, OVERRIDE_SALT)
        assert sign is not None
        response.set_cookie(
            OVERRIDE_COOKIE,
            sign.sign(text).decode(),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response

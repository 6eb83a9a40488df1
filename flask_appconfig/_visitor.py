"""The anonymous visitor's key in Flask, kept in a cookie signed with ``app.secret_key``.

`visitor_id` reads it, or makes one, the first time a rule asks; the extension's
``after_request`` hook (`send_visitor_cookie`) sends a new one with the response. Without a
``SECRET_KEY`` nothing can be signed: visitors get no key (logged once).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, Signer

from appconfig_core.integration import VISITOR_SALT, is_visitor_id, new_visitor_id

log = logging.getLogger("flask_appconfig")

_READ = "_appconfig_visitor_id"
_NEW = "_appconfig_new_visitor_id"
_warned: set[str] = set()


def signer(app: Flask, salt: str) -> Signer | None:
    """A signer keyed by ``app.secret_key``; None (logged once per app) when it has none."""
    key = app.secret_key
    if not key:
        if app.name not in _warned:
            _warned.add(app.name)
            log.warning(
                "flask_appconfig: the app %r has no SECRET_KEY, so it cannot sign the visitor"
                " and QA override cookies; anonymous visitors get no visitor_id and overrides"
                " are ignored until it has one",
                app.name,
            )
        return None
    return Signer(key, salt=salt)


def verified(app: Flask, salt: str, name: str) -> tuple[str | None, bool]:
    """The verified text of the request's cookie ``name``, and whether one was sent at all."""
    sent = request.cookies.get(name)
    if sent is None:
        return None, False
    sign = signer(app, salt)
    if sign is None:
        return None, True
    try:
        return sign.unsign(sent).decode(), True
    except (BadSignature, UnicodeDecodeError):
        return None, True


def visitor_id() -> str | None:
    """The visitor key of the current request's browser, made on first use.

    None when ``APPCONFIG_VISITOR_COOKIE`` is None or the app has no ``SECRET_KEY``. Use it
    in your own ``APPCONFIG_CONTEXT`` function to give anonymous visitors a rollout key.
    """
    if _READ in g:
        found: str | None = g.get(_READ)
        return found
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    name = app.config.get("APPCONFIG_VISITOR_COOKIE")
    value: str | None = None
    if name and signer(app, VISITOR_SALT) is not None:
        value, _ = verified(app, VISITOR_SALT, name)
        if not is_visitor_id(value):
            value = new_visitor_id()
            setattr(g, _NEW, value)
    setattr(g, _READ, value)
    return value


def install_visitor(app: Flask) -> None:
    """Send the cookie of a visitor key made during a request of ``app``."""
    app.before_request(forget_visitor)
    app.after_request(send_visitor_cookie)


def forget_visitor() -> None:
    """``before_request``: ``g`` outlives a request when an app context was pushed around several."""
    g.pop(_READ, None)
    g.pop(_NEW, None)


def send_visitor_cookie(response: Response) -> Response:
    """``after_request``: set the cookie of a key made in this request; vary by ``Cookie``."""
    if g.get(_READ) is None:
        return response
    response.vary.add("Cookie")
    new: Any = g.get(_NEW)
    if new is not None:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        sign = signer(app, VISITOR_SALT)
        assert sign is not None
        response.set_cookie(
            app.config["APPCONFIG_VISITOR_COOKIE"],
            sign.sign(new).decode(),
            max_age=app.config["APPCONFIG_VISITOR_MAX_AGE"],
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response

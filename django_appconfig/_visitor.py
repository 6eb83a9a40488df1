"""The anonymous visitor's key, kept in a signed cookie (``APPCONFIG["VISITOR_COOKIE"]``).

`visitor_id` reads it, or makes one, the first time a rule asks; `FlagsMiddleware` sends a
new one with the response. A cookie whose signature fails (forged, or signed with an old
``SECRET_KEY``) is replaced by a new id: the visitor may land in another bucket once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

from appconfig_core.integration import VISITOR_SALT, is_visitor_id, new_visitor_id

from . import conf

_READ = "_appconfig_visitor_id"
_NEW = "_appconfig_new_visitor_id"


def visitor_id(request: HttpRequest) -> str | None:
    """The visitor key of ``request``'s browser, made on first use; None when turned off.

    Use it in your own ``CONTEXT`` function to give anonymous visitors a rollout key:
    ``{"visitor_id": visitor_id(request), ...}``. The cookie is sent by `FlagsMiddleware`.
    """
    if hasattr(request, _READ):
        found: str | None = getattr(request, _READ)
        return found
    name = conf.get_config()["VISITOR_COOKIE"]
    value: str | None = None
    if name:
        sent = request.get_signed_cookie(name, default=None, salt=VISITOR_SALT)
        if is_visitor_id(sent):
            value = sent
        else:
            value = new_visitor_id()
            setattr(request, _NEW, value)
    setattr(request, _READ, value)
    return value


def send_visitor_cookie(request: HttpRequest, response: HttpResponseBase) -> None:
    """Set the cookie of a key made during ``request``; mark a response that used one.

    A response whose flags depended on the visitor's cookie varies by ``Cookie``, so no
    shared cache serves one visitor's page to another.
    """
    if getattr(request, _READ, None) is None:
        return
    patch_vary_headers(response, ("Cookie",))
    new = getattr(request, _NEW, None)
    if new is None:
        return
    config = conf.get_config()
    response.set_signed_cookie(
        config["VISITOR_COOKIE"],
        new,
        salt=VISITOR_SALT,
        max_age=config["VISITOR_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )

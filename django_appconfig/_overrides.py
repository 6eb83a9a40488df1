"""QA overrides in Django (``APPCONFIG["OVERRIDES"]``): ``?appconfig_flag_<name>=on|off``.

Off by default. When on, a request that carries the override cookie or parameters and that
the permission function admits (``True``: ``settings.DEBUG`` or a staff user; a dotted path:
your ``request -> bool``) gets its flags from `FlagsView.with_overrides`, and the cookie,
signed with ``SECRET_KEY``, remembers them for that browser only. Requests without either
cost one dictionary lookup. See docs/security.md.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

from appconfig_core import ConfigurationError, FlagsView
from appconfig_core.integration import (
    OVERRIDE_COOKIE,
    OVERRIDE_SALT,
    forced_overrides,
    has_override_params,
    resolve_callable,
    resolve_overrides,
)

from . import conf

log = logging.getLogger("django_appconfig")

#: The cookie to send with the response: its text, or "" to delete it.
_COOKIE = "_appconfig_override_cookie"
Permission = Callable[[HttpRequest], Any]


def default_permission(request: HttpRequest) -> bool:
    """``OVERRIDES = True``: the site runs with ``DEBUG``, or a staff user is signed in."""
    if settings.DEBUG:
        return True
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


@functools.cache
def permission() -> Permission | None:
    """The function admitting requests to overrides; None while overrides are off.

    Also None when the setting names nothing callable: ``manage.py check`` reports that
    (``django_appconfig.E015``), and the request path never raises for it.
    """
    setting = conf.get_config()["OVERRIDES"]
    if not setting:
        return None
    if setting is True:
        return default_permission
    try:
        return resolve_callable(setting, allow_object=True)
    except ConfigurationError:
        return None


conf.on_reset(permission.cache_clear)


def wants_overrides(request: HttpRequest) -> bool:
    """Whether ``request`` may carry overrides at all (cheap: no user, no signature)."""
    return permission() is not None and (
        OVERRIDE_COOKIE in request.COOKIES or has_override_params(request.GET)
    )


def apply_overrides(request: HttpRequest, flags: FlagsView) -> FlagsView:
    """``flags`` with the request's overrides laid over, when it carries some and may.

    Call only when `wants_overrides`. The permission function runs here (it may query the
    user, so async callers run this in a thread); one that raises refuses, logged.
    """
    allowed = permission()
    assert allowed is not None
    try:
        permitted = bool(allowed(request))
    except Exception:  # a broken permission function refuses, never fails the request
        log.exception("django_appconfig: the OVERRIDES permission function raised; refused")
        permitted = False
    if not permitted:
        return flags
    sent = OVERRIDE_COOKIE in request.COOKIES
    text = request.get_signed_cookie(OVERRIDE_COOKIE, default=None, salt=OVERRIDE_SALT)
    params = [(key, str(value)) for key, value in request.GET.items()]
    outcome = resolve_overrides(text, forged=sent and text is None, params=params)
    setattr(request, _COOKIE, outcome.cookie)
    if not outcome.states:
        return flags
    return flags.with_overrides(forced_overrides(outcome.states))


def send_override_cookie(request: HttpRequest, response: HttpResponseBase) -> None:
    """Set, replace or delete the override cookie as the request's outcome says."""
    if not hasattr(request, _COOKIE):
        return
    patch_vary_headers(response, ("Cookie",))
    text: str | None = getattr(request, _COOKIE)
    if text is None:
        return
    if text == "":
        response.delete_cookie(OVERRIDE_COOKIE, samesite="Lax")
        return
    response.set_signed_cookie(
        OVERRIDE_COOKIE,
        text,
        salt=OVERRIDE_SALT,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )

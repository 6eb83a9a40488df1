"""`FlagsMiddleware`: ``request.flags``, one snapshot and one context for the whole request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase

from ._flags import aflags_for, flags_for
from ._overrides import apply_overrides, send_override_cookie, wants_overrides
from ._visitor import send_visitor_cookie


class FlagsMiddleware:
    """Attach ``request.flags`` (an `appconfig_core.FlagsView`) to every request.

    The view is pinned to the snapshot current when the request arrived, so a flag cannot
    flip halfway through a page, and each flag is evaluated once per request. The context
    (``CONTEXT``, or the user when ``django.contrib.auth`` is installed) is built on the
    first flag read. In async mode the user is resolved before the view runs, because the
    ORM may not be called from the event loop.

    It also lays a tester's QA overrides over the view when ``OVERRIDES`` admits the request,
    and sends the cookies the request needs: the anonymous visitor's key once a rule read
    it, and the override cookie when the tester changed it.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode: bool = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.async_mode:
            return self.__acall__(request)
        flags = flags_for(request)
        if wants_overrides(request):
            request.flags = apply_overrides(request, flags)  # type: ignore[attr-defined]
        response: HttpResponseBase = self.get_response(request)
        _send_cookies(request, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        flags = await aflags_for(request)
        if wants_overrides(request):
            # The permission function may read request.user: not from the event loop.
            overridden = await sync_to_async(apply_overrides)(request, flags)
            request.flags = overridden  # type: ignore[attr-defined]
        response: HttpResponseBase = await self.get_response(request)
        _send_cookies(request, response)
        return response


def _send_cookies(request: HttpRequest, response: HttpResponseBase) -> None:
    send_visitor_cookie(request, response)
    send_override_cookie(request, response)

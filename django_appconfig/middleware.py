"""`FlagsMiddleware`: ``request.flags``, one snapshot and one context for the whole request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from ._flags import aflags_for, flags_for


class FlagsMiddleware:
    """Attach ``request.flags`` (an `appconfig_core.FlagsView`) to every request.

    The view is pinned to the snapshot current when the request arrived, so a flag cannot
    flip halfway through a page, and each flag is evaluated once per request. The context
    (``CONTEXT``, or the user when ``django.contrib.auth`` is installed) is built on the
    first flag read. In async mode the user is resolved before the view runs, because the
    ORM may not be called from the event loop.
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
        flags_for(request)
        response: HttpResponseBase = self.get_response(request)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        await aflags_for(request)
        response: HttpResponseBase = await self.get_response(request)
        return response

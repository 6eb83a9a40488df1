"""Where views, templates and decorators get a request's `FlagsView` from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest

from appconfig_core import FlagsView
from appconfig_core._agent_context import request_view

from . import conf
from ._client import aget_client, get_client
from ._context import apreload_user_context, user_context


def request_flags(request: HttpRequest) -> FlagsView:
    """``request.flags``, creating and pinning it when no middleware did."""
    flags = getattr(request, "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    flags = request_view(get_client(), _context_source(request))
    request.flags = flags  # type: ignore[attr-defined]
    return flags


async def arequest_flags(request: HttpRequest) -> FlagsView:
    """`request_flags` for async code: no blocking start and no ORM call in the event loop."""
    flags = getattr(request, "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    client = await aget_client()
    source = _context_source(request)
    if conf.get_context_function() is user_context:
        await apreload_user_context(request)
    flags = request_view(client, source)
    if flags.pending_io:
        await sync_to_async(flags.prefetch)()
    request.flags = flags  # type: ignore[attr-defined]
    return flags


def _context_source(request: HttpRequest) -> Callable[[], Mapping[str, Any]] | None:
    function = conf.get_context_function()
    return None if function is None else partial(function, request)


def detached_flags() -> FlagsView:
    """Flags with an empty context, for rendering outside a request (e-mails, PDFs, commands)."""
    return FlagsView(get_client().snapshot())

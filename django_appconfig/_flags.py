"""Where views, templates and decorators get a request's `FlagsView` from: `flags_for`.

Invalid settings never make a request fail: `manage.py check` reports them (and
``runserver`` refuses to start), but servers such as gunicorn run no checks, so on the
request path every flag then answers its default and the problem is logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest

from appconfig_core import ConfigurationError, FlagsView, Snapshot

from . import conf
from ._client import aget_client, get_client
from ._context import apreload_user_context, user_context

log = logging.getLogger("django_appconfig")

#: What requests read while the settings are invalid: no flags, so every read answers the
#: caller's default with reason ERROR / PROVIDER_NOT_READY.
_UNCONFIGURED = Snapshot(
    document=None, flags={}, defaults={}, version=None, content_type=None, loaded_at=None
)
_reported: set[str] = set()


def unconfigured(error: ConfigurationError) -> FlagsView:
    """A view answering defaults, for a request made while the settings are invalid."""
    message = str(error)
    if message not in _reported:
        _reported.add(message)
        log.error(
            "django_appconfig: invalid APPCONFIG settings, every flag answers its default"
            " until they are fixed (run manage.py check): %s",
            message,
        )
    return FlagsView(_UNCONFIGURED)


def flags_for(request: HttpRequest) -> FlagsView:
    """The flags of ``request``: ``request.flags``, made and pinned here if no middleware did.

    The typed way to reach them (``request.flags`` is an attribute Django's stubs do not
    know): one snapshot and one context for the whole request, each flag evaluated once.
    Never raises; with invalid settings every flag answers its default.
    """
    flags = getattr(request, "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    try:
        flags = get_client().view(_context_source(request))
    except ConfigurationError as error:
        flags = unconfigured(error)
    request.flags = flags  # type: ignore[attr-defined]
    return flags


async def aflags_for(request: HttpRequest) -> FlagsView:
    """`flags_for` for async code: no blocking start and no ORM call in the event loop."""
    flags = getattr(request, "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    try:
        client = await aget_client()
        source = _context_source(request)
    except ConfigurationError as error:
        flags = unconfigured(error)
    else:
        if conf.get_context_function() is user_context:
            await apreload_user_context(request)
        flags = client.view(source)
        if flags.pending_io:
            await sync_to_async(flags.prefetch)()
    request.flags = flags  # type: ignore[attr-defined]
    return flags


def _context_source(request: HttpRequest) -> Callable[[], Mapping[str, Any]] | None:
    function = conf.get_context_function()
    return None if function is None else partial(function, request)


def detached_flags() -> FlagsView:
    """Flags with an empty context, for rendering outside a request (e-mails, PDFs, commands)."""
    try:
        # No agent call: for an empty context the snapshot holds the agent's answer already.
        return FlagsView(get_client().snapshot())
    except ConfigurationError as error:
        return unconfigured(error)

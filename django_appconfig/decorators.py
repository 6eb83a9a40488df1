"""`flag_required`: a view that exists only while a flag is on (404, or a redirect)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from ._flags import aflags_for, flags_for

View = TypeVar("View", bound=Callable[..., Any])


def flag_required(name: str, redirect_to: str | None = None) -> Callable[[View], View]:
    """Serve the view only when flag ``name`` is on for the request.

    Otherwise raise `Http404`, or redirect to ``redirect_to`` (a URL or a URL pattern
    name). Works on sync and async views.
    """

    def decorator(view: View) -> View:
        if iscoroutinefunction(view):

            @wraps(view)
            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                flags = await aflags_for(request)
                if not flags.is_enabled(name):
                    return refuse(name, redirect_to)
                return await view(request, *args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not flags_for(request).is_enabled(name):
                return refuse(name, redirect_to)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def refuse(name: str, redirect_to: str | None) -> HttpResponseBase:
    """The answer for a request whose flag is off: a redirect, or a 404 raised."""
    if redirect_to is not None:
        return redirect(redirect_to)
    raise Http404(f"flag {name!r} is off")

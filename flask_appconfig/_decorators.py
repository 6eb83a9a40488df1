"""`flag_required`: a view answers only while a flag is on."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, redirect, url_for
from werkzeug.wrappers import Response

from ._state import view_for

F = TypeVar("F", bound=Callable[..., Any])


def flag_required(name: str, redirect_to: str | None = None) -> Callable[[F], F]:
    """Serve the view only when flag ``name`` is on for this request.

    Otherwise answer 404, or redirect to ``redirect_to``: a URL (anything with a ``/``) or
    an endpoint name for `~flask.url_for` (``"index"``, ``".local"``, ``"bp.view"``).
    Works on ``async def`` views (Flask's ``async`` extra) and in ``View.decorators``.
    """

    def refusal() -> Response | None:
        if view_for(None).is_enabled(name):
            return None
        if redirect_to is None:
            abort(404)
        return redirect(redirect_to if "/" in redirect_to else url_for(redirect_to))

    def decorate(view: F) -> F:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                refused = refusal()
                if refused is not None:
                    return refused
                return await view(*args, **kwargs)

            return cast(F, async_wrapper)

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refused = refusal()
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate

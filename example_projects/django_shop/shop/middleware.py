"""Remember who the visitor said they are (``?user=alice``) for the rest of their visit."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def remember_visitor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """``?user=NAME`` signs the visitor in as NAME; ``?user=`` (empty) signs them out."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "user" in request.GET:
            name = request.GET["user"].strip()[:64]
            if name:
                request.session["user"] = name
            else:
                request.session.pop("user", None)
        return get_response(request)

    return middleware

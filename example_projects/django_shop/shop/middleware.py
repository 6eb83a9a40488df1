"""Remember who the visitor said they are (``?user=alice``) for the rest of their visit, and
show it to views as ``request.user``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .flags import visitor_name


class ShopUser:
    """Who the visitor said they are, as ``request.user``: enough for staff-only views such as
    the library's flags page. A real site has ``django.contrib.auth``'s user here.

    Addresses at example.com are staff, as the ``recommendations`` flag's rule has it.
    """

    def __init__(self, name: str | None) -> None:
        self.name = name
        self.is_authenticated = self.is_active = name is not None
        self.is_staff = name is not None and name.endswith("@example.com")


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
        request.user = ShopUser(visitor_name(request))  # type: ignore[assignment]
        return get_response(request)

    return middleware

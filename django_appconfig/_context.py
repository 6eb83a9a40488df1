"""The default evaluation context: who the user is, read only when a flag needs it.

A page that reads no flag costs no session load and no user or group query; a page that
reads flags only of the kinds that ignore the context costs none either, because every key
is computed on first access. So is the anonymous visitor's key: its cookie is issued only
when a rule reads ``visitor_id`` or ``targeting_key`` for someone who is not signed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from asgiref.sync import sync_to_async
from django.http import HttpRequest

from appconfig_core.integration import VISITOR_KEYS, LazyContext, targeting_key

from ._visitor import visitor_id

USER_KEYS: Final = ("user_id", "is_authenticated", "is_staff", "groups")
#: Every key of the default context.
KEYS: Final = (*USER_KEYS, *VISITOR_KEYS)


class UserContext(LazyContext):
    """``user_id``, ``is_authenticated``, ``is_staff`` and ``groups`` (names) of ``request.user``,
    ``visitor_id`` for an anonymous visitor and ``targeting_key``, the one or the other.

    Values are computed per key on first access and kept; without ``request.user`` (no
    authentication middleware) the user is anonymous.
    """

    __slots__ = ()

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(_COMPUTE, request)

    def preload(self) -> None:
        """Compute the user's keys now (from a thread where database access is allowed).

        The visitor's keys stay lazy: they need no database, and computing them would
        issue a cookie to every anonymous visitor, read by a rule or not.
        """
        for key in USER_KEYS:
            self[key]


def _user(context: LazyContext) -> Any:
    return getattr(context.source, "user", None)


def _authenticated(context: LazyContext) -> bool:
    return bool(getattr(_user(context), "is_authenticated", False))


def _user_id(context: LazyContext) -> Any:
    if not context["is_authenticated"]:
        return None
    pk = _user(context).pk
    return pk if isinstance(pk, int | str) else str(pk)


def _staff(context: LazyContext) -> bool:
    return bool(context["is_authenticated"] and getattr(_user(context), "is_staff", False))


def _groups(context: LazyContext) -> list[str]:
    user = _user(context)
    if not context["is_authenticated"] or not hasattr(user, "groups"):
        return []
    return sorted(user.groups.values_list("name", flat=True))


def _visitor_id(context: LazyContext) -> str | None:
    return None if context["is_authenticated"] else visitor_id(context.source)


def _targeting_key(context: LazyContext) -> Any:
    return targeting_key(context["user_id"], context["visitor_id"])


_COMPUTE: Final[Mapping[str, Callable[[LazyContext], Any]]] = {
    "user_id": _user_id,
    "is_authenticated": _authenticated,
    "is_staff": _staff,
    "groups": _groups,
    "visitor_id": _visitor_id,
    "targeting_key": _targeting_key,
}


def user_context(request: HttpRequest) -> UserContext:
    """The default ``CONTEXT`` function when ``django.contrib.auth`` is installed."""
    context = getattr(request, "_appconfig_user_context", None)
    if context is None:
        context = UserContext(request)
        request._appconfig_user_context = context  # type: ignore[attr-defined]
    return context


async def apreload_user_context(request: HttpRequest) -> None:
    """Resolve the user (and, when signed in, the groups) outside the event loop.

    An async view reading a flag would otherwise query the session and user tables from the
    event loop, which Django forbids. Anonymous requests cost no query here.
    """
    await sync_to_async(user_context(request).preload)()

"""The default evaluation context: who the user is, read only when a flag needs it.

A page that reads no flag costs no session load and no user or group query; a page that
reads flags only of the kinds that ignore the context costs none either, because every key
is computed on first access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from asgiref.sync import sync_to_async
from django.http import HttpRequest

KEYS: Final = ("user_id", "is_authenticated", "is_staff", "groups")


class UserContext(Mapping[str, Any]):
    """``user_id``, ``is_authenticated``, ``is_staff`` and ``groups`` (names) of ``request.user``.

    Values are computed per key on first access and kept; without ``request.user`` (no
    authentication middleware) the user is anonymous.
    """

    __slots__ = ("_request", "_values")

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._values: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        compute = _COMPUTE.get(key)
        if compute is None:
            raise KeyError(key)
        value = self._values[key] = compute(getattr(self._request, "user", None))
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __len__(self) -> int:
        return len(KEYS)

    def __repr__(self) -> str:
        return f"<UserContext computed={sorted(self._values)}>"

    def preload(self) -> None:
        """Compute every key now (from a thread where database access is allowed)."""
        for key in KEYS:
            self[key]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _user_id(user: Any) -> Any:
    if not _authenticated(user):
        return None
    pk = user.pk
    return pk if isinstance(pk, int | str) else str(pk)


def _staff(user: Any) -> bool:
    return _authenticated(user) and bool(getattr(user, "is_staff", False))


def _groups(user: Any) -> list[str]:
    if not _authenticated(user) or not hasattr(user, "groups"):
        return []
    return sorted(user.groups.values_list("name", flat=True))


_COMPUTE: Final[Mapping[str, Callable[[Any], Any]]] = {
    "user_id": _user_id,
    "is_authenticated": _authenticated,
    "is_staff": _staff,
    "groups": _groups,
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

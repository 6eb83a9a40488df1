"""One app's runtime state: its client, its context function and the lazy start.

The client is started by the first flag read, never by ``init_app``: ``init_app`` runs at
import time, which under ``gunicorn --preload`` or ``flask run --reload`` is a process that
never serves, and a thread started there would not survive the fork anyway.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from flask import Flask, current_app, g, has_app_context, has_request_context, request

from appconfig_core import FlagClient, FlagsView
from appconfig_core.integration import LazyContext, targeting_key

from ._config import ContextFunction
from ._overrides import overridden
from ._visitor import visitor_id

if TYPE_CHECKING:
    from ._extension import AppConfigFlags

EXTENSION_KEY: Final = "appconfig"
_G_VIEW: Final = "_appconfig_flags"


class AppState:
    """What `AppConfigFlags` keeps for each app it was initialised on."""

    def __init__(self, client: FlagClient, context: ContextFunction | None) -> None:
        self.client = client
        self.context: ContextFunction = context or default_context
        self.unsubscribe: Callable[[], None] = _nothing
        self._lock = threading.Lock()
        self._started = False

    def ensure_started(self) -> None:
        """Start the client once; concurrent first readers all wait for the first document."""
        if self._started:
            return
        with self._lock:
            if not self._started:
                self.client.start()
                self._started = True

    def request_view(self) -> FlagsView:
        """The view pinned to the current request (one snapshot, one context)."""
        current = request._get_current_object()  # type: ignore[attr-defined]
        # Every template block comes through here: read ``g`` itself, not through its proxy,
        # whose attribute lookup costs several times the dictionary read.
        store = g._get_current_object()
        pinned: tuple[object, FlagsView] | None = store.get(_G_VIEW)
        if pinned is not None and pinned[0] is current:
            return pinned[1]
        self.ensure_started()
        view = overridden(self.client.view(self.context))
        # A request context reuses an app context already pushed for the same app, so ``g``
        # can outlive one request: the view remembers which request it belongs to.
        setattr(store, _G_VIEW, (current, view))
        return view

    def detached_view(self) -> FlagsView:
        """A view of the current snapshot with an empty context, for use outside requests."""
        self.ensure_started()
        # No agent call: for an empty context the snapshot holds the agent's answer already.
        return FlagsView(self.client.snapshot())


def _nothing() -> None:
    """Placeholder until ``init_app`` subscribes the signal bridge."""


def default_context() -> Mapping[str, Any]:
    """``user_id`` of a user logged in with Flask-Login (else None), ``visitor_id`` of an
    anonymous visitor (else None) and ``targeting_key``, the one or the other.

    Each is computed when a rule first reads it; the visitor's cookie is issued only then.
    """
    return LazyContext(_DEFAULT_CONTEXT)


def _user_id(context: LazyContext) -> Any:  # noqa: ARG001 - a LazyContext function
    login = sys.modules.get("flask_login")
    if login is None or not hasattr(current_app, "login_manager"):
        return None
    user = login.current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.get_id()


def _visitor_id(context: LazyContext) -> str | None:
    return None if context["user_id"] is not None else visitor_id()


def _targeting_key(context: LazyContext) -> Any:
    return targeting_key(context["user_id"], context["visitor_id"])


_DEFAULT_CONTEXT: Final[Mapping[str, Callable[[LazyContext], Any]]] = {
    "user_id": _user_id,
    "visitor_id": _visitor_id,
    "targeting_key": _targeting_key,
}
#: The keys of `default_context`, for checking rules against them.
DEFAULT_CONTEXT_KEYS: Final = frozenset(_DEFAULT_CONTEXT)


def forget_request_view() -> None:
    """Drop the pinned view so the next read in this request sees a new snapshot."""
    if has_app_context():
        g.pop(_G_VIEW, None)


def extension_for(app: Flask) -> AppConfigFlags:
    """The extension registered on ``app``; a `RuntimeError` naming the fix when there is none."""
    extension: AppConfigFlags | None = app.extensions.get(EXTENSION_KEY)
    if extension is None:
        raise RuntimeError(
            f"The app {app.name!r} has no AppConfigFlags extension. Create one with"
            " flags = AppConfigFlags(app) or call flags.init_app(app) in your app factory."
        )
    return extension


def state_for(app: Flask) -> AppState:
    """The state of ``app``; a `RuntimeError` when ``init_app`` was not called on it."""
    return extension_for(app)._state_of(app)


def view_for(app: Flask | None = None) -> FlagsView:
    """The request's pinned view when in a request of ``app``, else a detached view."""
    if app is None:
        if not has_app_context():
            raise RuntimeError(
                "Reading feature flags needs an application context. Read current_flags in"
                " a view or template, or push one with `with app.app_context():`."
            )
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        assert app is not None
    state = state_for(app)
    if has_request_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        return state.request_view()
    return state.detached_view()

"""`AppConfigFlags`: the extension object, in the shape of Flask's own extension guide."""

from __future__ import annotations

import inspect
import logging
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from blinker import NamedSignal
from flask import Flask, current_app, has_app_context

from appconfig_core import ChangeEvent, FlagClient, MissingFlag, build_client
from appconfig_core.errors import ConfigurationError
from appconfig_core.integration import (
    CONFIG_CHANGED,
    FLAG_CHANGED,
    FLAG_MISSING,
    FLAGS_REMOVED,
    change_signals,
    missing_signal,
    receiver_name,
    report_receiver_error,
)
from appconfig_core.testing import Predicate, force_variant

from ._browser import install_browser
from ._cli import appconfig_cli, signals_muted
from ._config import (
    ADAPTER_KEYS,
    PREFIX,
    error_message,
    find_problems,
    read_settings,
    resolve_context,
    set_defaults,
)
from ._health import add_health_route
from ._jinja import install_jinja
from ._overrides import install_overrides, permission_for
from ._state import EXTENSION_KEY, AppState, forget_request_view
from ._visitor import install_visitor
from .signals import config_changed, flag_changed, flag_missing, flags_removed

log = logging.getLogger("flask_appconfig")

SIGNALS: Mapping[str, NamedSignal] = {
    CONFIG_CHANGED: config_changed,
    FLAG_CHANGED: flag_changed,
    FLAGS_REMOVED: flags_removed,
}


class AppConfigFlags:
    """Feature flags from AWS AppConfig for one or more Flask apps.

    ``AppConfigFlags(app)``, or ``flags = AppConfigFlags()`` then ``flags.init_app(app)`` in
    an app factory; one extension may serve several apps, each with its own client built
    from its own config. Pass ``client`` (a `~appconfig_core.FlagClient`, unstarted) to use
    it for every app instead; the source keys are then ignored.

    ``init_app`` defaults these config keys with ``app.config.setdefault`` (see
    docs/flask.md for each):

    - ``APPCONFIG_SOURCE`` ``"appconfig"`` (or ``"agent"``, ``"file"``)
    - ``APPCONFIG_APPLICATION``, ``APPCONFIG_ENVIRONMENT``, ``APPCONFIG_PROFILE`` ``None``
      (required for the ``appconfig`` and ``agent`` sources)
    - ``APPCONFIG_FILE`` ``None`` (required for the ``file`` source)
    - ``APPCONFIG_AGENT_URL`` ``"http://localhost:2772"``, ``APPCONFIG_AGENT_TOKEN`` ``None``
    - ``APPCONFIG_POLL_INTERVAL`` ``None`` (the source's own default)
    - ``APPCONFIG_CACHE_PATH`` ``None``, ``APPCONFIG_DEFAULTS`` ``{}``
    - ``APPCONFIG_START_TIMEOUT`` ``5.0``, ``APPCONFIG_FORMAT`` ``"auto"``
    - ``APPCONFIG_REGION`` ``None``, ``APPCONFIG_ENDPOINT_URL`` ``None``
    - ``APPCONFIG_STRICT`` ``None`` (strict only under `override`), ``APPCONFIG_REPORT_USAGE``
      ``False`` (usage in the health payload): docs/hygiene.md
    - ``APPCONFIG_CONTEXT`` ``None``: a function of no arguments (or its dotted path)
      returning the request's evaluation context
    - ``APPCONFIG_HEALTH_URL`` ``None``: a path to serve the JSON health endpoint at
    - ``APPCONFIG_BROWSER_FLAGS`` ``None``: the flags (and attributes) ``flags_json()``
      and ``APPCONFIG_BROWSER_FLAGS_URL`` (``None``: no route) hand to the browser
    - ``APPCONFIG_OVERRIDES`` ``False``: QA overrides; ``True`` admits them in debug mode,
      or a function (or its dotted path) of no arguments decides
    - ``APPCONFIG_VISITOR_COOKIE`` ``"appconfig_visitor"`` (``None``: anonymous visitors get
      no key), ``APPCONFIG_VISITOR_MAX_AGE`` a year, in seconds
    """

    def __init__(self, app: Flask | None = None, *, client: FlagClient | None = None) -> None:
        self._client = client
        self._states: weakref.WeakKeyDictionary[Flask, AppState] = weakref.WeakKeyDictionary()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register on ``app``: validate its config, build its client (unstarted), add the
        Jinja tag and globals, the ``flask appconfig`` commands and the health route.

        Raises `~appconfig_core.ConfigurationError` listing every bad ``APPCONFIG_*`` key.
        """
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                f"An AppConfigFlags extension is already registered on the app {app.name!r}."
                " Call init_app once per app; reach the registered one through"
                f' app.extensions["{EXTENSION_KEY}"].'
            )
        set_defaults(app.config)
        settings = read_settings(app.config)
        problems = find_problems(settings, own_client=self._client is not None, app=app)
        for problem in problems:
            if problem.code.startswith("W"):
                log.warning("flask_appconfig: %s (%s)", problem, problem.hint)
        errors = [p for p in problems if p.code.startswith("E")]
        if errors:
            raise ConfigurationError(error_message(errors))
        client = self._client
        if client is None:
            core = {key: value for key, value in settings.items() if key not in ADAPTER_KEYS}
            client = build_client(core, prefix=PREFIX)
        state = AppState(client, resolve_context(settings["CONTEXT"]))
        state.unsubscribe = _both(
            client.on_change(_signal_bridge(app)), client.on_missing(_missing_bridge(app))
        )
        weakref.finalize(app, state.unsubscribe)
        self._states[app] = state
        app.extensions[EXTENSION_KEY] = self
        install_jinja(app)
        install_browser(app, settings["BROWSER_FLAGS"], settings["BROWSER_FLAGS_URL"])
        install_visitor(app)
        permission = permission_for(settings["OVERRIDES"])
        if permission is not None:
            install_overrides(app, permission)
        app.cli.add_command(appconfig_cli)
        if settings["HEALTH_URL"]:
            add_health_route(app, settings["HEALTH_URL"])

    def get_client(self, app: Flask | None = None) -> FlagClient:
        """The client of ``app`` (default: the current app), started or not."""
        return self._state_of(self._resolve_app(app)).client

    @contextmanager
    def override(
        self, flags: Mapping[str, Any], *, app: Flask | None = None
    ) -> Iterator[AppConfigFlags]:
        """Force flags inside a ``with`` block (tests); restored on exit, nests.

        Values are as in ``APPCONFIG_DEFAULTS``: ``True``/``False`` or ``{"enabled": ...,
        attribute: ...}``. ``current_flags``, templates and `flag_required` all see them,
        including later in a request that already read a flag.
        """
        client = self.get_client(app)
        try:
            with client.override(flags):
                forget_request_view()
                yield self
        finally:
            forget_request_view()

    @contextmanager
    def force_variant(
        self,
        flag: str,
        variant: str,
        *,
        when: Predicate | None = None,
        enabled: bool | None = None,
        attributes: Mapping[str, Any] | None = None,
        app: Flask | None = None,
    ) -> Iterator[AppConfigFlags]:
        """Answer ``variant`` of ``flag`` to the contexts ``when`` accepts, inside a ``with``
        block (tests); other contexts keep the document's rules.

        See `appconfig_core.testing.force_variant` for ``enabled`` and ``attributes``.
        """
        client = self.get_client(app)
        try:
            with force_variant(
                client, flag, variant, when=when, enabled=enabled, attributes=attributes
            ):
                forget_request_view()
                yield self
        finally:
            forget_request_view()

    def _resolve_app(self, app: Flask | None) -> Flask:
        if app is not None:
            return app
        if has_app_context():
            found: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            return found
        apps = list(self._states.keys())
        if len(apps) == 1:
            return apps[0]
        raise RuntimeError(
            "No application context: pass app=... or use `with app.app_context():`"
            f" (this extension is registered on {len(apps)} apps)."
        )

    def _state_of(self, app: Flask) -> AppState:
        state = self._states.get(app)
        if state is None:
            raise RuntimeError(
                f"This AppConfigFlags extension is not registered on the app {app.name!r};"
                " did you forget to call flags.init_app(app)?"
            )
        return state

    def __repr__(self) -> str:
        return f"<AppConfigFlags apps={len(self._states)}>"


def _signal_bridge(app: Flask) -> Callable[[ChangeEvent], None]:
    """A core listener that re-sends each change as blinker signals with ``app`` as sender.

    It runs on the poller thread, where ``current_app`` is unbound, so it holds the app
    itself (weakly: the client may outlive an app that shares it).
    """
    app_ref = weakref.ref(app)

    def bridge(event: ChangeEvent) -> None:
        sender = app_ref()
        if sender is None or signals_muted(sender):
            return
        with sender.app_context():
            for name, kwargs in change_signals(event):
                _send_robust(SIGNALS[name], name, sender, kwargs)

    return bridge


def _both(first: Callable[[], None], second: Callable[[], None]) -> Callable[[], None]:
    def unsubscribe() -> None:
        first()
        second()

    return unsubscribe


def _missing_bridge(app: Flask) -> Callable[[MissingFlag], None]:
    """A core listener that sends `flag_missing` with ``app`` as sender, on the reading thread.

    Inside a request of ``app`` its context is used as it is (receivers see its ``g``);
    elsewhere an application context is pushed for the send.
    """
    app_ref = weakref.ref(app)

    def bridge(found: MissingFlag) -> None:
        sender = app_ref()
        if sender is None or signals_muted(sender):
            return
        kwargs = missing_signal(found)
        if has_app_context() and current_app._get_current_object() is sender:  # type: ignore[attr-defined]
            _send_robust(flag_missing, FLAG_MISSING, sender, kwargs)
            return
        with sender.app_context():
            _send_robust(flag_missing, FLAG_MISSING, sender, kwargs)

    return bridge


def _send_robust(signal: NamedSignal, name: str, sender: Flask, kwargs: dict[str, Any]) -> None:
    """``signal.send`` that logs a raising receiver, naming it, and goes on with the others.

    With plain ``send`` one broken receiver would silence every receiver after it, and the
    rest of this change's signals, until the next change.
    """
    if signal.is_muted or not signal.receivers:
        return
    for receiver in signal.receivers_for(sender):
        if inspect.iscoroutinefunction(receiver):
            log.error(
                "flask_appconfig: the %s receiver %s is async and was skipped; receivers run"
                " on the poller thread, connect a plain function",
                name,
                receiver_name(receiver),
            )
            continue
        try:
            receiver(sender, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a receiver's bug must not stop the others
            report_receiver_error(log, name, receiver, exc)

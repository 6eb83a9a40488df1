"""The ``APPCONFIG_*`` config keys: defaults, validation and the context function.

The core owns the meaning and the checks of the shared keys
(`appconfig_core.integration.settings_problems`); this module only adds the prefix and the
keys that exist in Flask alone: ``CONTEXT`` (E006), ``HEALTH_URL`` and ``BROWSER_FLAGS_URL``
(E009).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Config, Flask

from appconfig_core.errors import ConfigurationError
from appconfig_core.integration import (
    DEFAULTS as CORE_DEFAULTS,
)
from appconfig_core.integration import (
    SettingProblem,
    callable_problem,
    guard_context,
    merged_settings,
    resolve_callable,
    settings_problems,
)

PREFIX: Final = "APPCONFIG_"

#: Keys only the Flask extension reads, with their defaults.
ADAPTER_DEFAULTS: Final[Mapping[str, Any]] = {
    "CONTEXT": None,
    "HEALTH_URL": None,
    "BROWSER_FLAGS_URL": None,
}
ADAPTER_KEYS: Final = frozenset(ADAPTER_DEFAULTS)

ContextFunction = Callable[[], Mapping[str, Any]]

log = logging.getLogger("flask_appconfig")

#: The health view's endpoint name (``url_for("appconfig_health")``).
HEALTH_ENDPOINT: Final = "appconfig_health"
#: The browser flags view's endpoint name (``url_for("appconfig_browser_flags")``).
BROWSER_ENDPOINT: Final = "appconfig_browser_flags"

_CONTEXT_HINT: Final = "use a function taking no arguments that returns a dict, or its dotted path"
_HEALTH_HINT: Final = 'use a path such as "/-/flags", or None to serve no health endpoint'
_BROWSER_HINT: Final = 'use a path such as "/-/flags.json", or None to serve no JSON endpoint'


def set_defaults(config: Config) -> None:
    """``setdefault`` every ``APPCONFIG_*`` key once (mutable defaults are copied per app)."""
    for key, value in {**CORE_DEFAULTS, **ADAPTER_DEFAULTS}.items():
        config.setdefault(PREFIX + key, copy.deepcopy(value))


def read_settings(config: Config) -> dict[str, Any]:
    """The ``APPCONFIG_*`` keys without their prefix, merged over the defaults."""
    return merged_settings(
        {key[len(PREFIX) :]: value for key, value in config.items() if key.startswith(PREFIX)}
    )


def find_problems(
    settings: Mapping[str, Any], *, own_client: bool, app: Flask | None = None
) -> list[SettingProblem]:
    """Every problem in ``settings``; source keys are not checked when a client was given.

    With ``app``, a ``HEALTH_URL`` that one of its views already serves is a problem too.
    """
    problems = settings_problems(settings, prefix=PREFIX, extra_keys=ADAPTER_KEYS)
    if own_client:
        problems = [p for p in problems if not p.is_error]
    found = [
        None
        if settings.get("CONTEXT") is None
        else callable_problem(
            settings["CONTEXT"],
            key=PREFIX + "CONTEXT",
            code="E006",
            hint=_CONTEXT_HINT,
            allow_object=True,
        ),
    ]
    for key, endpoint in (("HEALTH_URL", HEALTH_ENDPOINT), ("BROWSER_FLAGS_URL", BROWSER_ENDPOINT)):
        url = settings.get(key)
        problem = _url_problem(url, key)
        if problem is None and app is not None and url is not None:
            problem = health_route_problem(app, url, endpoint, key=key)
        found.append(problem)
    return problems + [problem for problem in found if problem is not None]


def _url_problem(url: Any, key: str) -> SettingProblem | None:
    if url is None or (isinstance(url, str) and url.startswith("/")):
        return None
    shown = repr(url) if isinstance(url, str) else type(url).__name__
    hint = _HEALTH_HINT if key == "HEALTH_URL" else _BROWSER_HINT
    return SettingProblem("E009", PREFIX + key, f"{shown} is not a path", hint)


def health_route_problem(
    app: Flask, url: str, endpoint: str, *, key: str = "HEALTH_URL"
) -> SettingProblem | None:
    """E009 when another view of ``app`` already answers GET at ``url`` (the path of ``key``).

    Werkzeug would keep both rules and serve only one of them, silently: either the health
    endpoint or the application's own page would never be reached.
    """
    for rule in app.url_map.iter_rules():
        if rule.rule == url and rule.endpoint != endpoint and "GET" in (rule.methods or ()):
            return SettingProblem(
                "E009",
                PREFIX + key,
                f"{url!r} is already the route of the view {rule.endpoint!r}",
                "choose a path no view of the app uses, e.g. '/-/flags'",
            )
    return None


def error_message(problems: list[SettingProblem]) -> str:
    """One message listing every error, each with its code, key and hint."""
    lines = [f"[{p.code}] {p} ({p.hint})" for p in problems]
    return "flask_appconfig cannot start:\n  " + "\n  ".join(lines)


def resolve_context(value: Any) -> ContextFunction | None:
    """The context function ``APPCONFIG_CONTEXT`` names, guarded so that a raise or a
    non-dict gives an empty context (logged once) instead of a failed request.

    `ConfigurationError` when it names nothing callable.
    """
    if value is None:
        return None
    try:
        function = resolve_callable(value, allow_object=True)
    except ConfigurationError as exc:
        raise ConfigurationError(f"[E006] {PREFIX}CONTEXT: {exc}") from None
    return guard_context(function, log)

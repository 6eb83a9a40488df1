"""The ``APPCONFIG_*`` config keys: defaults, validation and the context function.

The core owns the meaning of the shared keys (`appconfig_core._integration.settings`); this module
only adds the prefix and the keys that exist in Flask alone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Config

from appconfig_core import SettingProblem, merged_settings, settings_problems
from appconfig_core._integration.report import import_string
from appconfig_core._integration.settings import DEFAULTS as CORE_DEFAULTS
from appconfig_core.errors import ConfigurationError

PREFIX: Final = "APPCONFIG_"

#: Keys only the Flask extension reads, with their defaults.
ADAPTER_DEFAULTS: Final[Mapping[str, Any]] = {"CONTEXT": None, "HEALTH_URL": None}
ADAPTER_KEYS: Final = frozenset(ADAPTER_DEFAULTS)

ContextFunction = Callable[[], Mapping[str, Any]]


def set_defaults(config: Config) -> None:
    """``setdefault`` every ``APPCONFIG_*`` key once (mutable defaults are copied per app)."""
    for key, value in {**CORE_DEFAULTS, **ADAPTER_DEFAULTS}.items():
        config.setdefault(PREFIX + key, copy.deepcopy(value))


def read_settings(config: Config) -> dict[str, Any]:
    """The ``APPCONFIG_*`` keys without their prefix, merged over the defaults."""
    return merged_settings(
        {key[len(PREFIX) :]: value for key, value in config.items() if key.startswith(PREFIX)}
    )


def find_problems(settings: Mapping[str, Any], *, own_client: bool) -> list[SettingProblem]:
    """Every problem in ``settings``; source keys are not checked when a client was given."""
    problems = settings_problems(settings, prefix=PREFIX, extra_keys=ADAPTER_KEYS)
    if own_client:
        problems = [p for p in problems if p.code == "W001"]
    try:
        resolve_context(settings.get("CONTEXT"))
    except ConfigurationError as exc:
        problems.append(
            SettingProblem(
                "E006",
                PREFIX + "CONTEXT",
                str(exc),
                "use a function taking no arguments that returns a dict, or its dotted path",
            )
        )
    url = settings.get("HEALTH_URL")
    if url is not None and not (isinstance(url, str) and url.startswith("/")):
        problems.append(
            SettingProblem(
                "E009",
                PREFIX + "HEALTH_URL",
                f"health URL {url!r} is not a path",
                'use a path such as "/-/flags", or None to serve no health endpoint',
            )
        )
    return problems


def error_message(problems: list[SettingProblem]) -> str:
    """One message listing every error, each with its code, key and hint."""
    lines = [f"[{p.code}] {p.key}: {p.message} ({p.hint})" for p in problems]
    return "flask_appconfig cannot start:\n  " + "\n  ".join(lines)


def resolve_context(value: Any) -> ContextFunction | None:
    """The context function ``APPCONFIG_CONTEXT`` names; `ConfigurationError` when unusable."""
    if value is None:
        return None
    target = import_string(value) if isinstance(value, str) else value
    if not callable(target):
        raise ConfigurationError(f"APPCONFIG_CONTEXT {value!r} is not callable")
    function: ContextFunction = target
    return function

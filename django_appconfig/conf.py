"""The ``APPCONFIG`` setting, merged over the core's defaults, and every cache derived from it.

Everything derived from settings (the merged dict, the context function, the process
client) is cached, and the `setting_changed` receiver below clears all of it, so
``override_settings(APPCONFIG=...)`` takes effect in tests with no restart.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

from appconfig_core import ConfigurationError
from appconfig_core.integration import (
    SettingProblem,
    callable_problem,
    configuration_error,
    container_problem,
    guard_context,
    merged_settings,
    resolve_callable,
    settings_problems,
)

#: The adapter's own keys, on top of the core's (appconfig_core.integration.DEFAULTS).
ADAPTER_DEFAULTS: Final[Mapping[str, Any]] = {
    "CONTEXT": None,  # dotted path of a `request -> Mapping` function
    "CLIENT": None,  # dotted path of a `() -> FlagClient` factory; replaces the source keys
}
ADAPTER_KEYS: Final = frozenset(ADAPTER_DEFAULTS)

#: How problems name a key: ``APPCONFIG.FILE``.
PREFIX: Final = "APPCONFIG."

ContextFunction = Callable[[HttpRequest], Mapping[str, Any]]

log: logging.Logger = logging.getLogger("django_appconfig")
_resets: list[Callable[[], None]] = []


@functools.cache
def get_config() -> dict[str, Any]:
    """``settings.APPCONFIG`` over the documented defaults (core keys and adapter keys).

    An ``APPCONFIG`` that is not a dict counts as empty here; `problems` reports it.
    """
    configured = getattr(settings, "APPCONFIG", None)
    if not isinstance(configured, Mapping):
        configured = {}
    return {**ADAPTER_DEFAULTS, **merged_settings(configured)}


def problems() -> list[SettingProblem]:
    """Every problem in ``APPCONFIG``, read afresh (a FILE may appear between two checks).

    The core's problems for the shared keys (skipped when ``CLIENT`` replaces them), then
    ``CLIENT`` (E008) and ``CONTEXT`` (E006).
    """
    shell = container_problem(getattr(settings, "APPCONFIG", None), "APPCONFIG")
    if shell is not None:
        return [shell]
    config = get_config()
    found: list[SettingProblem | None] = []
    if not config["CLIENT"]:
        found += settings_problems(config, prefix=PREFIX, extra_keys=ADAPTER_KEYS)
    else:
        found.append(
            callable_problem(
                config["CLIENT"],
                key=PREFIX + "CLIENT",
                code="E008",
                hint="set it to the dotted path of a () -> FlagClient function,"
                " e.g. 'myproject.flags.client'",
            )
        )
    if config["CONTEXT"]:
        found.append(
            callable_problem(
                config["CONTEXT"],
                key=PREFIX + "CONTEXT",
                code="E006",
                hint="set it to the dotted path of a request -> dict function,"
                " e.g. 'myproject.flags.context'",
            )
        )
    return [problem for problem in found if problem is not None]


def raise_for_problems() -> None:
    """Raise one `ConfigurationError` naming every error in ``APPCONFIG``; warnings pass."""
    error = configuration_error(problems())
    if error is not None:
        raise error


@functools.cache
def get_context_function() -> ContextFunction | None:
    """The function building a request's evaluation context, or None for an empty one.

    ``CONTEXT`` wins, guarded so that a raise or a non-dict gives an empty context (logged
    once) instead of a failed request; without it, the user-based default when
    ``django.contrib.auth`` is installed. Raises `ConfigurationError` when ``CONTEXT``
    names nothing callable.
    """
    dotted = get_config()["CONTEXT"]
    if dotted:
        try:
            function = resolve_callable(dotted)
        except ConfigurationError as exc:
            raise ConfigurationError(f"[E006] {PREFIX}CONTEXT: {exc}") from None
        return guard_context(function, log)
    if apps.is_installed("django.contrib.auth"):
        from ._context import user_context  # noqa: PLC0415 - needs the auth app ready

        return user_context
    return None


def on_reset(function: Callable[[], None]) -> Callable[[], None]:
    """Register ``function`` to run whenever the settings caches are cleared."""
    _resets.append(function)
    return function


def reset() -> None:
    """Forget every value derived from settings (the process client included)."""
    get_config.cache_clear()
    get_context_function.cache_clear()
    for function in _resets:
        function()


@receiver(setting_changed)
def _setting_changed(*, setting: str, **kwargs: Any) -> None:  # noqa: ARG001 - signal kwargs
    if setting in {"APPCONFIG", "INSTALLED_APPS"}:
        reset()

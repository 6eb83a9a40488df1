"""The ``APPCONFIG`` setting, merged over the core's defaults, and every cache derived from it.

Everything derived from settings (the merged dict, the context function, the process
client) is cached, and the `setting_changed` receiver below clears all of it, so
``override_settings(APPCONFIG=...)`` takes effect in tests with no restart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

from appconfig_core import merged_settings
from appconfig_core._integration.report import import_string

#: The adapter's own keys, on top of the core's (appconfig_core._integration.settings.DEFAULTS).
ADAPTER_DEFAULTS: Final[Mapping[str, Any]] = {
    "CONTEXT": None,  # dotted path of a `request -> Mapping` function
    "CLIENT": None,  # dotted path of a `() -> FlagClient` factory; replaces the source keys
}
ADAPTER_KEYS: Final = frozenset(ADAPTER_DEFAULTS)

ContextFunction = Callable[[HttpRequest], Mapping[str, Any]]

_resets: list[Callable[[], None]] = []


@functools.cache
def get_config() -> dict[str, Any]:
    """``settings.APPCONFIG`` over the documented defaults (core keys and adapter keys)."""
    configured = getattr(settings, "APPCONFIG", None) or {}
    return {**ADAPTER_DEFAULTS, **merged_settings(configured)}


@functools.cache
def get_context_function() -> ContextFunction | None:
    """The function building a request's evaluation context, or None for an empty one.

    ``CONTEXT`` wins; without it, the user-based default when ``django.contrib.auth`` is
    installed. Raises `ConfigurationError` when ``CONTEXT`` cannot be imported.
    """
    dotted = get_config()["CONTEXT"]
    if dotted:
        function: ContextFunction = import_string(dotted)
        return function
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

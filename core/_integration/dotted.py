"""Dotted paths in settings (``"myapp.flags.context"``) resolved to the objects they name."""

from __future__ import annotations

import importlib
from typing import Any

from appconfig_core.errors import ConfigurationError


def import_string(dotted: str) -> Any:
    """The object at ``"package.module.name"``; `ConfigurationError` saying what failed."""
    module_name, _, attribute = dotted.rpartition(".")
    if not module_name:
        raise ConfigurationError(f"{dotted!r} is not a dotted path like 'package.module.name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigurationError(f"cannot import {module_name!r} for {dotted!r}: {exc}") from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ConfigurationError(f"module {module_name!r} has no attribute {attribute!r}") from None

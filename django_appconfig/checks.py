"""System checks for ``APPCONFIG``: stable ids ``django_appconfig.E001``... with hints.

The codes are the core's (`appconfig_core.settings_problems`), so Django and Flask report
the same mistake under the same number; E006 (``CONTEXT``) and E008 (``CLIENT``) are
Django's own. Every message names the setting it is about (``APPCONFIG.KEY``). Checks
read settings only: they open no connection and start no thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from appconfig_core import ConfigurationError, settings_problems
from appconfig_core._integration.report import import_string

from . import conf

PREFIX = "APPCONFIG."


@register()
def check_settings(
    app_configs: Sequence[AppConfig] | None = None,  # noqa: ARG001 - Django passes these
    **kwargs: Any,  # noqa: ARG001
) -> list[CheckMessage]:
    """Every problem in ``settings.APPCONFIG``."""
    config = conf.get_config()
    messages: list[CheckMessage] = []
    if config["CLIENT"]:
        messages.extend(_importable(config["CLIENT"], "CLIENT", "E008", "a () -> FlagClient"))
    else:
        for problem in settings_problems(config, prefix=PREFIX, extra_keys=conf.ADAPTER_KEYS):
            kind = CheckWarning if problem.code.startswith("W") else Error
            # The core's messages are shared with Flask and some do not name the setting.
            text = problem.message
            if problem.key not in text:
                text = f"{problem.key}: {text}"
            messages.append(kind(text, hint=problem.hint, id=f"django_appconfig.{problem.code}"))
    if config["CONTEXT"]:
        messages.extend(_importable(config["CONTEXT"], "CONTEXT", "E006", "a request -> dict"))
    return messages


def _importable(dotted: Any, key: str, code: str, kind: str) -> list[CheckMessage]:
    problem: str | None = None
    if not isinstance(dotted, str):
        problem = f"{PREFIX}{key} must be a dotted path string, not {type(dotted).__name__}"
    else:
        try:
            target = import_string(dotted)
        except ConfigurationError as exc:
            problem = f"{PREFIX}{key} cannot be imported: {exc}"
        else:
            if not callable(target):
                problem = f"{PREFIX}{key} {dotted!r} is not callable"
    if problem is None:
        return []
    hint = f"set it to the dotted path of {kind} function, e.g. 'myproject.flags.{key.lower()}'"
    return [Error(problem, hint=hint, id=f"django_appconfig.{code}")]

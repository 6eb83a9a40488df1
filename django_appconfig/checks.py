"""System checks for ``APPCONFIG``: stable ids ``django_appconfig.E001``... with hints.

The problems are the core's (`appconfig_core.integration.settings_problems`), so Django
and Flask report the same mistake under the same number; E006 (``CONTEXT``), E008
(``CLIENT``) and E013 (``APPCONFIG`` itself) are the adapter's. Each message starts with
the setting it is about (``APPCONFIG.KEY: ...``). Checks read settings only: they open no
connection and start no thread. Servers such as gunicorn run no checks, so the same
problems also reach the request path, where flags then answer their defaults.

W002 compares the rules of the ``FILE`` (file source only: the other sources would need a
network call) with the keys the context function supplies; `supplied_context_keys` says which
those are, for this check and for ``manage.py appconfig validate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from appconfig_core import ConfigurationError
from appconfig_core.integration import (
    SuppliedKeys,
    declared_context_keys,
    file_context_warnings,
    resolve_callable,
)

from . import conf
from ._context import KEYS


@register()
def check_settings(
    app_configs: Sequence[AppConfig] | None = None,  # noqa: ARG001 - Django passes these
    **kwargs: Any,  # noqa: ARG001
) -> list[CheckMessage]:
    """Every problem in ``settings.APPCONFIG``."""
    return [
        (Error if problem.is_error else CheckWarning)(
            str(problem), hint=problem.hint, id=f"django_appconfig.{problem.code}"
        )
        for problem in conf.problems()
    ]


@register()
def check_rule_context_keys(
    app_configs: Sequence[AppConfig] | None = None,  # noqa: ARG001 - Django passes these
    **kwargs: Any,  # noqa: ARG001
) -> list[CheckMessage]:
    """W002: each rule key in the flags ``FILE`` that the context never supplies."""
    config = conf.get_config()
    supplied = supplied_context_keys()
    if config["SOURCE"] != "file" or config["CLIENT"] or not config["FILE"] or supplied is None:
        return []
    if any(problem.is_error for problem in conf.problems()):
        return []
    return [
        CheckWarning(
            f"{conf.PREFIX}FILE: {warning}",
            hint="supply the key from the context function, or make the rule read a key it"
            " supplies (the project's convention is user_id)",
            id="django_appconfig.W002",
        )
        for warning in file_context_warnings(config["FILE"], supplied, fmt=config["FORMAT"])
    ]


def supplied_context_keys() -> SuppliedKeys | None:
    """The keys the configured context function supplies; None when they are unknown.

    The default function's keys are known; a ``CONTEXT`` function's only when it declares
    them in a ``context_keys`` attribute.
    """
    dotted = conf.get_config()["CONTEXT"]
    if dotted:
        try:
            declared = declared_context_keys(resolve_callable(dotted))
        except ConfigurationError:
            return None
        return None if declared is None else SuppliedKeys(declared, f"{conf.PREFIX}CONTEXT")
    if apps.is_installed("django.contrib.auth"):
        return SuppliedKeys.of(KEYS, "the default Django context")
    return SuppliedKeys.of((), "the default Django context (no django.contrib.auth)")

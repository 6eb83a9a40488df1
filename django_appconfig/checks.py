"""System checks for ``APPCONFIG``: stable ids ``django_appconfig.E001``... with hints.

The problems are the core's (`appconfig_core.integration.settings_problems`), so Django
and Flask report the same mistake under the same number; E006 (``CONTEXT``), E008
(``CLIENT``) and E013 (``APPCONFIG`` itself) are the adapter's. Each message starts with
the setting it is about (``APPCONFIG.KEY: ...``). Checks read settings only: they open no
connection and start no thread. Servers such as gunicorn run no checks, so the same
problems also reach the request path, where flags then answer their defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from . import conf


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

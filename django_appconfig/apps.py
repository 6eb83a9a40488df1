"""The app config: ``ready()`` registers checks and signals, and starts nothing."""

from __future__ import annotations

from django.apps import AppConfig


class AppConfigFlagsConfig(AppConfig):
    name: str = "django_appconfig"
    verbose_name: str = "AppConfig flags"

    def ready(self) -> None:
        from . import checks, conf, signals  # noqa: F401, PLC0415 - import registers them

"""Feature flags from AWS AppConfig in Django: ``INSTALLED_APPS += ["django_appconfig"]``."""

from ._client import get_client

__all__ = ["get_client"]

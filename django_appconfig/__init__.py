"""Feature flags from AWS AppConfig in Django: ``INSTALLED_APPS += ["django_appconfig"]``.

The names below are imported on first use: pytest imports this package for its plugin
(``django_appconfig.pytest_plugin``) in every run, Flask-only environments included, and
importing it must not import Django.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._client import get_client
    from ._flags import aflags_for, flags_for
    from ._visitor import visitor_id

__all__ = ["aflags_for", "flags_for", "get_client", "visitor_id"]

_HOMES = {
    "get_client": "._client",
    "aflags_for": "._flags",
    "flags_for": "._flags",
    "visitor_id": "._visitor",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)

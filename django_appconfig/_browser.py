"""Flags for the browser in Django: the payload of ``APPCONFIG["BROWSER_FLAGS"]``.

Served by `django_appconfig.views.browser_flags` (``include("django_appconfig.urls")``)
and embedded by ``{% flags_json %}``; both read the request's own view, so page code sees
the answers the server rendered with, QA overrides included.
"""

from __future__ import annotations

from typing import Any

from appconfig_core import FlagsView
from appconfig_core.integration import browser_flags, browser_payload

from . import conf


def allowed_browser_flags() -> dict[str, tuple[str, ...]]:
    """The flags and attributes ``BROWSER_FLAGS`` allows to reach the browser."""
    return browser_flags(conf.get_config()["BROWSER_FLAGS"])


def payload(flags: FlagsView) -> dict[str, Any]:
    """The JSON-ready answers of the allowed flags, as ``flags`` gives them."""
    return browser_payload(flags, allowed_browser_flags())

"""Test helpers: `override_flags` and a client factory for test settings.

    @override_flags({"new_checkout": True, "banner": {"enabled": True, "color": "red"}})
    def test_checkout(client): ...

Overrides sit on the process client, so ``request.flags``, templates, decorators and
`get_client` all see them, in every thread (the live server's too). Apply
``override_settings(APPCONFIG=...)`` outside ``override_flags``: changing ``APPCONFIG``
replaces the client and with it any override in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.test.utils import TestContextDecorator

from appconfig_core import FlagClient, StaticSource

from ._client import get_client

__all__ = ["override_flags", "static_client"]


class override_flags(TestContextDecorator):
    """Force flags while a block, a test function or every test of a class runs."""

    def __init__(self, flags: Mapping[str, Any]) -> None:
        self.flags: dict[str, Any] = dict(flags)
        self._active: list[AbstractContextManager[Any]] = []
        super().__init__()

    def enable(self) -> FlagClient:
        manager = get_client().override(self.flags)
        client: FlagClient = manager.__enter__()
        self._active.append(manager)
        return client

    def disable(self) -> None:
        self._active.pop().__exit__(None, None, None)


def static_client() -> FlagClient:
    """A client over an empty in-memory document, for ``APPCONFIG = {"CLIENT": ...}`` in tests.

    Nothing is fetched from anywhere; flags come from ``DEFAULTS`` and `override_flags`.
    """
    return FlagClient(StaticSource({}, poll_interval=3600.0))

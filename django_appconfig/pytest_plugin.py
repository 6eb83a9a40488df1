"""A pytest plugin for pytest-django users: the ``flags`` fixture.

    def test_checkout(flags, client):
        flags.set({"new_checkout": True})
        assert b"New checkout" in client.get("/cart/").content

Every override set through the fixture is undone when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from typing import Any

import pytest

from appconfig_core import FlagClient


class FlagOverrides:
    """What the ``flags`` fixture hands a test."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack

    @property
    def client(self) -> FlagClient:
        """The process client (started)."""
        from ._client import get_client  # noqa: PLC0415 - the plugin loads before Django

        return get_client()

    def set(self, flags: Mapping[str, Any]) -> None:
        """Force ``flags`` (as in ``DEFAULTS``) for the rest of the test."""
        self._stack.enter_context(self.client.override(flags))

    def __setitem__(self, name: str, value: Any) -> None:
        self.set({name: value})


@pytest.fixture
def flags() -> Iterator[FlagOverrides]:
    """Force flags for one test: ``flags.set({...})`` or ``flags["name"] = True``."""
    with ExitStack() as stack:
        yield FlagOverrides(stack)

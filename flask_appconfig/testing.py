"""Test helpers: ``override_flags`` and ``force_variant`` pytest fixtures over
`AppConfigFlags.override` and `AppConfigFlags.force_variant`.

Enable it with ``pytest_plugins = ["flask_appconfig.testing"]`` in your top-level
``conftest.py``; it uses your ``app`` fixture (the convention of pytest-flask)::

    def test_beta_page(client, override_flags):
        override_flags({"beta": True})
        assert client.get("/beta").status_code == 200

While an override is in force the client is strict (unless ``APPCONFIG_STRICT`` is False):
reading or forcing a flag the document lacks raises `appconfig_core.UnknownFlagError`, so a
misspelt name fails the test. Declare a flag not deployed yet in ``APPCONFIG_DEFAULTS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import Any

import pytest
from flask import Flask

from ._state import extension_for


@pytest.fixture
def override_flags(app: Flask) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Call it with ``{"flag": True, ...}`` to force flags until the test ends."""
    extension = extension_for(app)
    with ExitStack() as stack:

        def override(flags: Mapping[str, Any]) -> None:
            stack.enter_context(extension.override(flags, app=app))

        yield override


@pytest.fixture
def force_variant(app: Flask) -> Iterator[Callable[..., None]]:
    """Call it as ``force_variant("flag", "variant", when=predicate)`` to answer that variant
    to the contexts ``predicate`` accepts until the test ends; others keep the rules."""
    extension = extension_for(app)
    with ExitStack() as stack:

        def force(flag: str, variant: str, **options: Any) -> None:
            stack.enter_context(extension.force_variant(flag, variant, app=app, **options))

        yield force


__all__ = ["force_variant", "override_flags"]

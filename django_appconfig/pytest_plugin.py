"""A pytest plugin for pytest-django users: the ``appconfig_flags`` fixture.

    def test_checkout(appconfig_flags, client):
        appconfig_flags.set({"new_checkout": True})
        assert b"New checkout" in client.get("/cart/").content

Every override set through the fixture is undone when the test ends.

pytest loads this module through the ``pytest11`` entry point in every run of an
environment where appconfig-flags is installed, Flask-only ones included. So it imports
nothing from Django (nor from the package's Django modules): Django is imported when a test
asks for the fixture, and the fixture says what is missing when Django is not installed or
not configured. The name is prefixed so that it cannot be mistaken for a project's own
``flags`` fixture.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from typing import Any

import pytest

from appconfig_core import FlagClient
from appconfig_core.testing import Predicate, force_variant


class FlagOverrides:
    """What the ``appconfig_flags`` fixture hands a test."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack

    @property
    def client(self) -> FlagClient:
        """The process client (started)."""
        from ._client import get_client  # noqa: PLC0415 - Django only once a test asks

        return get_client()

    def set(self, flags: Mapping[str, Any]) -> None:
        """Force ``flags`` (as in ``DEFAULTS``) for the rest of the test."""
        self._stack.enter_context(self.client.override(flags))

    def __setitem__(self, name: str, value: Any) -> None:
        self.set({name: value})

    def force_variant(
        self,
        flag: str,
        variant: str,
        *,
        when: Predicate | None = None,
        enabled: bool | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer ``variant`` of ``flag`` to the contexts ``when`` accepts, for the rest of the
        test; other contexts keep the document's rules (`appconfig_core.testing.force_variant`).
        """
        self._stack.enter_context(
            force_variant(
                self.client, flag, variant, when=when, enabled=enabled, attributes=attributes
            )
        )


def django_missing() -> str | None:
    """Why the fixture cannot work here (Django absent or unconfigured), or None."""
    try:
        installed = importlib.util.find_spec("django") is not None
    except (ImportError, ValueError):
        installed = False
    if not installed:
        return "Django is not installed"
    from django.conf import ENVIRONMENT_VARIABLE, settings  # noqa: PLC0415 - see above

    if not (settings.configured or os.environ.get(ENVIRONMENT_VARIABLE)):
        return "Django settings are not configured (pytest-django sets them up)"
    return None


@pytest.fixture
def appconfig_flags() -> Iterator[FlagOverrides]:
    """Force flags for one test: ``appconfig_flags.set({...})`` or ``appconfig_flags["x"] = True``."""
    missing = django_missing()
    if missing is not None:
        pytest.fail(
            f"the appconfig_flags fixture is for Django projects: {missing}."
            " Flask apps use the override_flags fixture of flask_appconfig.testing.",
            pytrace=False,
        )
    with ExitStack() as stack:
        yield FlagOverrides(stack)

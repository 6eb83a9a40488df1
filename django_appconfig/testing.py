"""Test helpers: `override_flags`, `force_variant` and a client factory for test settings.

    @override_flags({"new_checkout": True, "banner": {"enabled": True, "color": "red"}})
    def test_checkout(client): ...

Overrides sit on the process client, so ``request.flags``, templates, decorators and
`get_client` all see them, in every thread (the live server's too). Apply
``override_settings(APPCONFIG=...)`` outside ``override_flags``: changing ``APPCONFIG``
replaces the client and with it any override in force.

While an override is in force the client is strict (unless ``APPCONFIG["STRICT"]`` is
False): reading a flag the document lacks raises `appconfig_core.UnknownFlagError`, and so
does forcing one, so a misspelt name fails the test instead of answering its default. Declare
a flag that is not deployed yet in ``DEFAULTS``. See docs/hygiene.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.test.utils import TestContextDecorator

from appconfig_core import FlagClient, StaticSource
from appconfig_core.testing import Predicate
from appconfig_core.testing import force_variant as force_client_variant

from ._client import get_client

__all__ = ["force_variant", "override_flags", "static_client"]


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


class force_variant(override_flags):
    """Answer ``variant`` of ``flag`` to the contexts ``when`` accepts; others keep the rules.

        @force_variant("staff_tools", "staff", when=lambda ctx: ctx.get("is_staff"))
        def test_staff_tools(client): ...

    See `appconfig_core.testing.force_variant` for ``enabled`` and ``attributes``.
    """

    def __init__(
        self,
        flag: str,
        variant: str,
        *,
        when: Predicate | None = None,
        enabled: bool | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        self._forced = (flag, variant, when, enabled, attributes)
        super().__init__({})

    def enable(self) -> FlagClient:
        flag, variant, when, enabled, attributes = self._forced
        manager = force_client_variant(
            get_client(), flag, variant, when=when, enabled=enabled, attributes=attributes
        )
        client: FlagClient = manager.__enter__()
        self._active.append(manager)
        return client


def static_client() -> FlagClient:
    """A client over an empty in-memory document, for ``APPCONFIG = {"CLIENT": ...}`` in tests.

    Nothing is fetched from anywhere; flags come from ``DEFAULTS`` and `override_flags`.
    """
    return FlagClient(StaticSource({}, poll_interval=3600.0))

"""``flag_required`` on function views, sync and async, through the test clients."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client

from .conftest import FlagsFile, async_get

pytestmark = pytest.mark.django_db


class TestFlagRequired:
    def test_serves_while_on(self, flags_file: FlagsFile, client: Client) -> None:
        """The view runs while the flag is on."""
        assert client.get("/checkout/").content == b"checkout"

    def test_404_when_off(self, flags_file: FlagsFile, client: Client) -> None:
        """Turning the flag off makes the view a 404."""
        flags_file.set_value("new_checkout", enabled=False)
        assert client.get("/checkout/").status_code == 404

    def test_redirect_when_off(self, flags_file: FlagsFile, client: Client) -> None:
        """With ``redirect_to`` (a URL name here) an off flag redirects there."""
        response = client.get("/dark/")
        assert response.status_code == 302
        assert response["Location"] == "/page/"
        flags_file.set_value("dark_mode", enabled=True)
        assert client.get("/dark/").content == b"dark"

    def test_async_view(self, flags_file: FlagsFile) -> None:
        """An async view is wrapped by an async wrapper: served while on, 404 when off."""
        client = AsyncClient()
        assert async_get(client, "/async-checkout/").content == b"async checkout"
        flags_file.set_value("new_checkout", enabled=False)
        assert async_get(client, "/async-checkout/").status_code == 404

    def test_without_middleware(
        self, flags_file: FlagsFile, client: Client, settings: object
    ) -> None:
        """Without FlagsMiddleware the decorator makes the request's view itself."""
        settings.MIDDLEWARE = []  # type: ignore[attr-defined]
        flags_file.set_value("new_checkout", enabled=False)
        assert client.get("/checkout/").status_code == 404

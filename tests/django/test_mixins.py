"""``FlagRequiredMixin`` on class-based views, sync and async."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client, RequestFactory
from django.views import View

from django_appconfig.mixins import FlagRequiredMixin

from .conftest import FlagsFile, async_get

pytestmark = pytest.mark.django_db


class TestFlagRequiredMixin:
    def test_serves_while_on_and_404_when_off(self, flags_file: FlagsFile, client: Client) -> None:
        """The view is served while the flag is on and is a 404 when it is off."""
        assert client.get("/class/checkout/").content == b"class checkout"
        flags_file.set_value("new_checkout", enabled=False)
        assert client.get("/class/checkout/").status_code == 404

    def test_redirect_when_off(self, flags_file: FlagsFile, client: Client) -> None:
        """``flag_redirect_to`` redirects while the flag is off."""
        response = client.get("/class/dark/")
        assert response.status_code == 302
        assert response["Location"] == "/page/"

    def test_async_view(self, flags_file: FlagsFile) -> None:
        """An async class-based view is checked without blocking the event loop."""
        client = AsyncClient()
        assert async_get(client, "/class/async-checkout/").content == b"async class checkout"
        flags_file.set_value("new_checkout", enabled=False)
        assert async_get(client, "/class/async-checkout/").status_code == 404

    def test_async_view_redirect(self, flags_file: FlagsFile) -> None:
        """An async class-based view redirects while its flag is off and is served once it is on."""
        client = AsyncClient()
        response = async_get(client, "/class/async-dark/")
        assert response.status_code == 302
        assert response["Location"] == "/page/"
        flags_file.set_value("dark_mode", enabled=True)
        assert async_get(client, "/class/async-dark/").content == b"async class dark"

    def test_flag_name_is_required(self, flags_file: FlagsFile) -> None:
        """A view using the mixin without ``flag_name`` fails loudly, naming the attribute."""

        class Nameless(FlagRequiredMixin, View):
            pass

        with pytest.raises(AttributeError, match="flag_name"):
            Nameless.as_view()(RequestFactory().get("/"))

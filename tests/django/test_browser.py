"""Flags for the browser in Django: the JSON view and ``{% flags_json %}``, through real requests."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db

ALLOWED = {"new_checkout": ["color"], "vip": ["tier"], "dark_mode": None}


@pytest.fixture(name="browser_flags")
def _browser_flags(flags_file: FlagsFile, settings: Any) -> FlagsFile:
    """The test flags with ``BROWSER_FLAGS`` allowing three of them."""
    settings.APPCONFIG = {**settings.APPCONFIG, "BROWSER_FLAGS": ALLOWED}
    return flags_file


def script_payloads(html: str) -> dict[str, Any]:
    """The JSON of each ``<script type="application/json">`` element, by id."""
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html)
    return {element_id: json.loads(text) for element_id, text in found}


class TestView:
    def test_allowed_flags_as_json(self, browser_flags: FlagsFile, client: Client) -> None:
        """The view answers the allowed flags and attributes, for this visitor, never cached."""
        response = client.get("/appconfig/flags.json")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["flags"] == {
            "new_checkout": {"enabled": True, "variant": None, "attributes": {"color": "green"}},
            "vip": {"enabled": False, "variant": "everyone", "attributes": {}},
            "dark_mode": {"enabled": False, "variant": None, "attributes": {}},
        }
        assert body["version"]

    def test_answers_for_the_signed_in_user(
        self, browser_flags: FlagsFile, client: Client, django_user_model: Any
    ) -> None:
        """A signed-in staff user gets the variant the rules give them, as the pages do."""
        client.force_login(django_user_model.objects.create_user("ann", is_staff=True))
        vip = client.get("/appconfig/flags.json").json()["flags"]["vip"]
        assert vip == {"enabled": True, "variant": "staff", "attributes": {}}

    def test_not_found_without_the_setting(self, flags_file: FlagsFile, client: Client) -> None:
        """Without ``BROWSER_FLAGS`` there is nothing to serve: 404."""
        assert client.get("/appconfig/flags.json").status_code == 404

    def test_safe_methods_only(self, browser_flags: FlagsFile, client: Client) -> None:
        """POST is refused with 405."""
        assert client.post("/appconfig/flags.json").status_code == 405


class TestTemplateTag:
    def test_embeds_the_same_payload(self, browser_flags: FlagsFile, client: Client) -> None:
        """``{% flags_json %}`` embeds what the view serves, under the default or a given id."""
        html = client.get("/browser/").content.decode()
        payloads = script_payloads(html)
        assert set(payloads) == {"appconfig-flags", "other-id"}
        served = client.get("/appconfig/flags.json").json()
        assert payloads["appconfig-flags"] == served == payloads["other-id"]

    def test_markup_cannot_close_the_element(
        self, browser_flags: FlagsFile, client: Client
    ) -> None:
        """An attribute holding ``</script>`` is escaped, so it cannot end the element early."""
        browser_flags.set_value("new_checkout", enabled=True, color="</script><script>alert(1)")
        html = client.get("/browser/").content.decode()
        assert "</script><script>alert" not in html
        color = script_payloads(html)["appconfig-flags"]["flags"]["new_checkout"]["attributes"]
        assert color == {"color": "</script><script>alert(1)"}

    def test_unset_setting_embeds_no_flags(self, flags_file: FlagsFile, client: Client) -> None:
        """Without ``BROWSER_FLAGS`` the element is there, with no flags in it."""
        payloads = script_payloads(client.get("/browser/").content.decode())
        assert payloads["appconfig-flags"]["flags"] == {}

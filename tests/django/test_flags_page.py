"""The staff flags page (``django_appconfig.urls``, ``appconfig:flags_page``) through real requests."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


def signed_in(*, staff: bool) -> Client:
    client = Client()
    client.force_login(User.objects.create_user("staff" if staff else "shopper", is_staff=staff))
    return client


def cell(html: str, flag: str) -> str:
    """The text of flag ``flag``'s row, tags removed."""
    row = re.search(rf'<tr data-flag="{flag}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {flag}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[1])).strip()


class TestAccess:
    def test_staff_see_the_page(self, flags_file: FlagsFile) -> None:
        """A staff member gets the page, never cached."""
        response = signed_in(staff=True).get(reverse("appconfig:flags_page"))
        assert response.status_code == 200
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))

    def test_other_users_are_refused(self, flags_file: FlagsFile) -> None:
        """A signed-in user who is not staff gets 403."""
        assert signed_in(staff=False).get(reverse("appconfig:flags_page")).status_code == 403

    def test_visitors_are_sent_to_log_in(self, flags_file: FlagsFile, client: Client) -> None:
        """A visitor is redirected to the login page, coming back to the flags page after."""
        response = client.get(reverse("appconfig:flags_page"))
        assert response.status_code == 302
        assert response["Location"].endswith("?next=/appconfig/flags/")


class TestContent:
    def test_every_flag_in_document_order_with_the_viewers_answer(
        self, flags_file: FlagsFile
    ) -> None:
        """Rows follow the document; the staff viewer's variant and reason are shown."""
        html = signed_in(staff=True).get(reverse("appconfig:flags_page")).content.decode()
        names = re.findall(r'<tr data-flag="([^"]+)">', html)
        assert names == ["new_checkout", "dark_mode", "vip"]
        assert "variant staff" in cell(html, "vip")
        assert "TARGETING_MATCH" in cell(html, "vip")
        assert "beta-staff, staff, everyone" in cell(html, "vip")
        assert "color = green" in cell(html, "new_checkout")

    def test_the_clients_status(self, flags_file: FlagsFile) -> None:
        """The status table shows health, origin and version."""
        html = signed_in(staff=True).get(reverse("appconfig:flags_page")).content.decode()
        assert '<span id="health">ok</span>' in html
        assert "<th>origin</th><td>file</td>" in html

    def test_document_text_is_escaped(self, flags_file: FlagsFile) -> None:
        """A description holding markup is shown as text, never run."""
        document = flags_file.document
        document["flags"]["dark_mode"]["description"] = "<script>alert(1)</script>"
        flags_file.write(document)
        html = signed_in(staff=True).get(reverse("appconfig:flags_page")).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

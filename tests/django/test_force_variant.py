"""Forcing variants in Django tests: ``_variant`` in `override_flags`, and `force_variant`."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_appconfig.pytest_plugin import FlagOverrides
from django_appconfig.testing import force_variant, override_flags

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


def variant_of(client: Client, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = client.get(f"/variant/{name}/").json()
    return answer


@pytest.fixture(name="staff_client")
def _staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("ana", is_staff=True))
    return client


def is_staff(context: Any) -> bool:
    return bool(context.get("is_staff"))


class TestOverrideWithVariant:
    def test_request_flags_see_the_variant(self, flags_file: FlagsFile, client: Client) -> None:
        """A ``_variant`` override reaches ``request.flags`` as the variant, not an attribute."""
        with override_flags({"vip": {"enabled": True, "_variant": "gold", "tier": "gold"}}):
            answer = variant_of(client, "vip")
        assert answer == {"enabled": True, "variant": "gold", "attributes": {"tier": "gold"}}


class TestForceVariant:
    def test_only_matching_requests_get_the_variant(
        self, flags_file: FlagsFile, client: Client, staff_client: Client
    ) -> None:
        """A staff request gets the forced variant; an anonymous one keeps the document's rules."""
        with force_variant("vip", "beta-staff", when=is_staff):
            staff, anonymous = variant_of(staff_client, "vip"), variant_of(client, "vip")
        assert staff == {"enabled": True, "variant": "beta-staff", "attributes": {"tier": "gold"}}
        assert anonymous["variant"] == "everyone"

    def test_as_a_decorator(self, flags_file: FlagsFile, client: Client) -> None:
        """As a decorator the variant is forced during the call only."""

        @force_variant("vip", "staff")
        def read() -> dict[str, Any]:
            return variant_of(client, "vip")

        assert read()["variant"] == "staff"
        assert variant_of(client, "vip")["variant"] == "everyone"


class TestFixture:
    def test_appconfig_flags_force_variant(
        self,
        flags_file: FlagsFile,
        client: Client,
        staff_client: Client,
        appconfig_flags: FlagOverrides,
    ) -> None:
        """``appconfig_flags.force_variant`` holds for the rest of the test, for matching requests."""
        appconfig_flags.force_variant("vip", "beta-staff", when=is_staff)
        assert variant_of(staff_client, "vip")["variant"] == "beta-staff"
        assert variant_of(client, "vip")["variant"] == "everyone"

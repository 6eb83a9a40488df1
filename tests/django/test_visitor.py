"""Rollouts for anonymous visitors in Django: the signed visitor cookie, through real requests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from .conftest import STORED, FlagsFile

pytestmark = pytest.mark.django_db


def with_rollout(rule: str) -> dict[str, Any]:
    """The test flags plus ``rollout``: variant ``in`` for the contexts ``rule`` matches."""
    document = json.loads(json.dumps(STORED))
    document["flags"]["rollout"] = {"name": "Rollout"}
    document["values"]["rollout"] = {
        "_variants": [
            {"name": "in", "enabled": True, "rule": rule},
            {"name": "out", "enabled": False},
        ]
    }
    return document


EVERYONE = '(split pct::100 by::$targeting_key seed::"r")'
HALF = '(split pct::50 by::$targeting_key seed::"r")'


def variant(client: Client) -> str:
    answer: str = client.get("/flag/rollout/").json()["variant"]
    return answer


@pytest.fixture(name="rollout")
def _rollout(flags_file: FlagsFile) -> FlagsFile:
    flags_file.write(with_rollout(EVERYONE))
    return flags_file


class TestVisitorCookie:
    def test_issued_when_a_rule_reads_it(self, rollout: FlagsFile, client: Client) -> None:
        """An anonymous visitor reaching a split by ``$targeting_key`` gets a signed key cookie."""
        response = client.get("/flag/rollout/")
        assert response.json()["variant"] == "in"
        cookie = response.cookies["appconfig_visitor"]
        value, _, signature = cookie.value.partition(":")
        assert len(value) == 22 and signature
        assert cookie["max-age"] == 365 * 24 * 3600
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert "Cookie" in response["Vary"]

    def test_sent_once_then_reused(self, rollout: FlagsFile, client: Client) -> None:
        """The next request of the same browser reuses the key and sets no new cookie."""
        first = client.get("/flag/rollout/").cookies["appconfig_visitor"].value
        second = client.get("/flag/rollout/")
        assert "appconfig_visitor" not in second.cookies
        assert client.cookies["appconfig_visitor"].value == first

    def test_not_issued_when_no_rule_reads_it(self, rollout: FlagsFile, client: Client) -> None:
        """A page whose flags ignore the visitor sets no cookie (and a cached page stays cacheable)."""
        response = client.get("/flag/new_checkout/")
        assert "appconfig_visitor" not in response.cookies

    def test_split_is_stable_per_browser_and_spreads_visitors(self, flags_file: FlagsFile) -> None:
        """Each browser keeps its side of a 50% split; different browsers land on both sides."""
        flags_file.write(with_rollout(HALF))
        browsers = [Client() for _ in range(40)]
        first = [variant(browser) for browser in browsers]
        assert [variant(browser) for browser in browsers] == first
        assert set(first) == {"in", "out"}

    def test_forged_cookie_is_replaced(self, rollout: FlagsFile, client: Client) -> None:
        """A key without a valid signature (chosen by hand) is replaced by a new random one."""
        client.cookies["appconfig_visitor"] = "A" * 22
        response = client.get("/flag/rollout/")
        assert response.cookies["appconfig_visitor"].value.partition(":")[0] != "A" * 22

    def test_turned_off(self, rollout: FlagsFile, client: Client, settings: Any) -> None:
        """``VISITOR_COOKIE = None``: no cookie, and anonymous visitors are outside every split."""
        settings.APPCONFIG = {**settings.APPCONFIG, "VISITOR_COOKIE": None}
        response = client.get("/flag/rollout/")
        assert response.json()["variant"] == "out"
        assert "appconfig_visitor" not in response.cookies


class TestSignedInUsers:
    def test_user_id_is_the_key(
        self, flags_file: FlagsFile, client: Client, django_user_model: Any
    ) -> None:
        """A signed-in user gets no visitor cookie; rules by ``$user_id`` keep working."""
        user = django_user_model.objects.create_user("ann")
        flags_file.write(with_rollout(f"(eq $targeting_key {user.pk})"))
        client.force_login(user)
        response = client.get("/flag/rollout/")
        assert response.json()["variant"] == "in"
        assert "appconfig_visitor" not in response.cookies
        flags_file.write(with_rollout('(split pct::100 by::$user_id seed::"r")'))
        assert variant(client) == "in"

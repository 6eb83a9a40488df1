"""How to test pages that depend on flags: force them, then look at the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_shop import flags


def shopper_1(context: Mapping[str, Any]) -> bool:
    """The predicate picking one visitor, by the key the shop's context sets."""
    return context.get("user_id") == "shopper-1"


class TestGiftCards:
    def test_page_is_missing_while_the_document_has_the_flag_off(self, client: FlaskClient) -> None:
        """The deployed flags keep gift cards off, so the page answers 404."""
        assert client.get("/gift-cards/").status_code == 404

    def test_page_shows_when_the_flag_is_forced_on(self, app: Flask, client: FlaskClient) -> None:
        """Forcing the flag on opens the page before the flag is launched."""
        with flags.override({"gift_cards": True}, app=app):
            response = client.get("/gift-cards/")
        assert response.status_code == 200
        assert b'<h1 id="gift-cards">Gift cards</h1>' in response.data


class TestRecommendations:
    def test_forced_variant_reaches_only_the_chosen_visitor(
        self, app: Flask, client: FlaskClient
    ) -> None:
        """The visitor the predicate picks gets the staff grid; others keep the document's rules."""
        with flags.force_variant("recommendations", "staff", when=shopper_1, app=app):
            chosen = client.get("/?user=shopper-1").data
            others = app.test_client().get("/").data
        assert b'data-variant="staff" data-layout="grid"' in chosen
        assert b'data-variant="default" data-layout="list"' in others

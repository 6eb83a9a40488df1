"""How to test pages that depend on flags: force them, then look at the page."""

from __future__ import annotations

from django.test import Client

from django_appconfig.testing import force_variant, override_flags


class TestGiftCards:
    def test_page_is_missing_while_the_document_has_the_flag_off(self, client: Client) -> None:
        """The deployed flags keep gift cards off, so the page answers 404."""
        assert client.get("/gift-cards/").status_code == 404

    @override_flags({"gift_cards": True})
    def test_page_shows_when_the_flag_is_forced_on(self, client: Client) -> None:
        """Forcing the flag on opens the page before the flag is launched."""
        response = client.get("/gift-cards/")
        assert response.status_code == 200
        assert b'<h1 id="gift-cards">Gift cards</h1>' in response.content


class TestRecommendations:
    @force_variant(
        "recommendations", "staff", when=lambda context: context.get("user_id") == "shopper-1"
    )
    def test_forced_variant_reaches_only_the_chosen_visitor(self, client: Client) -> None:
        """The visitor the predicate picks gets the staff grid; others keep the document's rules."""
        assert b'data-variant="staff" data-layout="grid"' in client.get("/?user=shopper-1").content
        others = Client().get("/").content
        assert b'data-variant="default" data-layout="list"' in others


class TestPromoBanner:
    def test_banner_shows_the_forced_text_and_colour(self, client: Client, appconfig_flags) -> None:
        """The `appconfig_flags` fixture forces a flag's attributes for one test."""
        appconfig_flags["promo_banner"] = {"enabled": True, "text": "Half price", "color": "red"}
        assert b'class="banner red">Half price</div>' in client.get("/").content

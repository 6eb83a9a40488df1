"""The library's flags page in both example shops, in a real browser.

Each shop serves it at ``/appconfig/flags/`` to staff (visitors signed in with an
example.com address): the Django shop through ``include("django_appconfig.urls")``, the
Flask shop through ``flags_page_blueprint(allow=...)``. Flags come from the local AppConfig
server through boto3, as under ``make demo``.
"""

# ruff: noqa: F811 - tests take the imported `shop` fixture as a parameter

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Shop, reload_until, require_chromium
from .test_shops import shop  # noqa: F401 - test_shops' fixture: each shop in turn

require_chromium()

pytestmark = pytest.mark.e2e

PAGE = "appconfig/flags/"
STAFF = "ana@example.com"
DOCUMENT_ORDER = ["new_checkout", "promo_banner", "recommendations", "gift_cards", "legacy_search"]


def sign_in(shop: Shop, page: Any, user: str) -> None:
    """Sign in as the shops let a visitor: ``?user=`` once, remembered for the visit."""
    assert page.goto(f"{shop.url}?user={user}").status == 200


def row(page: Any, flag: str) -> Any:
    return page.locator(f'#flags tr[data-flag="{flag}"]')


class TestFlagsPage:
    @pytest.fixture(autouse=True)
    def _example_flags(self, shop: Shop) -> Iterator[None]:
        """Every test starts from the example flags, loaded by the shop."""
        yield
        version = shop.health()["version"]
        if shop.flags.restore():
            shop.wait_for_version_after(version)

    def test_staff_see_every_flag_in_document_order(self, shop: Shop, page: Any) -> None:
        """A staff member sees each flag with its description, deprecation and variants."""
        sign_in(shop, page, STAFF)
        response = page.goto(shop.url + PAGE)
        assert response.status == 200
        names = page.locator("#flags tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.flag)"
        )
        assert names == DOCUMENT_ORDER
        assert "The one-page checkout." in row(page, "new_checkout").inner_text()
        assert "Deprecation planned for 2027-03-31" in row(page, "legacy_search").inner_text()
        assert "staff, carousel-test, default" in row(page, "recommendations").inner_text()

    def test_what_the_viewer_gets_and_why(self, shop: Shop, page: Any) -> None:
        """The staff viewer's own variant and its reason show, with the attribute it carries."""
        sign_in(shop, page, STAFF)
        page.goto(shop.url + PAGE)
        recommendations = row(page, "recommendations")
        assert recommendations.locator(".variant").inner_text() == "staff"
        assert recommendations.locator(".reason").inner_text() == "TARGETING_MATCH"
        assert "layout = grid" in recommendations.inner_text()
        banner = row(page, "promo_banner").inner_text()
        assert "color = green" in banner

    def test_the_clients_status(self, shop: Shop, page: Any) -> None:
        """The status table shows health, the network origin and the served version."""
        sign_in(shop, page, STAFF)
        page.goto(shop.url + PAGE)
        assert page.locator("#health").inner_text() == "ok"
        status = page.locator("#status").inner_text()
        assert "origin\tnetwork" in status
        assert f"version\t{shop.health()['version']}" in status

    def test_a_flip_shows_on_reload(self, shop: Shop, page: Any) -> None:
        """Turning gift_cards on in the served file shows on the page within one poll."""
        sign_in(shop, page, STAFF)
        page.goto(shop.url + PAGE)
        assert row(page, "gift_cards").locator(".state").inner_text().startswith("off")
        shop.flags.set_enabled("gift_cards", True)
        reload_until(
            page,
            lambda _: row(page, "gift_cards").locator(".state").inner_text().startswith("on"),
            "gift_cards on",
        )

    def test_other_visitors_are_kept_out(self, shop: Shop, page: Any) -> None:
        """A signed-in visitor who is not staff gets 403, and sees no flag."""
        sign_in(shop, page, "bob")
        response = page.goto(shop.url + PAGE)
        assert response.status == 403
        assert not page.locator("#flags").count()

"""Flags for the browser and QA overrides in both example shops, in a real browser.

The shops embed their ``BROWSER_FLAGS`` with ``{% flags_json %}`` / ``flags_json()`` and a
page script writes what it read into ``#page-script``; they serve the same JSON at
``/appconfig/flags.json``. Staff (visitors signed in with an example.com address) may force
flags with ``?appconfig_flag_<name>=on|off``.
"""

# ruff: noqa: F811 - tests take the imported `shop` fixture as a parameter

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Shop, present, reload_until, require_chromium
from .test_shops import shop  # noqa: F401 - test_shops' fixture: each shop in turn

require_chromium()

pytestmark = pytest.mark.e2e

STAFF = "ana@example.com"
FETCH = """async () => {
    const response = await fetch("/appconfig/flags.json");
    return {cacheControl: response.headers.get("Cache-Control"), body: await response.json()};
}"""
EMBEDDED = 'JSON.parse(document.getElementById("appconfig-flags").textContent)'


def page_script(page: Any) -> str:
    """What the shop's page script read: ``new`` or ``classic`` checkout."""
    checkout: str = page.locator("#page-script").get_attribute("data-checkout")
    return checkout


def override_cookie(page: Any) -> dict[str, Any] | None:
    cookies = [c for c in page.context.cookies() if c["name"] == "appconfig_overrides"]
    return cookies[0] if cookies else None


def fresh_visitor_sees_new_checkout(shop: Shop) -> bool:
    """Whether a request from another browser (no cookies at all) gets the new checkout."""
    with urllib.request.urlopen(shop.url, timeout=10) as answer:
        return 'data-testid="checkout-new"' in answer.read().decode()


class TestBrowserFlags:
    @pytest.fixture(autouse=True)
    def _example_flags(self, shop: Shop) -> Iterator[None]:
        """Every test starts from the example flags, loaded by the shop."""
        yield
        version = shop.health()["version"]
        if shop.flags.restore():
            shop.wait_for_version_after(version)

    def test_page_script_reads_the_allowed_flags(self, shop: Shop, page: Any) -> None:
        """The page script reads the embedded flags; the endpoint serves the same, never cached."""
        page.goto(shop.url)
        assert page_script(page) == "new"
        note = page.locator("#page-script").inner_text()
        assert note == "Page script: new checkout, promotion: Free shipping this week"
        embedded = page.evaluate(EMBEDDED)
        assert set(embedded["flags"]) == {"new_checkout", "promo_banner"}
        assert embedded["flags"]["promo_banner"]["attributes"] == {
            "text": "Free shipping this week"
        }
        fetched = page.evaluate(FETCH)
        assert fetched["cacheControl"] == "private, no-store"
        assert fetched["body"] == embedded

    def test_page_script_follows_a_flip(self, shop: Shop, page: Any) -> None:
        """Turning new_checkout off in AppConfig reaches the page script within one poll."""
        page.goto(shop.url)
        shop.flags.set_enabled("new_checkout", False)
        reload_until(
            page, lambda _: page_script(page) == "classic", "the script's classic checkout"
        )
        assert present(page, "[data-testid=checkout-classic]")


class TestQaOverrides:
    def test_staff_force_a_flag_for_their_own_browser(self, shop: Shop, page: Any) -> None:
        """A staff member's parameter forces the flag for the pages, the script and later visits."""
        page.goto(f"{shop.url}?user={STAFF}")
        page.goto(f"{shop.url}?appconfig_flag_new_checkout=off")
        assert present(page, "[data-testid=checkout-classic]")
        assert page_script(page) == "classic"
        cookie = override_cookie(page)
        assert cookie is not None
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert "appconfig_overrides" not in page.evaluate("document.cookie")
        page.goto(shop.url + "checkout/")
        assert present(page, "#checkout-classic")
        page.goto(shop.url + "flags/")
        assert "OVERRIDE" in page.locator("tr[data-flag=new_checkout]").inner_text()
        assert fresh_visitor_sees_new_checkout(shop)

    def test_clear_returns_to_the_document(self, shop: Shop, page: Any) -> None:
        """``clear`` forgets the override and deletes the cookie."""
        page.goto(f"{shop.url}?user={STAFF}&appconfig_flag_new_checkout=off")
        assert page_script(page) == "classic"
        page.goto(f"{shop.url}?appconfig_flag_new_checkout=clear")
        assert page_script(page) == "new"
        assert override_cookie(page) is None

    def test_visitors_cannot_override(self, shop: Shop, page: Any) -> None:
        """A visitor who is not staff gets no override and no cookie."""
        page.goto(f"{shop.url}?appconfig_flag_new_checkout=off")
        assert page_script(page) == "new"
        assert present(page, "[data-testid=checkout-new]")
        assert override_cookie(page) is None

    def test_signing_out_ends_the_overrides(self, shop: Shop, page: Any) -> None:
        """The cookie counts only for staff: once the visitor signs out, the document answers."""
        page.goto(f"{shop.url}?user={STAFF}&appconfig_flag_new_checkout=off")
        assert page_script(page) == "classic"
        page.goto(f"{shop.url}?user=")
        assert page_script(page) == "new"
        assert override_cookie(page) is not None

    def test_forged_cookie_is_ignored(self, shop: Shop, page: Any) -> None:
        """A cookie written by hand, without the shop's signature, changes nothing and is logged."""
        page.goto(f"{shop.url}?user={STAFF}")
        seen = len(shop.app.lines)
        host = shop.url.split("//")[1].split(":")[0]
        page.context.add_cookies(
            [
                {
                    "name": "appconfig_overrides",
                    "value": "new_checkout:off",
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        page.goto(shop.url)
        assert page_script(page) == "new"
        shop.app.wait_for_line(lambda text: "bad signature" in text, 5, after=seen)
        assert override_cookie(page) is None

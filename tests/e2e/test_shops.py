"""The example shops (example_projects/django_shop and flask_shop) in a real browser.

Both shops make the same promises to a visitor, so one set of tests runs against each:
the ``shop`` fixture starts the Django shop, then the Flask one, each behind its own local
AppConfig server.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from appconfig_core._rules.split import in_split

from .conftest import (
    EXAMPLES,
    MARGIN,
    PROFILE_FILE,
    Shop,
    present,
    reload_until,
    require_chromium,
    start_shop,
)

require_chromium()

pytestmark = pytest.mark.e2e

COMMANDS = {
    "django": (
        EXAMPLES / "django_shop",
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"],
    ),
    "flask": (
        EXAMPLES / "flask_shop",
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "flask_shop",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ],
    ),
}

SPLIT_RULE = re.compile(r'\(split pct::(?P<pct>[\d.]+) by::\$user_id seed::"(?P<seed>[^"]+)"\)')


def split_users() -> tuple[str, str]:
    """Two visitors the ``recommendations`` split puts on either side, as the shops compute it."""
    document = json.loads((EXAMPLES / "appconfig" / PROFILE_FILE).read_text(encoding="utf-8"))
    rules = [v.get("rule", "") for v in document["values"]["recommendations"]["_variants"]]
    match = next(filter(None, map(SPLIT_RULE.search, rules)), None)
    assert match, "the recommendations flag no longer splits by $user_id; update this test"
    seed, pct = match["seed"], float(match["pct"])
    names = (f"shopper-{n}" for n in count(1))
    inside = next(name for name in names if in_split(seed, name, pct))
    outside = next(name for name in names if not in_split(seed, name, pct))
    return inside, outside


@pytest.fixture(scope="module", params=sorted(COMMANDS))
def shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shop]:
    """One example shop and its local AppConfig server, running until the module is done."""
    name: str = request.param
    cwd, command = COMMANDS[name]
    running = start_shop(name, tmp_path_factory.mktemp(f"{name}-served"), command, cwd=cwd)
    yield running
    running.stop()


class TestShop:
    """An example shop, as a visitor sees it."""

    @pytest.fixture(autouse=True)
    def _example_flags(self, shop: Shop) -> Iterator[None]:
        """Every test starts from the example flags, loaded by the shop."""
        yield
        version = shop.health()["version"]
        if shop.flags.restore():
            shop.wait_for_version_after(version)

    def test_products_page(self, shop: Shop, page: Any, tmp_path: Path) -> None:
        """The product list shows the banner from the flag's attributes and the new checkout button."""
        response = page.goto(shop.url)
        assert 200 == response.status
        assert present(page, "[data-testid=checkout-new]")
        assert not present(page, "[data-testid=checkout-classic]")
        banner = page.locator("#promo-banner")
        assert "Free shipping this week" == banner.inner_text().strip()
        assert "green" in banner.get_attribute("class").split()
        assert 6 == page.locator(".grid .card").count()
        screenshot = tmp_path / f"{shop.name}-products.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 10_000

    def test_flip_shows_else_branch(self, shop: Shop, page: Any) -> None:
        """Turning new_checkout off in the served file shows the else branch within one poll."""
        page.goto(shop.url)
        assert present(page, "[data-testid=checkout-new]")
        shop.flags.set_enabled("new_checkout", False)
        reload_until(
            page, lambda _: present(page, "[data-testid=checkout-classic]"), "the classic checkout"
        )
        assert not present(page, "[data-testid=checkout-new]")
        page.goto(shop.url + "checkout/")
        assert present(page, "#checkout-classic")
        assert not present(page, "#checkout-new")

    def test_flag_changed_receiver_logs(self, shop: Shop) -> None:
        """The shop's flag_changed receiver logs a flip in the server's output, with the version."""
        seen = len(shop.app.lines)
        version = shop.health()["version"]
        shop.flags.set_enabled("new_checkout", False)
        shop.wait_for_version_after(version)
        line = shop.app.wait_for_line(
            lambda text: "flag new_checkout changed: on -> off" in text, MARGIN, after=seen
        )
        assert f"(version {shop.health()['version']})" in line

    def test_status_page(self, shop: Shop, page: Any) -> None:
        """The status page shows each flag's state for the visitor and the configuration version."""
        page.goto(shop.url + "flags/")
        version = shop.health()["version"]
        changed = page.locator("#config-changed").inner_text()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", changed), changed
        assert version == page.locator("#config-version").inner_text()
        assert "network" == page.locator("#config-origin").inner_text()
        assert "ON" == page.locator("tr[data-flag=new_checkout] .state").inner_text()
        assert "OFF" == page.locator("tr[data-flag=gift_cards] .state").inner_text()
        assert "2027-03-31" in page.locator("tr[data-flag=legacy_search]").inner_text()
        document = json.loads((EXAMPLES / "appconfig" / PROFILE_FILE).read_text(encoding="utf-8"))
        shown = page.locator("#flags tr[data-flag]").evaluate_all(
            "rows => rows.map(row => row.dataset.flag)"
        )
        assert list(document["flags"]) == shown  # the document's order, from its metadata
        shop.flags.set_enabled("new_checkout", False)
        reload_until(
            page,
            lambda _: page.locator("tr[data-flag=new_checkout] .state").inner_text() == "OFF",
            "new_checkout OFF on the status page",
        )
        assert version != page.locator("#config-version").inner_text()
        assert changed < page.locator("#config-changed").inner_text()

    def test_status_page_is_per_visitor(self, shop: Shop, page: Any) -> None:
        """The status page evaluates the multi-variant flag for the signed-in visitor."""
        recommendations = "tr[data-flag=recommendations]"
        page.goto(shop.url + "flags/")
        assert "default" in page.locator(recommendations).inner_text()
        page.goto(shop.url + "flags/?user=alice@example.com")
        row = page.locator(recommendations).inner_text()
        assert "staff" in row
        assert "layout: grid" in row

    def test_variant_follows_split(self, shop: Shop, page: Any) -> None:
        """Two visitors on either side of the split see different recommendation layouts."""
        inside, outside = split_users()
        seen = {}
        for user in (inside, outside, "alice@example.com"):
            page.goto(f"{shop.url}?user={user}")
            section = page.locator("#recommendations")
            seen[user] = (
                section.get_attribute("data-variant"),
                section.get_attribute("data-layout"),
            )
        assert ("carousel-test", "carousel") == seen[inside]
        assert ("default", "list") == seen[outside]
        assert ("staff", "grid") == seen["alice@example.com"]

    def test_flag_required(self, shop: Shop, page: Any) -> None:
        """The gift card page is a 404 while its flag is off and a 200 once it is turned on."""
        assert 404 == page.goto(shop.url + "gift-cards/").status
        shop.flags.set_enabled("gift_cards", True)
        reload_until(page, lambda response: response.status == 200, "the gift card page")
        assert present(page, "#gift-cards")

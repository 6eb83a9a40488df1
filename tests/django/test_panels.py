"""`FlagsPanel` rendered through the real Django Debug Toolbar (middleware, store, AJAX view)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from django_appconfig import get_client
from django_appconfig._client import reset_client

from .conftest import FlagsFile, async_get

PAGE = "<html><body><p>page</p></body></html>"


def show_toolbar(request: HttpRequest) -> bool:
    """The toolbar on every request of these tests (no DEBUG/INTERNAL_IPS dance)."""
    return True


def flags_page(request: HttpRequest) -> HttpResponse:
    flags = request.flags  # type: ignore[attr-defined]
    flags.is_enabled("new_checkout")
    flags.value("new_checkout", "color")
    flags.variant("vip")
    flags.is_enabled("no_such_flag", default=True)
    return HttpResponse(PAGE)


def quiet_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


async def async_flags_page(request: HttpRequest) -> HttpResponse:
    request.flags.is_enabled("new_checkout")  # type: ignore[attr-defined]
    return HttpResponse(PAGE)


def __getattr__(name: str) -> Any:
    # The URLconf is read once "debug_toolbar" is installed by the fixture: importing its
    # URLs needs the app (its models) to be installed.
    if name == "urlpatterns":
        return [
            path("flags/", flags_page),
            path("quiet/", quiet_page),
            path("async-flags/", async_flags_page),
            path("__debug__/", include("debug_toolbar.urls")),
        ]
    raise AttributeError(name)


TOOLBAR_MIDDLEWARE = "debug_toolbar.middleware.DebugToolbarMiddleware"


@pytest.fixture
def toolbar(settings: Any, flags_file: FlagsFile) -> FlagsFile:
    """The test project with the toolbar installed and only `FlagsPanel` in it."""
    settings.DEBUG = True
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "debug_toolbar"]
    settings.MIDDLEWARE = [TOOLBAR_MIDDLEWARE, *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = __name__
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "APP_DIRS": True}]
    settings.DEBUG_TOOLBAR_PANELS = ["django_appconfig.panels.FlagsPanel"]
    settings.DEBUG_TOOLBAR_CONFIG = {
        "SHOW_TOOLBAR_CALLBACK": f"{__name__}.show_toolbar",
        "IS_RUNNING_TESTS": False,
    }
    return flags_file


def fetch_panel(client: Client, page: str) -> str:
    """The panel's HTML for the toolbar in ``page``, fetched as the toolbar's JS does.

    The toolbar names the stored request ``request_id`` (6.0+) or ``store_id`` (before).
    """
    match = re.search(r'data-(request|store)-id="([^"]+)"', page)
    assert match, "the toolbar was not rendered into the page"
    rendered = client.get(
        "/__debug__/render_panel/",
        {f"{match.group(1)}_id": match.group(2), "panel_id": "FlagsPanel"},
    )
    assert 200 == rendered.status_code
    return html.unescape(rendered.json()["content"])


def panel_html(client: Client, page: str) -> tuple[str, str]:
    """``(toolbar HTML, panel HTML)`` for a GET of ``page``."""
    response = client.get(page)
    assert 200 == response.status_code
    toolbar = response.content.decode()
    return toolbar, fetch_panel(client, toolbar)


def rows(panel: str) -> dict[str, list[str]]:
    """The panel's flag rows by flag name: each cell's text, tags removed, spaces collapsed."""
    found: dict[str, list[str]] = {}
    for row in re.findall(r'<tr class="djdt-appconfig-flag">(.*?)</tr>', panel, re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", "", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        found[cells[0]] = cells
    return found


@pytest.mark.django_db
class TestFlagsPanel:
    def test_lists_the_flags_the_request_read(self, toolbar: FlagsFile, client: Client) -> None:
        """Each flag read appears once with its state, value, variant, reason and attributes."""
        _, panel = panel_html(client, "/flags/")
        found = rows(panel)
        version = get_client().snapshot().version
        assert ["new_checkout", "no_such_flag", "vip"] == sorted(found)
        assert ["new_checkout", "on", "true", "", "STATIC", 'color: "green"', version] == found[
            "new_checkout"
        ]
        assert ["vip", "off", "false", "everyone", "DEFAULT", "", version] == found["vip"]
        assert ["no_such_flag", "off", "false", "", "ERROR (FLAG_NOT_FOUND)", "", version] == (
            found["no_such_flag"]
        )

    def test_shows_the_pinned_version(self, toolbar: FlagsFile, client: Client) -> None:
        """The configuration version the request used is shown, and in the side bar."""
        toolbar_html, panel = panel_html(client, "/flags/")
        version = get_client().snapshot().version
        assert version
        assert f"Version this request used</th><td>{version}</td>" in panel
        assert f"3 flags, version {version}" in html.unescape(toolbar_html)
        assert "Loaded from</th><td>file</td>" in panel

    def test_request_reading_no_flag(self, toolbar: FlagsFile, client: Client) -> None:
        """A request that read no flag says so, and still shows the version."""
        toolbar_html, panel = panel_html(client, "/quiet/")
        assert "No flag was read in this request." in panel
        assert {} == rows(panel)
        assert "0 flags" in toolbar_html

    def test_without_the_middleware(
        self, toolbar: FlagsFile, client: Client, settings: Any
    ) -> None:
        """Without FlagsMiddleware and no read, the panel says how to get request.flags."""
        reset_client()
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "FlagsMiddleware" not in m]
        _, panel = panel_html(client, "/quiet/")
        assert "This request has no <code>request.flags</code>" in panel
        assert "no client yet" in panel

    def test_rendered_inline_when_render_panels_is_on(
        self, toolbar: FlagsFile, client: Client, settings: Any
    ) -> None:
        """With RENDER_PANELS the panel's table is in the page itself."""
        settings.DEBUG_TOOLBAR_CONFIG = {**settings.DEBUG_TOOLBAR_CONFIG, "RENDER_PANELS": True}
        page = html.unescape(client.get("/flags/").content.decode())
        assert ["new_checkout", "no_such_flag", "vip"] == sorted(rows(page))

    def test_async_request(self, toolbar: FlagsFile, async_client: Any, client: Client) -> None:
        """Under ASGI the panel stays enabled and records the async view's reads."""
        response = async_get(async_client, "/async-flags/")
        panel = fetch_panel(client, response.content.decode())
        assert ["new_checkout"] == sorted(rows(panel))


def usage_rows(panel: str, kind: str = "usage") -> list[list[str]]:
    """The cells of the panel's usage (or unknown-name) rows, in their order."""
    return [
        [
            " ".join(re.sub(r"<[^>]+>", "", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(rf'<tr class="djdt-appconfig-{kind}">(.*?)</tr>', panel, re.S)
    ]


@pytest.mark.django_db
class TestUsageInThePanel:
    def test_every_flag_in_document_order_with_its_reads(
        self, toolbar: FlagsFile, client: Client
    ) -> None:
        """The usage table lists the document's flags in its order, named, with read counts."""
        panel_html(client, "/flags/")
        _, panel = panel_html(client, "/flags/")
        usage = usage_rows(panel)
        assert ["new_checkout", "dark_mode", "vip"] == [row[0] for row in usage]
        checkout, dark, vip = usage
        assert ["New checkout", "2"] == [checkout[1], checkout[4]]
        assert ["Dark mode", "0", "never"] == [dark[1], dark[4], dark[5]]
        assert "2" == vip[4]

    def test_names_the_document_lacks(self, toolbar: FlagsFile, client: Client) -> None:
        """A name read that the document lacks is listed apart, with its reads."""
        _, panel = panel_html(client, "/flags/")
        [unknown] = usage_rows(panel, "unknown")
        assert ["no_such_flag", "1"] == unknown[:2]

    def test_a_deprecated_flag_shows_its_date(self, toolbar: FlagsFile, client: Client) -> None:
        """The document's planned deprecation is shown next to the flag."""
        document = json.loads(json.dumps(toolbar.document))
        document["flags"]["dark_mode"]["_deprecation"] = {"status": "planned", "date": "2031-02-03"}
        toolbar.write(document)
        _, panel = panel_html(client, "/quiet/")
        assert "planned 2031-02-03" == usage_rows(panel)[1][3]


class TestOverridesInThePanel:
    def test_panel_shows_the_override(
        self,
        toolbar: FlagsFile,
        client: Client,
        settings: Any,
    ) -> None:
        """The Debug Toolbar panel shows an overridden flag off, with reason OVERRIDE."""
        settings.APPCONFIG = {**settings.APPCONFIG, "OVERRIDES": True}
        _, panel = panel_html(client, "/flags/?appconfig_flag_new_checkout=off")
        assert rows(panel)["new_checkout"][1:5] == ["off", "false", "", "OVERRIDE"]

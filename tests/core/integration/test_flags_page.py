"""The flags page's rows and status, built once for both adapters (`appconfig_core.integration`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from appconfig_core import FlagClient, StaticSource
from appconfig_core.integration import FLAGS_PAGE_TEMPLATE, flags_page

DOCUMENT: dict[str, Any] = {
    "version": "1",
    "flags": {
        "zebra": {"name": "Zebra stripes", "description": "Striped headers."},
        "layout": {
            "name": "Layout",
            "attributes": {"kind": {"constraints": {"type": "string"}}},
        },
        "old_search": {
            "name": "Old search",
            "description": "Being retired.",
            "_deprecation": {"status": "planned", "date": "2027-03-31"},
        },
    },
    "values": {
        "zebra": {"enabled": False},
        "layout": {
            "_variants": [
                {
                    "name": "staff",
                    "enabled": True,
                    "rule": "(eq $is_staff true)",
                    "attributeValues": {"kind": "grid"},
                },
                {"name": "everyone", "enabled": True, "attributeValues": {"kind": "list"}},
            ]
        },
        "old_search": {"enabled": True},
    },
}


@pytest.fixture(name="client")
def _client() -> Iterator[FlagClient]:
    with FlagClient(StaticSource(DOCUMENT)) as client:
        yield client


class TestRows:
    def test_document_order_with_what_the_document_declares(self, client: FlagClient) -> None:
        """Rows follow the document, with title, description, deprecation and variants."""
        rows = flags_page(client, client.view({})).rows
        assert [row.name for row in rows] == ["zebra", "layout", "old_search"]
        zebra, layout, old = rows
        assert (zebra.title, zebra.description) == ("Zebra stripes", "Striped headers.")
        assert old.deprecation == "planned for 2027-03-31"
        assert layout.variants == "staff, everyone"
        assert zebra.variants == ""

    def test_what_the_viewer_gets_and_why(self, client: FlagClient) -> None:
        """Each row shows the viewer's answer: state, variant, attributes and reason."""
        staff = flags_page(client, client.view({"is_staff": True})).rows[1]
        other = flags_page(client, client.view({})).rows[1]
        assert (staff.state, staff.variant, staff.reason) == ("on", "staff", "TARGETING_MATCH")
        assert staff.attributes == (("kind", "grid"),)
        assert (other.variant, other.reason) == ("everyone", "DEFAULT")

    def test_reads_are_the_applications_not_the_pages(self, client: FlagClient) -> None:
        """Each row counts the application's reads; building the page counts none."""
        for _ in range(3):
            client.is_enabled("layout", {})
        first = flags_page(client, client.view({"is_staff": True}))
        again = flags_page(client, client.view({"is_staff": True}))
        assert [row.reads for row in first.rows] == ["0", "3", "0"]
        assert [row.reads for row in again.rows] == ["0", "3", "0"]
        assert again.rows[0].last_read == "never"
        assert again.rows[1].last_read != "never"


class TestStatus:
    def test_the_shared_status_fields(self, client: FlagClient) -> None:
        """The page shows the status report's fields: health, origin, version, age, errors."""
        page = flags_page(client, client.view({}))
        status = dict(page.status)
        assert page.health == "ok"
        assert status["origin"] == "static"
        assert status["version"] == client.status.version == page.version
        assert {"age seconds", "last error", "rejected"} <= status.keys()


class TestTemplate:
    def test_uses_only_syntax_both_engines_share(self) -> None:
        """No filters, no engine-only tags: the same text renders in Django and Jinja."""
        assert "|" not in FLAGS_PAGE_TEMPLATE.replace("||", "")
        for only_one in ("{% empty", "{% url", "{% load", "loop.", "forloop", "{% set"):
            assert only_one not in FLAGS_PAGE_TEMPLATE

"""Flags for the browser: only the allow-listed flags and attributes, as the view answers them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appconfig_core import FlagClient, StaticSource
from appconfig_core.integration import (
    browser_flags,
    browser_payload,
    forced_overrides,
    merged_settings,
    settings_problems,
)

DOCUMENT = {
    "version": "1",
    "flags": {
        "new_checkout": {
            "name": "New checkout",
            "attributes": {
                "banner_text": {"constraints": {"type": "string"}},
                "internal_note": {"constraints": {"type": "string"}},
            },
        },
        "secret_beta": {"name": "Secret beta"},
        "layout": {
            "name": "Layout",
            "attributes": {"columns": {"constraints": {"type": "number"}}},
        },
    },
    "values": {
        "new_checkout": {"enabled": True, "banner_text": "<b>New!</b>", "internal_note": "ops"},
        "secret_beta": {"enabled": True},
        "layout": {
            "_variants": [
                {
                    "name": "wide",
                    "enabled": True,
                    "rule": '(eq $plan "pro")',
                    "attributeValues": {"columns": 4},
                },
                {"name": "narrow", "enabled": False, "attributeValues": {"columns": 2}},
            ]
        },
    },
}


@pytest.fixture(name="client")
def _client() -> Any:
    with FlagClient(StaticSource(DOCUMENT)) as client:
        yield client


class TestBrowserFlags:
    def test_a_list_sends_states_only(self) -> None:
        """A list of names allows those flags with no attributes."""
        assert browser_flags(["a", "b"]) == {"a": (), "b": ()}

    def test_a_dict_names_attributes(self) -> None:
        """A dict allows each flag with the attributes it lists (None: none)."""
        assert browser_flags({"a": ["text"], "b": None}) == {"a": ("text",), "b": ()}

    @pytest.mark.parametrize("setting", [None, [], {}])
    def test_unset_allows_nothing(self, setting: Any) -> None:
        """No setting, or an empty one, sends nothing."""
        assert browser_flags(setting) == {}


class TestBrowserPayload:
    def test_only_allowed_flags_and_attributes(self, client: FlagClient) -> None:
        """Flags and attributes the allow-list does not name never reach the payload."""
        view = client.view({"plan": "pro"})
        payload = browser_payload(view, browser_flags({"new_checkout": ["banner_text"]}))
        assert payload == {
            "version": client.snapshot().version,
            "flags": {
                "new_checkout": {
                    "enabled": True,
                    "variant": None,
                    "attributes": {"banner_text": "<b>New!</b>"},
                }
            },
        }

    def test_variant_for_the_views_context(self, client: FlagClient) -> None:
        """A multi-variant flag is sent as the request's context chose it."""
        allowed = browser_flags({"layout": ["columns"]})
        pro = browser_payload(client.view({"plan": "pro"}), allowed)["flags"]["layout"]
        free = browser_payload(client.view({"plan": "free"}), allowed)["flags"]["layout"]
        assert pro == {"enabled": True, "variant": "wide", "attributes": {"columns": 4}}
        assert free == {"enabled": False, "variant": "narrow", "attributes": {}}

    def test_missing_flag_is_sent_off(self, client: FlagClient) -> None:
        """A promised flag the document lacks is sent as off, so page code finds every name."""
        payload = browser_payload(client.view(), browser_flags(["not_yet"]))
        assert payload["flags"] == {
            "not_yet": {"enabled": False, "variant": None, "attributes": {}}
        }

    def test_overrides_show(self, client: FlagClient) -> None:
        """The payload is what the view answers, a tester's override included."""
        view = client.view().with_overrides(forced_overrides({"secret_beta": False}))
        payload = browser_payload(view, browser_flags(["secret_beta"]))
        assert payload["flags"]["secret_beta"]["enabled"] is False

    def test_values_json_cannot_hold_are_text(self) -> None:
        """An attribute JSON cannot hold (a YAML date) is sent as its text, never a crash."""
        document = b"promo:\n  enabled: true\n  ends: 2027-01-31\n"
        source = StaticSource(document, content_type="application/x-yaml")
        with FlagClient(source, format="appconfig") as client:
            payload = browser_payload(client.view(), browser_flags({"promo": ["ends"]}))
        assert json.loads(json.dumps(payload))["flags"]["promo"]["attributes"] == {
            "ends": "2027-01-31"
        }


class TestSetting:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("beta", "BROWSER_FLAGS: must be a list or a dict of flag names, not str"),
            (["beta", 3], "BROWSER_FLAGS: flag names must be non-empty strings, not 3"),
            (
                {"beta": "text"},
                "BROWSER_FLAGS: ['beta'] must be a list of attribute names, not str",
            ),
            (
                {"beta": ["text", ""]},
                "BROWSER_FLAGS: ['beta'] attribute names must be non-empty strings, not ''",
            ),
        ],
    )
    def test_problems(self, value: Any, message: str) -> None:
        """A malformed allow-list is E014, saying what is wrong."""
        found = settings_problems(merged_settings({"SOURCE": "file", "BROWSER_FLAGS": value}))
        assert [("E014", message)] == [(p.code, str(p)) for p in found if p.code == "E014"]

    @pytest.mark.parametrize("value", [None, [], ("a",), {"a": ["x"], "b": None}])
    def test_valid(self, value: Any) -> None:
        """Lists, tuples and dicts of names are fine."""
        found = settings_problems(merged_settings({"SOURCE": "file", "BROWSER_FLAGS": value}))
        assert [p for p in found if p.code == "E014"] == []

"""Forcing variants in tests: ``_variant`` in overrides, and `appconfig_core.testing.force_variant`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from appconfig_core import ConfigurationError, FlagClient, StaticSource, UnknownFlagError
from appconfig_core.testing import force_variant

from .conftest import ScriptedSource, result

DOCUMENT: dict[str, Any] = {
    "version": "1",
    "flags": {
        "staff_tools": {
            "name": "Staff tools",
            "attributes": {"layout": {"constraints": {"type": "string"}}},
        },
        "banner": {"name": "Banner"},
    },
    "values": {
        "staff_tools": {
            "_variants": [
                {
                    "name": "staff",
                    "enabled": True,
                    "rule": '(ends_with $email "@example.com")',
                    "attributeValues": {"layout": "grid"},
                },
                {"name": "off", "enabled": False, "rule": '(eq $plan "free")'},
                {"name": "everyone", "enabled": True, "attributeValues": {"layout": "list"}},
            ]
        },
        "banner": {"enabled": True},
    },
}


@pytest.fixture(name="client")
def _client() -> Iterator[FlagClient]:
    with FlagClient(StaticSource(DOCUMENT)) as client:
        yield client


def is_staff(context: Any) -> bool:
    return bool(context.get("is_staff"))


class TestVariantOverride:
    def test_variant_key_sets_the_variant_not_an_attribute(self, client: FlagClient) -> None:
        """``"_variant"`` in an override becomes `Evaluation.variant`; the rest stay attributes."""
        forced = {"staff_tools": {"enabled": True, "_variant": "staff", "layout": "grid"}}
        with client.override(forced):
            evaluation = client.evaluate("staff_tools")
        assert evaluation.variant == "staff"
        assert dict(evaluation.attributes) == {"layout": "grid"}

    def test_a_variant_that_is_not_a_name_is_refused(self, client: FlagClient) -> None:
        """A non-string ``_variant`` is a ConfigurationError naming the flag."""
        with (
            pytest.raises(ConfigurationError, match="override 'staff_tools'.*_variant"),
            client.override({"staff_tools": {"enabled": True, "_variant": 3}}),
        ):
            pass


class TestForceVariant:
    def test_matching_contexts_get_the_variant_with_its_attributes(
        self, client: FlagClient
    ) -> None:
        """A context the predicate accepts gets the forced variant and the document's attributes."""
        with force_variant(client, "staff_tools", "staff", when=is_staff):
            evaluation = client.evaluate("staff_tools", {"is_staff": True})
            assert client.is_enabled("staff_tools", {"is_staff": True})
        assert (evaluation.variant, evaluation.reason) == ("staff", "TARGETING_MATCH")
        assert dict(evaluation.attributes) == {"layout": "grid"}

    def test_other_contexts_keep_the_documents_rules(self, client: FlagClient) -> None:
        """Contexts the predicate rejects still go through the document's rules."""
        with force_variant(client, "staff_tools", "off", when=is_staff):
            by_rule = client.evaluate("staff_tools", {"email": "ana@example.com"})
            by_default = client.evaluate("staff_tools", {})
            forced = client.evaluate("staff_tools", {"is_staff": True})
        assert (by_rule.variant, by_default.variant) == ("staff", "everyone")
        assert (forced.variant, forced.enabled) == ("off", False)

    def test_without_a_predicate_every_context_is_forced(self, client: FlagClient) -> None:
        """Omitting ``when`` forces the variant for every context."""
        with force_variant(client, "staff_tools", "staff"):
            assert client.evaluate("staff_tools", {}).variant == "staff"

    def test_restored_on_exit(self, client: FlagClient) -> None:
        """Leaving the block brings the document's answer back."""
        with force_variant(client, "staff_tools", "staff"):
            pass
        assert client.evaluate("staff_tools", {}).variant == "everyone"

    def test_an_unknown_variant_is_refused(self, client: FlagClient) -> None:
        """Naming a variant the document does not define is an error listing the real ones."""
        with (
            pytest.raises(ConfigurationError, match="no variant 'stafff'.*staff, off, everyone"),
            force_variant(client, "staff_tools", "stafff"),
        ):
            pass

    def test_a_misspelt_flag_is_refused(self, client: FlagClient) -> None:
        """Forcing a name the loaded document lacks raises UnknownFlagError, as override does."""
        with (
            pytest.raises(UnknownFlagError, match="staf_tools"),
            force_variant(client, "staf_tools", "staff"),
        ):
            pass

    def test_a_flag_the_document_lacks_takes_the_given_attributes(self) -> None:
        """Over an empty document the forced answer is on, with the attributes passed in."""
        with (
            FlagClient(StaticSource({})) as client,
            force_variant(client, "new", "b", attributes={"layout": "grid"}),
        ):
            evaluation = client.evaluate("new", {})
        assert (evaluation.enabled, evaluation.variant) == (True, "b")
        assert dict(evaluation.attributes) == {"layout": "grid"}

    def test_nests_with_override(self, client: FlagClient) -> None:
        """A forced variant inside an override keeps the override for other contexts."""
        with (
            client.override({"staff_tools": {"enabled": False, "_variant": "off"}}),
            force_variant(client, "staff_tools", "staff", when=is_staff),
        ):
            assert client.evaluate("staff_tools", {"is_staff": True}).variant == "staff"
            assert client.evaluate("staff_tools", {}).variant == "off"

    def test_follows_a_new_version_of_the_document(self) -> None:
        """Other contexts get the new version's rules once it loads; the force stays."""
        changed = DOCUMENT | {
            "values": DOCUMENT["values"]
            | {"staff_tools": {"_variants": [{"name": "staff", "enabled": False}]}}
        }
        source = ScriptedSource(result(DOCUMENT, "1", poll=0.01), result(changed, "2"))
        loaded = threading.Event()
        client = FlagClient(source)
        client.on_change(lambda event: event.new.version == "2" and loaded.set())
        try:
            with force_variant(client, "staff_tools", "staff", when=is_staff):
                client.start()
                assert loaded.wait(5), "version 2 never loaded"
                assert client.evaluate("staff_tools", {}).enabled is False
                assert client.evaluate("staff_tools", {"is_staff": True}).variant == "staff"
        finally:
            client.close()

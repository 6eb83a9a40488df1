"""The anonymous visitor's key: random ids, the targeting key, the lazy context, the settings."""

from __future__ import annotations

from typing import Any

import pytest

from appconfig_core import FlagClient, StaticSource
from appconfig_core.integration import (
    LazyContext,
    is_visitor_id,
    merged_settings,
    new_visitor_id,
    settings_problems,
    targeting_key,
)


class TestVisitorId:
    def test_random_and_well_formed(self) -> None:
        """Each id is new, 22 URL-safe characters (128 random bits), and recognised as ours."""
        ids = {new_visitor_id() for _ in range(100)}
        assert len(ids) == 100
        assert all(is_visitor_id(value) for value in ids)

    @pytest.mark.parametrize("value", [None, "", "short", "x" * 23, "a/b" + "c" * 19, 42])
    def test_anything_else_is_not_an_id(self, value: Any) -> None:
        """A cookie holding anything else gets a new id."""
        assert not is_visitor_id(value)

    def test_targeting_key(self) -> None:
        """The user's id when signed in (0 included), else the visitor's."""
        assert targeting_key(7, "v") == 7
        assert targeting_key(0, "v") == 0
        assert targeting_key(None, "v") == "v"
        assert targeting_key(None, None) is None


class TestLazyContext:
    def test_keys_computed_once_on_first_read(self) -> None:
        """A key is computed when first read, once; keys no rule reads are never computed."""
        calls: list[str] = []

        def user_id(context: LazyContext) -> Any:
            calls.append("user_id")
            return None

        def visitor_id(context: LazyContext) -> Any:
            calls.append("visitor_id")
            return "v"

        def key(context: LazyContext) -> Any:
            return targeting_key(context["user_id"], context["visitor_id"])

        context = LazyContext({"user_id": user_id, "visitor_id": visitor_id, "key": key})
        assert context.get("user_id") is None
        assert calls == ["user_id"]
        assert context["key"] == "v"
        assert context["key"] == "v"
        assert calls == ["user_id", "visitor_id"]
        assert context.get("other") is None
        assert sorted(context) == ["key", "user_id", "visitor_id"]

    def test_split_by_targeting_key(self) -> None:
        """A split by ``$targeting_key`` reads it from a lazy context like any mapping."""
        document = {
            "version": "1",
            "flags": {"beta": {"name": "beta"}},
            "values": {
                "beta": {
                    "_variants": [
                        {
                            "name": "in",
                            "enabled": True,
                            "rule": '(split pct::100 by::$targeting_key seed::"s")',
                        },
                        {"name": "out", "enabled": False},
                    ]
                }
            },
        }
        with FlagClient(StaticSource(document)) as client:
            anonymous = LazyContext({"targeting_key": lambda context: "visitor-1"})
            nobody = LazyContext({"targeting_key": lambda context: None})
            assert client.view(anonymous).variant("beta") == "in"
            assert client.view(nobody).variant("beta") == "out"


class TestSettings:
    @pytest.mark.parametrize(
        ("settings", "message"),
        [
            ({"VISITOR_COOKIE": 3}, "VISITOR_COOKIE: must be a cookie name or None, not int"),
            ({"VISITOR_COOKIE": "a b"}, "VISITOR_COOKIE: 'a b' is not a cookie name (letters, digits, '_', '.', '-')"),
            ({"VISITOR_MAX_AGE": 60}, "VISITOR_MAX_AGE: 60 is outside 3600 to 63072000 seconds"),
            ({"VISITOR_MAX_AGE": 3600.5}, "VISITOR_MAX_AGE: must be a whole number of seconds, not 3600.5"),
            ({"VISITOR_MAX_AGE": None}, "VISITOR_MAX_AGE: must be a whole number of seconds, not NoneType"),
        ],
    )  # fmt: skip
    def test_problems(self, settings: dict[str, Any], message: str) -> None:
        """A bad cookie name or lifetime is E016, saying what is wrong."""
        found = settings_problems(merged_settings({"SOURCE": "file", **settings}))
        assert [("E016", message)] == [(p.code, str(p)) for p in found if p.code == "E016"]

    def test_can_be_turned_off(self) -> None:
        """``VISITOR_COOKIE = None`` is valid: anonymous visitors then get no key."""
        found = settings_problems(merged_settings({"SOURCE": "file", "VISITOR_COOKIE": None}))
        assert [p for p in found if p.code == "E016"] == []

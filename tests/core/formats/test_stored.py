"""Tests for the stored form: validation of every AppConfig rule, plain flags, deprecation, speed."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from appconfig_core._evaluation.result import STATIC
from appconfig_core._formats import stored as _stored
from appconfig_core._formats.detect import compile_document
from appconfig_core._formats.stored import compile_stored
from appconfig_core.errors import DocumentError


def doc(flags: Any = None, values: Any = None, **extra: Any) -> dict[str, Any]:
    return {"version": "1", "flags": flags or {}, "values": values or {}, **extra}


def problems(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as info:
        compile_stored(document)
    return info.value.problems


def has(document: Any, location: str, message: str) -> None:
    found = problems(document)
    assert any(loc == location and message in msg for loc, msg in found), found


COLOR = {"color": {"constraints": {"type": "string", "enum": ["red", "blue"], "required": True}}}


class TestPlainFlags:
    @pytest.mark.parametrize("compile_", [compile_stored, compile_document])
    def test_enabled_flag_with_attributes(self, compile_: Any) -> None:
        """An enabled plain flag answers STATIC with its attributes, directly or via dispatch."""
        flags = compile_(
            doc({"beta": {"attributes": COLOR}}, {"beta": {"enabled": True, "color": "red"}}),
            version="4",
        )
        result = flags["beta"].evaluate({})
        assert (result.enabled, result.value, result.reason, result.variant, result.version) == (
            True,
            True,
            STATIC,
            None,
            "4",
        )
        assert dict(result.attributes) == {"color": "red"}
        assert flags["beta"].is_enabled({}) is True

    def test_disabled_flag_has_no_attributes(self) -> None:
        """A disabled flag's attributes are hidden, as in the retrieval form."""
        flags = compile_stored(
            doc({"beta": {"attributes": COLOR}}, {"beta": {"enabled": False, "color": "red"}})
        )
        assert dict(flags["beta"].evaluate({}).attributes) == {}

    def test_definition_without_value_is_disabled(self) -> None:
        """A flag defined but given no value is compiled as disabled."""
        flags = compile_stored(doc({"beta": {"attributes": COLOR}}))
        assert flags["beta"].evaluate({}).enabled is False

    def test_missing_enabled_means_disabled(self) -> None:
        """A value object without enabled is a disabled flag."""
        assert compile_stored(doc({"beta": {}}, {"beta": {}}))["beta"].is_enabled({}) is False

    def test_metadata_is_ignored(self) -> None:
        """_createdAt and _updatedAt are accepted and not served as attributes."""
        value = {"enabled": True, "_createdAt": "2024-01-01T00:00:00Z", "_updatedAt": "x"}
        flags = compile_stored(doc({"beta": {"_createdAt": "x"}}, {"beta": value}))
        assert dict(flags["beta"].evaluate({}).attributes) == {}

    def test_definition_changes_with_value_or_definition(self) -> None:
        """definition compares equal for equal input and differs when value or definition changes."""

        def definition(flag: dict[str, Any], value: dict[str, Any]) -> Any:
            return compile_stored(doc({"b": flag}, {"b": value}))["b"].definition

        base = definition({"name": "B"}, {"enabled": True})
        assert base == definition({"name": "B"}, {"enabled": True})
        assert base != definition({"name": "B2"}, {"enabled": True})
        assert base != definition({"name": "B"}, {"enabled": False})

    def test_empty_document(self) -> None:
        """A document with only the version has no flags."""
        assert compile_stored({"version": "1"}) == {}


class TestDocumentRules:
    def test_not_an_object(self) -> None:
        """A non-object document is rejected."""
        assert problems(["x"]) == [("document", "expected an object, got list")]

    @pytest.mark.parametrize("version", [None, 1, "2"])
    def test_version(self, version: Any) -> None:
        """version must be the string "1"."""
        has({"version": version}, "version", 'must be the string "1"')

    def test_unknown_top_level_key(self) -> None:
        """Keys other than version, flags and values are rejected."""
        has(doc(extra=1), "extra", "only version, flags and values")

    def test_flags_must_be_an_object(self) -> None:
        """flags and values must be objects."""
        has({"version": "1", "flags": []}, "flags", "must be an object")
        has({"version": "1", "values": 3}, "values", "must be an object")

    @pytest.mark.parametrize("key", ["Beta", "1beta", "be.ta", "b" * 65, ""])
    def test_flag_key_pattern(self, key: str) -> None:
        """Flag keys must match ^[a-z][a-zA-Z\\d_-]{0,63}$."""
        has(doc({key: {}}), f"flags.{key}", "must start with a lowercase letter")

    def test_longest_key_is_accepted(self) -> None:
        """A 64-character key with all allowed characters is valid."""
        key = "a" + "Z9_-" * 15 + "abc"
        assert key in compile_stored(doc({key: {}}))

    def test_value_without_definition(self) -> None:
        """An entry in values with no definition is rejected as a likely typo."""
        has(
            doc({"beta": {}}, {"betta": {"enabled": True}}),
            "values.betta",
            "has no definition; add flags.betta",
        )

    def test_all_problems_are_collected(self) -> None:
        """Every problem of a document is reported in one error."""
        found = problems({"version": "2", "flags": {"Bad": {}, "ok": {"name": ""}}, "x": 1})
        assert [loc for loc, _ in found] == ["version", "x", "flags.Bad", "flags.ok.name"]


class TestDefinitionRules:
    @pytest.mark.parametrize(
        ("flag", "location", "message"),
        [
            ("x", "flags.f", "must be an object"),
            ({"enabled": True}, "flags.f.enabled", "values go under values"),
            ({"name": ""}, "flags.f.name", "1 to 64 characters"),
            ({"name": "x" * 65}, "flags.f.name", "1 to 64 characters"),
            ({"name": "a\nb"}, "flags.f.name", "without line breaks"),
            ({"description": "x" * 1025}, "flags.f.description", "at most 1024"),
            ({"_createdAt": 5}, "flags.f._createdAt", "must be a string"),
            ({"attributes": []}, "flags.f.attributes", "at most 25 attributes"),
            (
                {"attributes": {f"a{i}": {} for i in range(26)}},
                "flags.f.attributes",
                "at most 25 attributes",
            ),
            (
                {"attributes": {"enabled": {}}},
                "flags.f.attributes.enabled",
                '"enabled" is reserved',
            ),
            ({"attributes": {"Color": {}}}, "flags.f.attributes.Color", "lowercase letter"),
            ({"attributes": {"c": 1}}, "flags.f.attributes.c", "must be an object"),
            (
                {"attributes": {"c": {"type": "string"}}},
                "flags.f.attributes.c.type",
                "only description and constraints",
            ),
            (
                {"attributes": {"c": {"description": 1}}},
                "flags.f.attributes.c.description",
                "at most 1024",
            ),
            (
                {"attributes": {"c": {"constraints": {"type": "string", "pattern": "("}}}},
                "flags.f.attributes.c.constraints.pattern",
                "not a valid regular expression",
            ),
        ],
    )
    def test_rules(self, flag: Any, location: str, message: str) -> None:
        """Each definition rule AppConfig enforces is reported at its location."""
        has(doc({"f": flag}), location, message)


class TestValueRules:
    @pytest.mark.parametrize(
        ("value", "location", "message"),
        [
            ("on", "values.f", "must be an object"),
            ({"enabled": "true"}, "values.f.enabled", "must be true or false"),
            (
                {"enabled": True},
                "values.f.color",
                "is required by flags.f.attributes.color.constraints",
            ),
            (
                {"enabled": True, "color": "green"},
                "values.f.color",
                "not one of the constraint's enum values",
            ),
            ({"enabled": True, "color": 5}, "values.f.color", "must be a string"),
            ({"enabled": True, "color": "red", "size": 1}, "values.f.size", "not declared"),
            ({"enabled": True, "color": "red", "_note": 1}, "values.f._note", "is not allowed"),
            (
                {"enabled": True, "color": "red", "_updatedAt": 1},
                "values.f._updatedAt",
                "must be a string",
            ),
            (
                {
                    "enabled": True,
                    "_variants": [
                        {"name": "d", "enabled": True, "attributeValues": {"color": "red"}}
                    ],
                },
                "values.f.enabled",
                "cannot sit beside _variants",
            ),
            (
                {
                    "color": "red",
                    "_variants": [
                        {"name": "d", "enabled": True, "attributeValues": {"color": "red"}}
                    ],
                },
                "values.f.color",
                "cannot sit beside _variants",
            ),
        ],
    )
    def test_rules(self, value: Any, location: str, message: str) -> None:
        """Each value rule is reported at its location."""
        has(doc({"f": {"attributes": COLOR}}, {"f": value}), location, message)

    def test_required_not_needed_when_disabled(self) -> None:
        """A disabled flag may omit a required attribute."""
        assert compile_stored(doc({"f": {"attributes": COLOR}}, {"f": {"enabled": False}}))

    def test_attribute_without_constraints_takes_any_value_shape(self) -> None:
        """An attribute declared without constraints accepts any attribute value."""
        flags = compile_stored(
            doc({"f": {"attributes": {"n": {}}}}, {"f": {"enabled": True, "n": [1, 2]}})
        )
        assert flags["f"].evaluate({}).attributes["n"] == [1, 2]
        has(
            doc({"f": {"attributes": {"n": {}}}}, {"f": {"enabled": True, "n": {"a": 1}}}),
            "values.f.n",
            "must be",
        )


class TestDeprecation:
    @pytest.fixture(autouse=True)
    def _forget(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_stored, "_announced", set())

    def test_logged_once_per_flag(self, caplog: pytest.LogCaptureFixture) -> None:
        """A planned deprecation is logged once at load, not on each load or evaluation."""
        document = doc(
            {"old": {"_deprecation": {"status": "planned", "date": "2030-06-30"}}},
            {"old": {"enabled": True}},
        )
        with caplog.at_level(logging.WARNING, logger="appconfig_core"):
            flags = compile_stored(document)
            compile_stored(document)
            for _ in range(3):
                flags["old"].evaluate({})
        messages = [r.getMessage() for r in caplog.records]
        assert messages == ["flag 'old' is planned for deprecation on 2030-06-30"]
        assert caplog.records[0].levelno == logging.WARNING

    def test_not_logged_for_rejected_documents(self, caplog: pytest.LogCaptureFixture) -> None:
        """A document that fails validation logs no deprecation."""
        document = doc({"old": {"_deprecation": {"status": "planned"}}, "Bad": {}})
        with (
            caplog.at_level(logging.WARNING, logger="appconfig_core"),
            pytest.raises(DocumentError),
        ):
            compile_stored(document)
        assert caplog.records == []

    @pytest.mark.parametrize(
        ("deprecation", "location", "message"),
        [
            ({"status": "none"}, "flags.f._deprecation.status", 'must be "planned"'),
            ({}, "flags.f._deprecation.status", 'must be "planned"'),
            (
                {"status": "planned", "date": "2030-13-01"},
                "flags.f._deprecation.date",
                "YYYY-MM-DD",
            ),
            (
                {"status": "planned", "date": "30-01-2030"},
                "flags.f._deprecation.date",
                "YYYY-MM-DD",
            ),
            (
                {"status": "planned", "when": "x"},
                "flags.f._deprecation.when",
                "only status and date",
            ),
            ("planned", "flags.f._deprecation", "must be an object"),
            (None, "flags.f._deprecation", "must be an object"),
        ],
    )
    def test_rules(self, deprecation: Any, location: str, message: str) -> None:
        """_deprecation accepts only status "planned" and a YYYY-MM-DD date."""
        has(doc({"f": {"_deprecation": deprecation}}), location, message)


def big_document(count: int) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for i in range(count):
        key = f"flag_{i}"
        flags[key] = {
            "name": f"Flag {i}",
            "attributes": {
                "color": {"constraints": {"type": "string", "pattern": "^[a-z]+$"}},
                "size": {"constraints": {"type": "number", "minimum": 0}},
            },
        }
        if i % 2:
            values[key] = {"enabled": True, "color": "red", "size": i}
        else:
            values[key] = {
                "_variants": [
                    {
                        "name": "A",
                        "enabled": True,
                        "rule": '(and (eq $plan "pro") (gt $seats 10))',
                        "attributeValues": {"color": "blue"},
                    },
                    {"name": "B", "enabled": True, "rule": '(split pct::25 by::$userId seed::"s")'},
                    {"name": "Default", "enabled": False},
                ]
            }
    return {"version": "1", "flags": flags, "values": values}


class TestSpeed:
    def test_compile_time_grows_linearly(self) -> None:
        """Compiling 1,000 mixed flags takes about ten times as long as 100 flags."""
        small, large = big_document(100), big_document(1000)

        def best(document: dict[str, Any]) -> float:
            timings = []
            for _ in range(5):
                start = time.perf_counter()
                compile_stored(document)
                timings.append(time.perf_counter() - start)
            return min(timings)

        best(small)
        ratio = best(large) / best(small)
        assert ratio < 30, ratio  # linear is about 10; quadratic would be about 100

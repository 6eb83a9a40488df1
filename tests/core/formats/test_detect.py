"""Format detection and compiling each format, directly and through FlagClient."""

from __future__ import annotations

from typing import Any

import pytest

from appconfig_core import ConfigurationError, DocumentError, FlagClient, StaticSource
from appconfig_core._formats.detect import compile_document, detect_format, why_detected

STORED = {"version": "1", "flags": {"a": {"name": "A"}}, "values": {"a": {"enabled": True}}}


class TestDetectFormat:
    @pytest.mark.parametrize(
        ("document", "fmt"),
        [
            (STORED, "appconfig"),
            ({"a": {"enabled": True}}, "appconfig"),
            ({}, "appconfig"),
            ({"a": {"default": True}}, "powertools"),
            ({"db": {"host": "x"}}, "raw"),
            ("text", "raw"),
            ([1, 2], "raw"),
        ],
    )
    def test_shapes(self, document: object, fmt: str) -> None:
        """Each document shape is detected as its format."""
        assert fmt == detect_format(document)

    def test_flag_named_version_is_retrieval_form(self) -> None:
        """A retrieval-form flag called "version" is not mistaken for the stored form."""
        flags = compile_document({"version": {"enabled": True}})
        assert flags["version"].is_enabled({})


class TestCompileDocument:
    def test_stored_form_with_wrong_version_is_reported_as_stored(self) -> None:
        """A stored form with version "2" is rejected by the stored-form validator."""
        with pytest.raises(DocumentError, match="version"):
            compile_document({**STORED, "version": "2"})

    def test_raw_has_no_flags(self) -> None:
        """Raw documents compile to no flags, even when forced."""
        assert {} == compile_document({"a": {"enabled": True}}, format="raw")

    def test_forced_format_validates(self) -> None:
        """A forced appconfig format rejects a document that is not one."""
        with pytest.raises(DocumentError):
            compile_document({"db": {"host": "x"}}, format="appconfig")

    @pytest.mark.parametrize(
        ("document", "named"),
        [
            ({"databases": {"default": {"host": "db"}}}, "the Powertools schema"),
            ({"version": 3, "debug": True}, "the AppConfig stored form"),
            ({"a": {"enabled": "yes"}}, "the AppConfig retrieval form"),
        ],
    )
    def test_auto_says_what_it_detected(self, document: dict[str, Any], named: str) -> None:
        """A failing auto-detected document names the assumed format and how to force raw."""
        with pytest.raises(DocumentError) as info:
            compile_document(document)
        assert f"format auto read this document as {named}" in str(info.value)
        assert str(info.value).endswith('if it is free-form configuration, set format="raw"')
        assert all("format auto" not in message for _, message in info.value.problems)

    def test_forced_format_has_no_detection_hint(self) -> None:
        """With an explicit format the error lists only the document's problems."""
        with pytest.raises(DocumentError) as info:
            compile_document({"databases": {"default": {}}}, format="powertools")
        assert "format auto" not in str(info.value)

    def test_unknown_format(self) -> None:
        """An unknown format name is a ConfigurationError."""
        with pytest.raises(ConfigurationError):
            compile_document({}, format="toml")


POWERTOOLS_DOC = {
    "premium": {
        "default": False,
        "rules": {
            "vip": {
                "when_match": True,
                "conditions": [{"action": "EQUALS", "key": "tier", "value": "vip"}],
            }
        },
    },
    "limits": {"default": {"rpm": 60}, "boolean_type": False},
}
VARIANT_DOC = {
    "version": "1",
    "flags": {"beta": {"name": "Beta"}},
    "values": {
        "beta": {
            "_variants": [
                {"name": "staff", "enabled": True, "rule": '(ends_with $email "@example.com")'},
                {"name": "others", "enabled": False},
            ]
        }
    },
}


class TestThroughFlagClient:
    """Every format loads, validates and evaluates through the public FlagClient."""

    def read(self, document: object, flag: str, context: dict[str, object], **kwargs: str) -> Any:
        with FlagClient(StaticSource(document), **kwargs) as client:  # type: ignore[arg-type]
            assert client.status.ready
            return client.evaluate(flag, context)

    @pytest.mark.parametrize("fmt", ["auto", "appconfig"])
    def test_retrieval_form(self, fmt: str) -> None:
        """The retrieval form answers STATIC with its attributes."""
        answer = self.read({"a": {"enabled": True, "n": 1}}, "a", {}, format=fmt)
        assert (answer.enabled, answer.reason, dict(answer.attributes)) == (
            True,
            "STATIC",
            {"n": 1},
        )

    @pytest.mark.parametrize("fmt", ["auto", "appconfig"])
    def test_stored_form_with_variants(self, fmt: str) -> None:
        """The stored form's variant rules are evaluated in-process."""
        answer = self.read(VARIANT_DOC, "beta", {"email": "a@example.com"}, format=fmt)
        assert (answer.enabled, answer.variant, answer.reason) == (True, "staff", "TARGETING_MATCH")

    @pytest.mark.parametrize("fmt", ["auto", "powertools"])
    def test_powertools_schema(self, fmt: str) -> None:
        """The Powertools schema answers rules and non-boolean values."""
        answer = self.read(POWERTOOLS_DOC, "premium", {"tier": "vip"}, format=fmt)
        assert (answer.value, answer.variant, answer.reason) == (True, "vip", "TARGETING_MATCH")
        assert self.read(POWERTOOLS_DOC, "limits", {}, format=fmt).value == {"rpm": 60}

    def test_raw(self) -> None:
        """Raw configuration has no flags; the document is served as it is."""
        document = {"db": {"host": "x"}}
        with FlagClient(StaticSource(document), format="raw") as client:
            assert client.snapshot().document == document
            assert client.snapshot().flag_names == ()
            assert client.evaluate("db").error == "FLAG_NOT_FOUND"

    def test_invalid_document_is_not_loaded(self) -> None:
        """A document that fails validation is not loaded, and the problem is reported."""
        broken = {**VARIANT_DOC, "values": {"beta": {"_variants": [{"name": "x"}]}}}
        with FlagClient(StaticSource(broken), start_timeout=0.5) as client:
            assert not client.status.ready
            assert "values.beta._variants[0].enabled" in str(client.status.last_error)
            assert client.is_enabled("beta", default=True) is True


class TestWhyDetected:
    @pytest.mark.parametrize(
        ("document", "words"),
        [
            ([], "free-form configuration (raw), because it is a list, not an object"),
            (None, "free-form configuration (raw), because it is null, not an object"),
            ("x", "because it is text (neither JSON nor YAML), not an object"),
            ({"beta": True}, 'because no entry is an object holding "enabled" or "default"'),
            ({}, "the AppConfig retrieval form with no flags, because it is an empty object"),
            (
                {"a": {"enabled": True}},
                'the AppConfig retrieval form, because an entry holds "enabled"',
            ),
            ({"a": {"default": True}}, 'the Powertools schema, because an entry holds "default"'),
            (
                {"version": "1", "flags": {}},
                'the AppConfig stored form, because it has a top-level "version"',
            ),
        ],
    )
    def test_says_which_format_and_why(self, document: Any, words: str) -> None:
        """The explanation names the format auto picks and the shape that decided it."""
        assert words in why_detected(document)

from __future__ import annotations

import pytest

from appconfig_core import ConfigurationError, DocumentError
from appconfig_core._formats import compile_document, detect_format

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

    def test_unknown_format(self) -> None:
        """An unknown format name is a ConfigurationError."""
        with pytest.raises(ConfigurationError):
            compile_document({}, format="toml")

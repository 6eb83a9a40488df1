from __future__ import annotations

import pytest

from appconfig_core._sources.content import content_type_for_path, media_type, parse_content
from appconfig_core.errors import DocumentError


class TestParseContent:
    def test_json_with_parameters_is_json(self) -> None:
        """A content type with a charset parameter is still parsed as JSON."""
        assert {"a": 1} == parse_content(b'{"a": 1}', "application/json; charset=utf-8")

    def test_yaml(self) -> None:
        """YAML content types are parsed with PyYAML's safe loader."""
        assert {"a": [1, 2]} == parse_content(b"a: [1, 2]\n", "application/x-yaml")

    def test_text_stays_text(self) -> None:
        """text/plain is returned as a string."""
        assert '{"a": 1}' == parse_content(b'{"a": 1}', "text/plain")

    def test_unknown_type_tries_json_then_text(self) -> None:
        """An unknown content type is JSON when it parses and text otherwise."""
        assert {"a": 1} == parse_content(b'{"a": 1}', "application/octet-stream")
        assert "hello" == parse_content(b"hello", None)

    def test_bad_json_says_where(self) -> None:
        """Invalid JSON raises a DocumentError naming line and column, without the content."""
        with pytest.raises(DocumentError, match=r"invalid JSON: .* \(line 2, column 8\)") as info:
            parse_content(b'{"secret": 1,\n  "x": }', "application/json")
        assert "secret" not in str(info.value)

    def test_bad_yaml_says_where(self) -> None:
        """Invalid YAML raises a DocumentError naming the line."""
        with pytest.raises(DocumentError, match=r"invalid YAML: .*\(line 3, column 1\)"):
            parse_content(b"a: 1\nb: [\n", "application/yaml")

    def test_not_utf8(self) -> None:
        """Bytes that are not UTF-8 are rejected with the offending offset."""
        with pytest.raises(DocumentError, match="not UTF-8"):
            parse_content(b"\xff\xfe", "application/json")


class TestContentTypes:
    def test_by_extension(self) -> None:
        """File extensions map to JSON, YAML or text."""
        assert "application/json" == content_type_for_path("flags.JSON")
        assert "application/x-yaml" == content_type_for_path("flags.yml")
        assert "text/plain" == content_type_for_path("flags.txt")

    def test_media_type_strips_parameters(self) -> None:
        """Parameters and case do not matter."""
        assert "application/json" == media_type("Application/JSON; charset=utf-8")
        assert "" == media_type(None)

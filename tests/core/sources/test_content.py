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

    @pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", None])
    def test_content_type_is_a_hint_for_json(self, content_type: str | None) -> None:
        """A JSON object served as text, bytes or with no type is parsed as JSON."""
        assert {"a": {"enabled": True}} == parse_content(b'{"a": {"enabled": true}}', content_type)
        assert [1, 2] == parse_content(b"[1, 2]", content_type)

    @pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", None])
    def test_content_type_is_a_hint_for_yaml(self, content_type: str | None) -> None:
        """A YAML mapping served as text, bytes or with no type is parsed as YAML."""
        assert {"a": {"enabled": True}} == parse_content(b"a:\n  enabled: true\n", content_type)

    def test_text_that_is_neither_stays_text(self) -> None:
        """Text that is not a JSON or YAML object or list stays a string, scalars included."""
        assert "hello" == parse_content(b"hello", None)
        assert "123" == parse_content(b"123", "text/plain")
        assert "[section]\nkey=value" == parse_content(b"[section]\nkey=value", "text/plain")

    def test_truncated_json_without_a_type_is_text(self) -> None:
        """JSON cut short with no content type cannot be parsed, so it is text (the store refuses it)."""
        assert '{"beta": {"enabled": tr' == parse_content(b'{"beta": {"enabled": tr', None)

    def test_bad_json_says_where(self) -> None:
        """Invalid JSON raises a DocumentError naming line and column, without the content."""
        with pytest.raises(DocumentError, match=r"invalid JSON: .* \(line 2, column 8\)") as info:
            parse_content(b'{"secret": 1,\n  "x": }', "application/json")
        assert "secret" not in str(info.value)

    def test_bad_yaml_says_where(self) -> None:
        """Invalid YAML raises a DocumentError naming the line."""
        with pytest.raises(DocumentError, match=r"invalid YAML: .*\(line 3, column 1\)"):
            parse_content(b"a: 1\nb: [\n", "application/yaml")

    @pytest.mark.parametrize(
        ("raw", "content_type", "message"),
        [
            (b"1" * 5000, "application/json", "a number has more than 4300 digits"),
            (b"a: " + b"1" * 5000, "application/yaml", r"a value cannot be read \(ValueError\)"),
            (b"when: 2024-13-45", "application/yaml", r"a value cannot be read \(ValueError\)"),
            (b"[" * 100_000, "application/json", "nested too deeply"),
            (b"a: " + b"[" * 100_000, "application/yaml", "invalid YAML"),
            (b"a: &x 1\nb: *x", "application/yaml", "aliases"),
        ],
    )
    def test_only_document_errors_escape(self, raw: bytes, content_type: str, message: str) -> None:
        """Huge numbers, impossible dates, deep nesting and aliases raise DocumentError, nothing else."""
        with pytest.raises(DocumentError, match=message):
            parse_content(raw, content_type)

    @pytest.mark.parametrize("content_type", ["text/plain", None])
    def test_sniffing_never_raises_for_text(self, content_type: str | None) -> None:
        """A body that breaks both parsers with no JSON or YAML type stays text instead of raising."""
        assert isinstance(parse_content(b"1" * 5000, content_type), str)
        assert isinstance(parse_content(b"[" * 100_000, content_type), str)

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

from __future__ import annotations

import pytest

from appconfig_core import ConfigurationError, StaticSource


class TestStaticSource:
    def test_delivers_once_then_unchanged(self) -> None:
        """The document comes once; later fetches say unchanged until it is updated."""
        source = StaticSource({"a": {"enabled": True}}, poll_interval=2)
        first = source.fetch()
        assert first.content is not None and "application/json" == first.content.content_type
        assert (None, 2) == (source.fetch().content, source.fetch().next_poll)
        source.update({"a": {"enabled": False}})
        updated = source.fetch().content
        assert updated is not None and b'"enabled": false' in updated.data
        assert updated.version != first.content.version

    def test_bytes_and_text(self) -> None:
        """Bytes keep their content type; text is text/plain."""
        assert (
            "application/x-yaml"
            == StaticSource(b"a: 1", content_type="application/x-yaml").fetch().content.content_type
        )  # type: ignore[union-attr]
        assert "text/plain" == StaticSource("hello").fetch().content.content_type  # type: ignore[union-attr]

    def test_reset_delivers_again(self) -> None:
        """After reset (a fork) the document is delivered again."""
        source = StaticSource({})
        source.fetch()
        source.reset()
        assert source.fetch().content is not None

    def test_rejects_unserialisable(self) -> None:
        """A document JSON cannot hold is refused with a clear error."""
        with pytest.raises(ConfigurationError, match="JSON-serialisable"):
            StaticSource({"a": object()})

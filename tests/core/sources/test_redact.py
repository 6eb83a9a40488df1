"""Session tokens are redacted from any text, and from every record the package logs."""

from __future__ import annotations

import logging

import pytest

from appconfig_core._sources.redact import redact

TOKEN = "AYADeQ6KupJWBaSOa6fQ9Kg3iQujoXlAI0s8bVS_SLycZTZta6I9k1IfJPo8b"


class TestRedact:
    @pytest.mark.parametrize(
        "text",
        [
            f'endpoint URL: "http://h/configuration?configuration_token={TOKEN}%2F1&x=1"',
            f"Next-Poll-Configuration-Token: {TOKEN}",
            f"{{'NextPollConfigurationToken': '{TOKEN}', 'x': 1}}",
            f'{{"InitialConfigurationToken": "{TOKEN}"}}',
            f"Invalid length for parameter ConfigurationToken, value: {TOKEN}",
            f"a bare token {TOKEN}",
        ],
        ids=["query", "header", "repr", "json", "botocore-validation", "bare"],
    )
    def test_every_token_form_is_redacted(self, text: str) -> None:
        """Tokens in URLs, headers, dict reprs, botocore's validation text and bare are replaced."""
        assert "AYADe" not in redact(text)
        assert "<redacted>" in redact(text)

    def test_text_without_tokens_is_unchanged(self) -> None:
        """Ordinary messages, short values and the word token pass through as they are."""
        text = "AppConfig shop/prod/flags: token expired; version 'AYAD' is short"
        assert text == redact(text)


class TestLogFilter:
    def test_package_log_records_are_redacted_with_their_tracebacks(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A token in a message argument or in a logged traceback never reaches a handler."""
        log = logging.getLogger("appconfig_core")
        with caplog.at_level(logging.DEBUG, "appconfig_core"):
            log.warning("failed: %s", f"configuration_token={TOKEN}")
            try:
                raise RuntimeError(f"GET /configuration?configuration_token={TOKEN}")
            except RuntimeError:
                log.exception("unexpected")
        assert TOKEN not in caplog.text
        assert "failed: configuration_token=<redacted>" in caplog.text
        assert "RuntimeError: GET /configuration?configuration_token=<redacted>" in caplog.text

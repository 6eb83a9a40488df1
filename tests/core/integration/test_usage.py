"""What the usage commands print from a usage section, and how fetch_usage reports failures."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from appconfig_core import ConfigurationError, FlagClient, StaticSource
from appconfig_core.integration import fetch_usage, status_report, usage_lines, usage_output

USAGE: dict[str, Any] = {
    "since": "2026-12-01T05:00:00+00:00",
    "version": "7",
    "flags": {
        "new_checkout": {"reads": 12, "last_read": "2026-12-01T06:00:00+00:00"},
        "legacy": {"reads": 0, "last_read": None},
        "typo": {"reads": 2, "last_read": "2026-12-01T05:30:00+00:00"},
    },
    "never_read": ["legacy"],
    "not_in_document": ["typo"],
}


@pytest.fixture(name="server")
def _server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A real HTTP server answering GETs with what the test puts in ``answer``."""
    answer: dict[str, Any] = {"status": 200, "body": b"{}"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(answer["status"])
            self.end_headers()
            self.wfile.write(answer["body"])

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/health", answer
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5.0)


class TestOutput:
    def test_lines_per_flag_then_the_lists(self) -> None:
        """One line per flag with reads and last read, then never read and not in the document."""
        lines = usage_lines(USAGE)
        assert lines[0] == "reads since 2026-12-01T05:00:00+00:00 (version 7)"
        assert lines[2].split() == ["legacy", "0", "never"]
        assert lines[-2:] == ["never read: legacy", "not in the document: typo"]

    def test_exit_1_for_names_the_document_lacks(self) -> None:
        """usage_output exits 1 with unknown names, 0 without; --json prints the section."""
        assert 1 == usage_output(USAGE)[0]
        code, lines = usage_output({**USAGE, "not_in_document": []}, as_json=True)
        assert 0 == code
        assert [] == json.loads(lines[0])["not_in_document"]

    def test_status_lines_summarise_usage(self) -> None:
        """The status commands print usage as one summary line."""
        with FlagClient(StaticSource({"a": {"enabled": True}}), report_usage=True) as client:
            client.is_enabled("a")
            lines = status_report(client.status).lines()
        [line] = [line for line in lines if line.startswith("usage:")]
        assert line.endswith("; never read: -; not in the document: -")
        assert "usage: 1 flag read since " in line


class TestFetch:
    def test_a_status_payload_with_usage(self, server: tuple[str, dict[str, Any]]) -> None:
        """The usage section of the payload is returned, from a 503 as from a 200."""
        url, answer = server
        answer.update(
            status=503, body=json.dumps({"health": "unavailable", "usage": USAGE}).encode()
        )
        assert USAGE == fetch_usage(url)

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (b"<html>", "did not answer with the JSON status payload"),
            (b'{"other": 1}', "did not answer with the JSON status payload"),
            (b'{"health": "ok"}', "set REPORT_USAGE"),
        ],
    )
    def test_what_went_wrong(
        self, server: tuple[str, dict[str, Any]], body: bytes, message: str
    ) -> None:
        """Each failure says what the URL answered, or which setting to turn on."""
        url, answer = server
        answer["body"] = body
        with pytest.raises(ConfigurationError, match=message):
            fetch_usage(url)

    def test_not_a_url(self) -> None:
        """A value that is not an http(s) URL is refused before any connection."""
        with pytest.raises(ConfigurationError, match="must be an http"):
            fetch_usage("localhost:8000")

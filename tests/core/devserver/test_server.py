"""DevServer's lifecycle, limits, request log and bind warnings."""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError

from appconfig_core.devserver import DevServer, RequestRecord
from appconfig_core.errors import ConfigurationError

AGENT_PATH = "/applications/shop/environments/prod/configurations/settings"


def raw_request(server: DevServer, method: str, path: str, **kwargs: Any) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, **kwargs)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class TestConstruction:
    def test_root_must_be_a_directory(self, tmp_path: Path) -> None:
        """A root that is not a directory raises ConfigurationError at construction."""
        with pytest.raises(ConfigurationError, match="not a directory"):
            DevServer(tmp_path / "missing")

    def test_poll_interval_must_be_positive(self, tmp_path: Path) -> None:
        """A poll_interval of 0 or less is refused."""
        with pytest.raises(ConfigurationError, match="poll_interval"):
            DevServer(tmp_path, poll_interval=0)


class TestLifecycle:
    def test_url_and_port_after_start(self, root: Path) -> None:
        """start() binds a free port on 127.0.0.1 and returns the server."""
        server = DevServer(root)
        try:
            assert server.start() is server
            assert server.port > 0
            assert server.url == f"http://127.0.0.1:{server.port}"
            assert raw_request(server, "GET", AGENT_PATH) == 200
        finally:
            server.stop()

    def test_stop_is_idempotent_and_safe_before_start(self, root: Path) -> None:
        """stop() may be called before start() and more than once."""
        server = DevServer(root)
        server.stop()
        server.start()
        server.stop()
        server.stop()

    def test_stopped_server_refuses_connections_and_restarts_on_its_port(self, root: Path) -> None:
        """After stop() nothing answers; start() again serves on the same port."""
        server = DevServer(root).start()
        port = server.port
        server.stop()
        with pytest.raises(ConnectionRefusedError):
            raw_request(server, "GET", AGENT_PATH)
        server.start()
        try:
            assert server.port == port
            assert raw_request(server, "GET", AGENT_PATH) == 200
        finally:
            server.stop()

    def test_stop_returns_promptly_while_a_request_hangs(
        self, root: Path, client_for: Callable[..., Any]
    ) -> None:
        """stop() ends a hanging request and returns well within a second."""
        server = DevServer(root).start()
        server.inject("hang")
        client = client_for(server.url, read_timeout=30)
        failed = threading.Event()

        def call() -> None:
            try:
                client.start_configuration_session(
                    ApplicationIdentifier="shop",
                    EnvironmentIdentifier="prod",
                    ConfigurationProfileIdentifier="settings",
                )
            except BotoCoreError:
                failed.set()

        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        deadline = time.monotonic() + 5
        while not server.requests and time.monotonic() < deadline:
            threading.Event().wait(0.01)
        assert server.requests, "the hanging request never reached the server"
        began = time.monotonic()
        server.stop()
        assert time.monotonic() - began < 1.0
        assert failed.wait(5), "the client was not released by stop()"


class TestLimits:
    def test_oversized_body_is_413(self, server: DevServer) -> None:
        """A request body above 64 KiB is refused with 413."""
        assert raw_request(server, "POST", "/configurationsessions", body=b"x" * 70_000) == 413

    def test_oversized_headers_are_431(self, server: DevServer) -> None:
        """Request headers above 64 KiB in total are refused with 431."""
        headers = {f"X-Pad-{i}": "y" * 8000 for i in range(9)}
        assert raw_request(server, "GET", AGENT_PATH, headers=headers) == 431

    def test_unknown_path_is_404(self, server: DevServer) -> None:
        """A path that is neither API answers 404."""
        assert raw_request(server, "GET", "/nothing") == 404


class TestRequestLog:
    def test_records_operation_status_and_tokens(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """Each API request is recorded with its operation, status and tokens."""
        token = session()
        response = client.get_latest_configuration(ConfigurationToken=token)
        raw_request(server, "GET", AGENT_PATH)
        start, latest, agent = server.requests
        assert start == RequestRecord(
            "StartConfigurationSession", "POST", "/configurationsessions", 201, None, token
        )
        assert (latest.operation, latest.status, latest.token, latest.next_token) == (
            "GetLatestConfiguration",
            200,
            token,
            response["NextPollConfigurationToken"],
        )
        assert (agent.operation, agent.method, agent.path, agent.status) == (
            "Agent",
            "GET",
            AGENT_PATH,
            200,
        )

    def test_reset_requests_forgets_them(self, server: DevServer) -> None:
        """reset_requests() empties the log."""
        raw_request(server, "GET", AGENT_PATH)
        server.reset_requests()
        assert server.requests == []


class TestLogging:
    def test_non_local_host_warns(self, root: Path, caplog: pytest.LogCaptureFixture) -> None:
        """Binding beyond localhost logs a warning that there is no authentication."""
        server = DevServer(root, host="0.0.0.0")
        with caplog.at_level(logging.WARNING, logger="appconfig_core.devserver"):
            server.start()
        server.stop()
        assert "without authentication" in caplog.text

    def test_request_logs_never_hold_content(
        self, server: DevServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Even at DEBUG the log names requests but never the configuration served."""
        with caplog.at_level(logging.DEBUG, logger="appconfig_core.devserver"):
            raw_request(server, "GET", AGENT_PATH)
        assert AGENT_PATH in caplog.text
        assert "hello" not in caplog.text

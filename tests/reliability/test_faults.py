"""Source outages and bad answers through the local AppConfig server and real boto3.

Most tests drive `Poller.poll_once` (the poller's whole step) against a real source and a
real server whose poll-interval clock the test moves, so no test waits out a poll interval;
the start-up and outage tests run the real background thread on a real-time server.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AgentSource, AppConfigDataSource, FileSource, FlagClient
from appconfig_core._runtime.store import Store
from appconfig_core.devserver import DevServer
from appconfig_core.errors import FetchError
from tests.support import free_port, wait_until

from .conftest import (
    APP,
    DOC_V1,
    DOC_V2,
    ENV,
    PROFILE,
    PROFILE_FILE,
    FakeClock,
    make_poller,
    write_json,
)

DAY = 24 * 3600.0


def new_store() -> Store:
    return Store(format="auto", defaults=None)


def operations(server: DevServer) -> list[tuple[str, int | None]]:
    return [(record.operation, record.status) for record in server.requests]


@pytest.fixture(name="realtime_server")
def _realtime_server(served: Path, profile: Path) -> Iterator[DevServer]:
    """A local AppConfig server on real time, for tests that run the poller thread."""
    with DevServer(served, port=0, poll_interval=1) as server:
        yield server


@pytest.fixture(name="source")
def _source(server: DevServer, boto_client: Callable[..., Any]) -> AppConfigDataSource:
    return AppConfigDataSource(APP, ENV, PROFILE, client=boto_client(server.url, read_timeout=1))


class TestStartWhileSourceDown:
    def test_unreachable_without_cache_serves_defaults(self, aws_env: None) -> None:
        """With AppConfig unreachable and no cache, start() returns False promptly and defaults answer."""
        url = f"http://127.0.0.1:{free_port()}"
        source = AppConfigDataSource(APP, ENV, PROFILE, endpoint_url=url, region_name="us-east-1")
        client = FlagClient(source, defaults={"beta": True}, start_timeout=2.0)
        began = time.monotonic()
        try:
            assert client.start() is False
            assert time.monotonic() - began < 2.0 + 3.0
            assert client.status.origin == "defaults"
            assert client.evaluate("beta").reason == "DEFAULT"
            assert client.is_enabled("beta") is True
        finally:
            client.close(timeout=2.0)

    def test_hanging_server_start_returns_within_start_timeout(
        self, realtime_server: DevServer, boto_client: Callable[..., Any]
    ) -> None:
        """A server that never answers delays start() by start_timeout, not by the read timeout."""
        realtime_server.inject("hang", 100)
        source = AppConfigDataSource(
            APP, ENV, PROFILE, client=boto_client(realtime_server.url, read_timeout=30)
        )
        client = FlagClient(source, defaults={"beta": False}, start_timeout=0.5)
        began = time.monotonic()
        try:
            assert client.start() is False
            assert time.monotonic() - began < 0.5 + 2.0
            assert client.status.origin == "defaults"
        finally:
            client.close(timeout=1.0)

    @pytest.mark.parametrize("fault", ["error500", "hang"])
    def test_source_down_with_cache_serves_cache_then_network(
        self,
        fault: str,
        realtime_server: DevServer,
        boto_client: Callable[..., Any],
        profile: Path,
        tmp_path: Path,
    ) -> None:
        """Down at start with a cache: the cached flags answer at once, the network takes over after."""
        cache = tmp_path / "cache" / "flags.json"

        def make_client() -> FlagClient:
            source = AppConfigDataSource(
                APP, ENV, PROFILE, client=boto_client(realtime_server.url, read_timeout=1)
            )
            return FlagClient(source, cache_path=cache, start_timeout=0.5)

        with make_client() as first:
            assert first.status.origin == "network"
        assert cache.is_file()
        write_json(profile, DOC_V2)
        realtime_server.inject(fault, 3, operation="StartConfigurationSession")
        client = make_client()
        began = time.monotonic()
        try:
            assert client.start() is True
            assert time.monotonic() - began < 0.5 + 2.0
            assert client.status.origin == "cache"
            assert client.is_enabled("beta") is True
            assert wait_until(lambda: client.status.origin == "network", timeout=30)
            assert client.is_enabled("beta") is False
        finally:
            client.close(timeout=2.0)


KEEP_LAST_GOOD_FAULTS = [
    "error500",
    "throttle",
    "drop",
    "hang",
    "truncate",
    "corrupt",
]


class TestFaultsKeepLastGoodAndRecover:
    @pytest.mark.parametrize("kind", KEEP_LAST_GOOD_FAULTS)
    def test_fault_keeps_snapshot_and_next_poll_recovers(
        self,
        kind: str,
        server: DevServer,
        source: AppConfigDataSource,
        clock: FakeClock,
        profile: Path,
    ) -> None:
        """A faulty answer keeps the last good flags; the first clean poll installs the new version."""
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        assert store.current.is_enabled("beta") is True
        write_json(profile, DOC_V2)
        server.reset_requests()
        server.inject(kind, operation="GetLatestConfiguration")
        clock.advance(2)
        poller.poll_once()
        assert store.current.is_enabled("beta") is True
        assert store.status().consecutive_failures == 1
        assert len(server.requests) == 1, "one request per attempt: nothing retries inside"
        clock.advance(2)
        poller.poll_once()
        assert store.current.is_enabled("beta") is False
        assert store.status().last_error is None

    @pytest.mark.parametrize("broken", ["{not json", '{"beta": {"enabled": "yes"}}'])
    def test_invalid_document_keeps_snapshot(
        self,
        broken: str,
        server: DevServer,
        source: AppConfigDataSource,
        clock: FakeClock,
        profile: Path,
    ) -> None:
        """A deployment that does not parse or validate never replaces the good snapshot."""
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        profile.write_text(broken)
        clock.advance(2)
        poller.poll_once()
        assert store.current.is_enabled("beta") is True
        assert store.status().version == "1"
        assert store.status().last_error is not None
        write_json(profile, DOC_V2)
        clock.advance(2)
        poller.poll_once()
        assert store.current.is_enabled("gamma") is True
        assert store.status().consecutive_failures == 0

    def test_two_megabyte_document_loads_in_bounded_time(
        self, server: DevServer, source: AppConfigDataSource, clock: FakeClock, profile: Path
    ) -> None:
        """A 2 MB document (AppConfig's hosted maximum) loads, and in seconds, not minutes."""
        document = {
            f"flag_{i:06d}": {"enabled": i % 2 == 0, "note": "x" * 60} for i in range(25_000)
        }
        write_json(profile, document)
        assert profile.stat().st_size >= 2_000_000
        store = new_store()
        began = time.monotonic()
        make_poller(source, store).poll_once()
        assert time.monotonic() - began < 20
        assert len(store.current.flag_names) == 25_000
        assert store.current.is_enabled("flag_000000") is True


class TestBackoff:
    def test_outage_is_one_request_per_attempt_with_growing_delays(
        self, server: DevServer, clock: FakeClock, aws_env: None
    ) -> None:
        """During an outage each attempt is one request (botocore retries off) and delays double to the cap."""
        source = AppConfigDataSource(
            APP, ENV, PROFILE, endpoint_url=server.url, region_name="us-east-1"
        )
        poller = make_poller(source, new_store())
        poller.poll_once()
        server.reset_requests()
        server.inject("error500", 8, operation="GetLatestConfiguration")
        delays = []
        for _ in range(8):
            clock.advance(2)
            delays.append(poller.poll_once())
        assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
        assert operations(server) == [("GetLatestConfiguration", 500)] * 8
        clock.advance(2)
        assert poller.poll_once() == 1.0

    def test_outage_does_not_hammer_and_recovers_by_itself(
        self, realtime_server: DevServer, boto_client: Callable[..., Any], profile: Path
    ) -> None:
        """With every request failing, a real client sends a handful of requests, then recovers unaided."""
        source = AppConfigDataSource(APP, ENV, PROFILE, client=boto_client(realtime_server.url))
        client = FlagClient(source, start_timeout=5)
        errors: list[BaseException] = []
        client.on_error(errors.append)
        try:
            assert client.start() is True
            realtime_server.inject("error500", 10_000)
            realtime_server.reset_requests()
            assert wait_until(lambda: len(errors) >= 1, timeout=10)
            window = threading.Event()
            window.wait(3.0)  # an observation window: count what the poller sends in 3 s
            sent = len(realtime_server.requests)
            assert sent <= 10, f"{sent} requests in 3 s of outage"
            assert client.is_enabled("beta") is True
            write_json(profile, DOC_V2)
            realtime_server.clear_faults()
            assert wait_until(lambda: client.is_enabled("gamma"), timeout=60)
            assert client.status.consecutive_failures == 0
        finally:
            client.close(timeout=2.0)


class TestTokens:
    def test_too_early_keeps_the_token_and_waits_an_interval(
        self, server: DevServer, source: AppConfigDataSource, clock: FakeClock
    ) -> None:
        """A 'too early' answer waits one interval and retries with the same token, without a new session."""
        poller = make_poller(source, new_store())
        poller.poll_once()
        assert poller.poll_once() >= 1.0
        clock.advance(2)
        poller.poll_once()
        records = server.requests
        assert [r.operation for r in records].count("StartConfigurationSession") == 1
        early, retried = records[-2], records[-1]
        assert early.status == 400
        assert retried.status == 200
        assert retried.token == early.token

    def test_expired_token_starts_a_new_session_at_once(
        self, server: DevServer, source: AppConfigDataSource, clock: FakeClock
    ) -> None:
        """An expired token is replaced by a new session within the same poll, which succeeds."""
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        server.invalidate_tokens()
        server.reset_requests()
        clock.advance(2)
        poller.poll_once()
        assert operations(server) == [
            ("GetLatestConfiguration", 400),
            ("StartConfigurationSession", 201),
            ("GetLatestConfiguration", 200),
        ]
        assert store.status().consecutive_failures == 0

    def test_corrupted_token_after_server_restart_starts_a_new_session(
        self,
        server: DevServer,
        served: Path,
        source: AppConfigDataSource,
        clock: FakeClock,
    ) -> None:
        """A token the server does not know (it lost its sessions) leads to a new session, not an error."""
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        port = server.port
        server.stop()
        with DevServer(served, port=port, poll_interval=1, clock=clock) as fresh:
            poller.poll_once()
            assert [(r.operation, r.status) for r in fresh.requests] == [
                ("GetLatestConfiguration", 400),
                ("StartConfigurationSession", 201),
                ("GetLatestConfiguration", 200),
            ]
        assert store.status().consecutive_failures == 0

    def test_session_is_renewed_before_24_hours(
        self, server: DevServer, boto_client: Callable[..., Any], clock: FakeClock
    ) -> None:
        """After 23 h the source opens a new session before its token can expire; no request fails."""
        source = AppConfigDataSource(APP, ENV, PROFILE, client=boto_client(server.url), clock=clock)
        poller = make_poller(source, new_store())
        poller.poll_once()
        server.reset_requests()
        clock.advance(23.5 * 3600)
        poller.poll_once()
        assert operations(server) == [
            ("StartConfigurationSession", 201),
            ("GetLatestConfiguration", 200),
        ]

    def test_session_past_24_hours_is_restarted(
        self, server: DevServer, source: AppConfigDataSource, clock: FakeClock
    ) -> None:
        """A session the server expired after 24 h is restarted within the same poll."""
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        server.reset_requests()
        clock.advance(DAY + 1)
        poller.poll_once()
        assert [op for op, _ in operations(server)] == [
            "GetLatestConfiguration",
            "StartConfigurationSession",
            "GetLatestConfiguration",
        ]
        assert store.status().consecutive_failures == 0


AGENT_FAULTS = [
    ("error500", 0.0),
    ("throttle", 0.0),
    ("badgateway", 0.0),
    ("gatewaytimeout", 0.0),
    ("drop", 0.0),
    ("truncate", 0.0),
    ("corrupt", 0.0),
    ("hang", 0.0),
    ("delay", 3.0),
]


class TestAgentSource:
    @pytest.mark.parametrize(("kind", "seconds"), AGENT_FAULTS)
    def test_agent_fault_keeps_snapshot_and_recovers(
        self, kind: str, seconds: float, server: DevServer, profile: Path
    ) -> None:
        """An Agent that fails, hangs, is slow or answers 502/504 leaves the flags as they were."""
        source = AgentSource(APP, ENV, PROFILE, url=server.url, poll_interval=1, timeout=0.5)
        store = new_store()
        poller = make_poller(source, store)
        poller.poll_once()
        write_json(profile, DOC_V2)
        server.inject(kind, operation="Agent", seconds=seconds)
        began = time.monotonic()
        poller.poll_once()
        assert time.monotonic() - began < 0.5 + 2.0
        assert store.current.is_enabled("beta") is True
        assert store.status().consecutive_failures == 1
        poller.poll_once()
        assert store.current.is_enabled("gamma") is True
        assert store.status().consecutive_failures == 0

    def test_trickling_agent_is_bounded_by_the_timeout(self) -> None:
        """An Agent sending its answer a byte every 25 ms is cut off at the timeout, not waited out."""
        body = b'{"beta": {"enabled": true}}'
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        with canned_answer(head % len(body) + body, pace=0.025) as url:
            source = AgentSource(APP, ENV, PROFILE, url=url, timeout=0.3)
            began = time.monotonic()
            with contextlib.suppress(FetchError):
                source.fetch()
            assert time.monotonic() - began < 0.3 + 1.0

    def test_slow_agent_within_timeout_answers(self, server: DevServer) -> None:
        """An Agent slower than usual but within the timeout still delivers."""
        source = AgentSource(APP, ENV, PROFILE, url=server.url, timeout=2.0)
        server.inject("delay", operation="Agent", seconds=0.3)
        store = new_store()
        make_poller(source, store).poll_once()
        assert store.current.is_enabled("beta") is True

    def test_agent_down_at_start_serves_defaults_promptly(self) -> None:
        """With no Agent listening, start() returns False at once and the defaults answer."""
        url = f"http://127.0.0.1:{free_port()}"
        source = AgentSource(APP, ENV, PROFILE, url=url, timeout=0.5)
        client = FlagClient(source, defaults={"beta": True}, start_timeout=3)
        began = time.monotonic()
        try:
            assert client.start() is False
            assert time.monotonic() - began < 3.0
            assert client.is_enabled("beta") is True
            assert client.status.origin == "defaults"
        finally:
            client.close(timeout=1.0)


@contextlib.contextmanager
def canned_answer(answer: bytes, *, pace: float = 0.0) -> Iterator[str]:
    """A one-shot HTTP server on 127.0.0.1 that sends ``answer``; yields its URL.

    With ``pace`` it sends one byte every ``pace`` seconds (a trickling server).
    """
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                if not pace:
                    connection.sendall(answer)
                    return
                for byte in answer:
                    if stop.wait(pace):
                        return
                    connection.sendall(bytes([byte]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


class TestOversized:
    def _request(self, server: DevServer, method: str, headers: dict[str, str], body: bytes) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request(method, "/configurationsessions", body=body, headers=headers)
            return conn.getresponse().status
        finally:
            conn.close()

    def test_server_refuses_oversized_headers(self, server: DevServer) -> None:
        """The local server answers 431 to request headers over 64 KiB."""
        headers = {f"X-Pad-{i}": "p" * 1000 for i in range(70)}
        assert self._request(server, "POST", headers, b"{}") == 431

    def test_server_refuses_oversized_body(self, server: DevServer) -> None:
        """The local server answers 413 to a request body over 64 KiB."""
        body = json.dumps({"pad": "p" * 70_000}).encode()
        status = self._request(server, "POST", {"Content-Type": "application/json"}, body)
        assert status == 413

    def test_agent_source_refuses_oversized_answer(self, server: DevServer, served: Path) -> None:
        """An Agent answer over 8 MB is refused with FetchError rather than loaded."""
        (served / f"{APP}:{ENV}:big.json").write_text('"' + "x" * (8 * 1024 * 1024 + 10) + '"')
        source = AgentSource(APP, ENV, "big", url=server.url, timeout=10)
        with pytest.raises(FetchError, match="larger than"):
            source.fetch()

    @pytest.mark.parametrize(
        "headers",
        [
            b"X-Pad: " + b"p" * 70_000 + b"\r\n",
            b"".join(b"X-Pad-%d: p\r\n" % i for i in range(150)),
        ],
        ids=["long-line", "many-headers"],
    )
    def test_agent_source_refuses_oversized_headers(self, headers: bytes) -> None:
        """An Agent answer with a 70 KB header line or 150 headers is a FetchError, not a crash."""
        answer = b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Length: 2\r\n\r\n{}"
        with canned_answer(answer) as url:
            source = AgentSource(APP, ENV, PROFILE, url=url, timeout=5)
            with pytest.raises(FetchError, match="cannot reach the agent"):
                source.fetch()

    def test_file_source_refuses_oversized_file(self, tmp_path: Path) -> None:
        """A flags file over 8 MB is refused with FetchError rather than read."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(DOC_V1))
        source = FileSource(path)
        path.write_bytes(b" " * (8 * 1024 * 1024 + 1))
        with pytest.raises(FetchError, match="larger than"):
            source.fetch()


def test_profile_constant_matches_the_served_file(profile: Path) -> None:
    """The fixtures serve the profile the sources ask for."""
    assert profile.name == PROFILE_FILE
    assert json.loads(profile.read_text()) == DOC_V1

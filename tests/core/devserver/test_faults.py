"""Fault injection: the queue's rules, and what a real client sees for each kind."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from appconfig_core.devserver import DevServer, Fault
from appconfig_core.devserver._faults import FaultQueue

AGENT_PATH = "/applications/shop/environments/prod/configurations/settings"


def agent_get(server: DevServer) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url + AGENT_PATH, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def get_latest(client: Any, token: str) -> bytes:
    body: bytes = client.get_latest_configuration(ConfigurationToken=token)["Configuration"].read()
    return body


class TestFault:
    def test_unknown_kind_is_rejected(self) -> None:
        """A kind that is not in the list raises ValueError naming the valid kinds."""
        with pytest.raises(ValueError, match="error500"):
            Fault("explode")

    def test_unknown_operation_is_rejected(self) -> None:
        """An operation that is not one of the three APIs raises ValueError."""
        with pytest.raises(ValueError, match="operation"):
            Fault("drop", operation="GetConfiguration")

    def test_agent_only_kind_on_appconfigdata_is_rejected(self) -> None:
        """badgateway cannot target an AppConfigData operation."""
        with pytest.raises(ValueError, match="Agent"):
            Fault("badgateway", operation="GetLatestConfiguration")

    @pytest.mark.parametrize("count", [0, -1, True])
    def test_count_must_be_positive(self, count: int) -> None:
        """A count below 1 (or a bool) raises ValueError."""
        with pytest.raises(ValueError, match="count"):
            Fault("drop", count)

    def test_agent_only_kind_without_operation_matches_agent_only(self) -> None:
        """An untargeted badgateway applies to Agent requests, not to AppConfigData ones."""
        fault = Fault("badgateway")
        assert fault.matches("Agent")
        assert not fault.matches("GetLatestConfiguration")


class TestFaultQueue:
    def test_faults_are_taken_in_order_and_counted(self) -> None:
        """Each take consumes one use of the first matching fault, oldest first."""
        queue = FaultQueue()
        queue.add(Fault("error500", 2, "GetLatestConfiguration"))
        queue.add(Fault("throttle"))
        assert queue.take("StartConfigurationSession") == Fault("throttle")
        kinds = [getattr(queue.take("GetLatestConfiguration"), "kind", None) for _ in range(3)]
        assert kinds == ["error500", "error500", None]

    def test_pending_reports_remaining_counts(self) -> None:
        """pending() shows each fault with the uses it has left."""
        queue = FaultQueue()
        queue.add(Fault("drop", 3))
        queue.take("Agent")
        assert queue.pending() == [Fault("drop", 2)]


class TestFaultsOverAppConfigData:
    def test_error500_is_internal_server_exception(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """error500 gives the client InternalServerException with status 500."""
        server.inject("error500", operation="StartConfigurationSession")
        with pytest.raises(ClientError) as info:
            session()
        assert info.value.response["Error"]["Code"] == "InternalServerException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500

    def test_throttle_is_throttling_exception(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """throttle gives the client ThrottlingException with status 429."""
        server.inject("throttle")
        with pytest.raises(ClientError) as info:
            session()
        assert info.value.response["Error"]["Code"] == "ThrottlingException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429

    def test_error_faults_do_not_consume_the_token(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """After an injected 500 the same token still gets the configuration."""
        token = session()
        server.inject("error500", operation="GetLatestConfiguration")
        with pytest.raises(ClientError):
            get_latest(client, token)
        assert get_latest(client, token) == b'{"greeting": "hello"}'

    def test_count_applies_to_that_many_requests(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """A fault with count 2 hits two requests and spares the third."""
        server.inject("throttle", 2)
        for _ in range(2):
            with pytest.raises(ClientError):
                session()
        assert session()

    def test_operation_targets_only_that_operation(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """A fault aimed at GetLatestConfiguration leaves StartConfigurationSession alone."""
        server.inject("error500", operation="GetLatestConfiguration")
        token = session()
        with pytest.raises(ClientError):
            get_latest(client, token)

    def test_delay_answers_normally_after_the_wait(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """delay holds the answer for `seconds`, then answers as usual."""
        token = session()
        server.inject("delay", seconds=0.3)
        began = time.monotonic()
        assert get_latest(client, token) == b'{"greeting": "hello"}'
        assert time.monotonic() - began >= 0.3

    def test_hang_times_the_client_out(
        self, server: DevServer, client_for: Callable[..., Any], session: Callable[..., str]
    ) -> None:
        """hang sends nothing, so the client's read timeout fires."""
        token = session()
        impatient = client_for(server.url, read_timeout=0.3)
        server.inject("hang")
        with pytest.raises(ReadTimeoutError):
            get_latest(impatient, token)

    def test_hang_with_seconds_closes_after_the_wait(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """A hang with seconds ends by closing the connection without an answer."""
        token = session()
        server.inject("hang", seconds=0.2)
        with pytest.raises(ConnectionClosedError):
            get_latest(client, token)

    def test_drop_closes_the_connection(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """drop closes the connection without a response."""
        token = session()
        server.inject("drop", operation="GetLatestConfiguration")
        with pytest.raises(ConnectionClosedError):
            get_latest(client, token)
        assert server.requests[-1].status is None

    def test_truncate_cuts_the_body_short(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """truncate sends fewer bytes than Content-Length promises; reading the body fails."""
        token = session()
        server.inject("truncate", operation="GetLatestConfiguration")
        with pytest.raises(ResponseStreamingError):
            get_latest(client, token)

    def test_corrupt_serves_garbage_as_the_configuration(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """corrupt answers 200 with bytes that are not the configuration."""
        token = session()
        server.inject("corrupt", operation="GetLatestConfiguration")
        body = get_latest(client, token)
        assert body
        assert body != b'{"greeting": "hello"}'

    def test_clear_faults_drops_pending_faults(
        self, server: DevServer, client: Any, session: Callable[..., str]
    ) -> None:
        """clear_faults() removes every pending fault."""
        server.inject("throttle", 5)
        server.clear_faults()
        assert server.faults == []
        assert session()


class TestFaultsOverAgent:
    @pytest.mark.parametrize(
        ("kind", "status"),
        [("error500", 500), ("throttle", 429), ("badgateway", 502), ("gatewaytimeout", 504)],
    )
    def test_error_kinds_give_their_status(self, server: DevServer, kind: str, status: int) -> None:
        """Each error fault gives the Agent API its status with a text body."""
        server.inject(kind, operation="Agent")
        code, body = agent_get(server)
        assert code == status
        assert body

    def test_corrupt_serves_garbage(self, server: DevServer) -> None:
        """corrupt on the Agent API answers 200 with garbage."""
        server.inject("corrupt", operation="Agent")
        code, body = agent_get(server)
        assert code == 200
        assert body != b'{"greeting": "hello"}'

    def test_untargeted_badgateway_waits_for_an_agent_request(
        self, server: DevServer, session: Callable[..., str]
    ) -> None:
        """An untargeted badgateway skips AppConfigData requests and hits the next Agent one."""
        server.inject("badgateway")
        assert session()
        assert agent_get(server)[0] == 502

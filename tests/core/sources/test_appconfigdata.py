"""AppConfigDataSource through a real boto3 client over real HTTP to the local server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import (
    AppConfigDataSource,
    ConfigurationError,
    FlagClient,
    ResourceNotFoundError,
)
from appconfig_core._runtime.cache import DiskCache
from appconfig_core._sources.base import source_identity
from appconfig_core.errors import FetchError
from appconfig_core.integration import status_report
from tests.core.conftest import APP, ENV, PROFILE, content
from tests.support import FakeClock, wait_until

DOC = {"beta": {"enabled": True}}


@pytest.fixture(name="clock")
def _clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="devserver")
def _devserver(served: Path, clock: FakeClock) -> Iterator[Any]:
    from appconfig_core.devserver import DevServer

    with DevServer(served, port=0, poll_interval=1, clock=clock) as server:
        yield server


@pytest.fixture(name="source")
def _source(
    devserver: Any, make_boto_client: Callable[[str], Any], write_profile: Callable[..., Path]
) -> AppConfigDataSource:
    write_profile(DOC)
    return AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(devserver.url))


def operations(server: Any) -> list[str]:
    return [record.operation for record in server.requests]


class TestConstruction:
    @pytest.mark.parametrize("interval", [14, 86401, 20.5])
    def test_interval_outside_limits_raises(self, interval: Any) -> None:
        """min_poll_interval outside 15..86400 whole seconds raises at construction."""
        with pytest.raises(ConfigurationError, match="from 15 to 86400"):
            AppConfigDataSource(APP, ENV, PROFILE, min_poll_interval=interval)

    def test_empty_identifier_raises(self) -> None:
        """An empty identifier raises, naming which one."""
        with pytest.raises(ConfigurationError, match="environment"):
            AppConfigDataSource(APP, "", PROFILE)

    def test_import_does_not_import_boto3(self) -> None:
        """Importing appconfig_core (and building a source) imports neither boto3 nor a framework."""
        code = (
            "import sys, appconfig_core as a;"
            "a.AppConfigDataSource('a','e','p');"
            "print(sorted(m for m in ('boto3','botocore','django','flask') if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "[]" == out.stdout.strip()


class TestProtocol:
    def test_first_fetch_starts_a_session_and_loads(
        self, source: AppConfigDataSource, devserver: Any
    ) -> None:
        """The first fetch starts one session and returns the full configuration."""
        result = source.fetch()
        assert result.content is not None
        assert b'"beta"' in result.content.data
        assert "application/json" == result.content.content_type
        assert result.content.version
        assert 1 == result.next_poll, "the server's NextPollIntervalInSeconds is honoured"
        assert ["StartConfigurationSession", "GetLatestConfiguration"] == operations(devserver)

    def test_unchanged_is_an_empty_body_and_the_token_rolls(
        self, source: AppConfigDataSource, devserver: Any, clock: FakeClock
    ) -> None:
        """An empty body is "unchanged", and every call uses the token from the previous answer."""
        source.fetch()
        clock.now += 1
        assert source.fetch().content is None
        clock.now += 1
        assert source.fetch().content is None
        tokens = [r.token for r in devserver.requests if r.operation == "GetLatestConfiguration"]
        assert 3 == len(set(tokens)), "no token is used twice"
        assert 1 == operations(devserver).count("StartConfigurationSession")

    def test_change_is_picked_up(
        self,
        source: AppConfigDataSource,
        devserver: Any,
        write_profile: Callable[..., Path],
        clock: FakeClock,
    ) -> None:
        """An edited file comes back on the next poll with a new version label."""
        first = source.fetch().content
        write_profile({"beta": {"enabled": False}})
        clock.now += 1
        second = source.fetch().content
        assert first is not None and second is not None
        assert b'"enabled": false' in second.data.replace(b'"enabled":false', b'"enabled": false')
        assert first.version != second.version

    def test_too_early_waits_one_interval_and_keeps_the_token(
        self, source: AppConfigDataSource, devserver: Any, clock: FakeClock
    ) -> None:
        """A "too early" 400 becomes a wait of one poll interval, with no new session."""
        source.fetch()
        with pytest.raises(FetchError, match="too early") as info:
            source.fetch()
        assert 1 == info.value.retry_after
        clock.now += 1
        assert source.fetch().content is None, "the kept token still works"
        assert 1 == operations(devserver).count("StartConfigurationSession")

    def test_expired_token_starts_a_new_session(
        self, source: AppConfigDataSource, devserver: Any, clock: FakeClock
    ) -> None:
        """An expired token starts a new session at once, which returns the full configuration."""
        source.fetch()
        clock.now += 25 * 3600
        result = source.fetch()
        assert result.content is not None
        assert 2 == operations(devserver).count("StartConfigurationSession")

    def test_used_token_starts_a_new_session(
        self, source: AppConfigDataSource, devserver: Any, clock: FakeClock
    ) -> None:
        """A token the service calls corrupted (one already used, its answer lost to a timeout) starts a new session at once."""
        source.fetch()
        used = next(r.token for r in devserver.requests if r.operation == "GetLatestConfiguration")
        source._token = used
        clock.now += 1
        assert source.fetch().content is not None, "the new session sends the configuration again"
        assert 2 == operations(devserver).count("StartConfigurationSession")

    def test_interval_follows_each_answer(self) -> None:
        """A NextPollIntervalInSeconds that changes mid-session is the next wait, each time."""

        class Body:
            def read(self, amt: int | None = None) -> bytes:
                return b""

        class Client:
            def __init__(self) -> None:
                self.intervals = [30, 90, 45]

            def start_configuration_session(self, **kwargs: Any) -> dict[str, Any]:
                return {"InitialConfigurationToken": "t0"}

            def get_latest_configuration(self, **kwargs: Any) -> dict[str, Any]:
                return {
                    "NextPollConfigurationToken": "t1",
                    "NextPollIntervalInSeconds": self.intervals.pop(0),
                    "Configuration": Body(),
                }

        source = AppConfigDataSource(APP, ENV, PROFILE, client=Client())  # type: ignore[arg-type]
        assert [30, 90, 45] == [source.fetch().next_poll for _ in range(3)]

    def test_token_held_for_23_hours_is_not_used(
        self,
        devserver: Any,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
        clock: FakeClock,
    ) -> None:
        """A token kept 23 h (a long outage) is replaced by a new session before it can expire."""
        write_profile(DOC)
        source = AppConfigDataSource(
            APP, ENV, PROFILE, client=make_boto_client(devserver.url), clock=clock
        )
        source.fetch()
        clock.now += 23 * 3600
        assert source.fetch().content is not None
        assert ["StartConfigurationSession", "GetLatestConfiguration"] * 2 == operations(devserver)

    def test_steady_polling_keeps_one_session_for_days(
        self,
        devserver: Any,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
        clock: FakeClock,
    ) -> None:
        """Polling hourly for 30 hours uses one session: no full re-download is paid for."""
        write_profile(DOC)
        source = AppConfigDataSource(
            APP, ENV, PROFILE, client=make_boto_client(devserver.url), clock=clock
        )
        source.fetch()
        for _ in range(30):
            clock.now += 3600
            assert source.fetch().content is None
        assert 1 == operations(devserver).count("StartConfigurationSession")

    def test_requested_interval_is_sent_and_honoured(
        self,
        served: Path,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
    ) -> None:
        """min_poll_interval goes to the session, and the interval the server returns is used."""
        from appconfig_core.devserver import DevServer

        write_profile(DOC)
        with DevServer(served, port=0) as server:
            source = AppConfigDataSource(
                APP, ENV, PROFILE, min_poll_interval=30, client=make_boto_client(server.url)
            )
            assert 30 == source.fetch().next_poll


class TestErrors:
    @pytest.mark.parametrize(
        ("app", "env", "profile", "kind", "words"),
        [
            ("nope", ENV, PROFILE, "Application", "application 'nope'"),
            (APP, "nope", PROFILE, "Environment", "environment 'nope'"),
            (APP, ENV, "nope", "ConfigurationProfile", "configuration profile 'nope'"),
        ],
    )
    def test_not_found_names_what_is_missing(
        self,
        devserver: Any,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
        app: str,
        env: str,
        profile: str,
        kind: str,
        words: str,
    ) -> None:
        """A missing application, environment or profile is named, and retried slowly."""
        write_profile(DOC)
        source = AppConfigDataSource(app, env, profile, client=make_boto_client(devserver.url))
        with pytest.raises(ResourceNotFoundError) as info:
            source.fetch()
        assert kind == info.value.resource_type
        assert words in str(info.value)
        assert info.value.retry_after is not None and info.value.retry_after >= 60

    @pytest.mark.parametrize(
        ("kind", "code"),
        [("error500", "InternalServerException"), ("throttle", "ThrottlingException")],
    )
    def test_server_errors_back_off(
        self, source: AppConfigDataSource, devserver: Any, kind: str, code: str
    ) -> None:
        """5xx and throttling are FetchErrors left to the poller's backoff (no retry_after)."""
        devserver.inject(kind, operation="StartConfigurationSession")
        with pytest.raises(FetchError, match=code) as info:
            source.fetch()
        assert info.value.retry_after is None
        assert source.fetch().content is not None, "the next call recovers"

    def test_connection_drop_is_a_fetch_error(
        self, source: AppConfigDataSource, devserver: Any
    ) -> None:
        """A dropped connection is a FetchError, not a crash."""
        devserver.inject("drop", operation="GetLatestConfiguration")
        with pytest.raises(FetchError):
            source.fetch()


@pytest.fixture(name="live_source")
def _live_source(
    served: Path, make_boto_client: Callable[[str], Any], write_profile: Callable[..., Path]
) -> Iterator[AppConfigDataSource]:
    from appconfig_core.devserver import DevServer

    write_profile(DOC)
    with DevServer(served, port=0, poll_interval=1) as server:
        yield AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(server.url))


class TestWithClient:
    def test_client_follows_the_server(
        self, live_source: AppConfigDataSource, write_profile: Callable[..., Path]
    ) -> None:
        """A started client sees a file edited in the served directory within a poll or two."""
        changed = threading.Event()
        client = FlagClient(live_source)
        client.on_change(lambda e: changed.set() if not e.new.is_enabled("beta") else None)
        assert client.start()
        assert client.is_enabled("beta")
        write_profile({"beta": {"enabled": False}})
        assert changed.wait(10)
        assert client.is_enabled("beta") is False
        client.close()

    def test_outage_at_start_serves_the_cache_then_recovers(
        self, source: AppConfigDataSource, devserver: Any, tmp_path: Path
    ) -> None:
        """With the server failing at start, the cache is served first; then the network takes over."""
        cache_path = tmp_path / "flags.cache"
        DiskCache(cache_path, source_identity(source)).write(
            content({"beta": {"enabled": False}}, "old")
        )
        devserver.inject("error500", count=1, operation="StartConfigurationSession")
        recovered = threading.Event()
        seen: list[tuple[str | None, bool]] = []
        client = FlagClient(source, cache_path=cache_path, start_timeout=5)

        def on_change(event: Any) -> None:
            seen.append((event.new.version, event.new.is_enabled("beta")))
            if event.new.is_enabled("beta"):
                recovered.set()

        client.on_change(on_change)
        assert client.start()
        assert recovered.wait(10), "recovers after the backoff"
        assert ("old", False) == seen[0]
        assert ("network", True) == (client.status.origin, client.is_enabled("beta"))
        client.close()

    def test_unreachable_endpoint_is_bounded(self, make_boto_client: Callable[[str], Any]) -> None:
        """A closed port fails fast: start() returns False with defaults, well within its timeout."""
        source = AppConfigDataSource(
            APP, ENV, PROFILE, client=make_boto_client("http://127.0.0.1:9")
        )
        client = FlagClient(source, defaults={"beta": True}, start_timeout=3)
        assert client.start() is False
        assert (True, "defaults") == (client.is_enabled("beta"), client.status.origin)
        assert (
            "cannot" in (client.status.last_error or "").lower()
            or "connect" in (client.status.last_error or "").lower()
        )
        client.close()


class TestClientCreation:
    def test_missing_region_is_a_clear_fetch_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a region boto3 cannot build a client; the error says how to set one."""
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
        source = AppConfigDataSource(APP, ENV, PROFILE)
        with pytest.raises(FetchError, match="AWS_DEFAULT_REGION") as info:
            source.fetch()
        assert info.value.retry_after is not None

    def test_empty_region_is_a_clear_fetch_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An empty region gives the same hint, not a bare "Invalid endpoint"."""
        monkeypatch.setenv("AWS_DEFAULT_REGION", "")
        with pytest.raises(FetchError, match="set a region"):
            AppConfigDataSource(APP, ENV, PROFILE).fetch()


class ExpiringClock:
    """A server clock that moves a day on at every reading: every token has expired by its first use."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 25 * 3600
        return self.now


def session_token(server: Any) -> str:
    """The token the server handed out at the last StartConfigurationSession."""
    token = [r.next_token for r in server.requests if r.operation == "StartConfigurationSession"]
    assert token and token[-1]
    return str(token[-1])


class TestSessionTokens:
    def test_token_never_reaches_logs_status_health_or_errors(
        self,
        source: AppConfigDataSource,
        devserver: Any,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """botocore's error URL carries the token; logs, status, health, errors and the server log never do."""
        caplog.set_level(logging.DEBUG)
        devserver.inject("drop", operation="GetLatestConfiguration")
        errors: list[BaseException] = []
        client = FlagClient(source, start_timeout=5)
        client.on_error(errors.append)
        try:
            assert client.start() is False
            status = client.status
            health = json.dumps(status_report(status).body)
            assert wait_until(lambda: client.status.ready, 10), "recovers once the drop is over"
        finally:
            client.close()
        token = session_token(devserver)
        assert "configuration_token=<redacted>" in (status.last_error or "")
        assert token not in (status.last_error or "")
        assert token not in health
        assert [token not in str(error) for error in errors] == [True] * len(errors) != []
        ours = "\n".join(
            caplog.handler.format(record)
            for record in caplog.records
            if record.name.startswith("appconfig_core")  # botocore's own DEBUG log shows tokens
        )
        assert "GET /configuration?configuration_token=<redacted>" in ours
        assert token not in ours
        assert all(token not in record.path for record in devserver.requests)

    def test_rejected_token_is_never_presented_again(
        self,
        served: Path,
        make_boto_client: Callable[[str], Any],
        write_profile: Callable[..., Path],
    ) -> None:
        """A token AppConfig calls expired is dropped, even when a new session's token is refused too."""
        from appconfig_core.devserver import DevServer

        write_profile(DOC)
        with DevServer(served, port=0, poll_interval=1, clock=ExpiringClock()) as server:
            source = AppConfigDataSource(APP, ENV, PROFILE, client=make_boto_client(server.url))
            for _ in range(3):
                with pytest.raises(FetchError, match="token of a new session expired too") as info:
                    source.fetch()
                assert FetchError is type(info.value), "no private class escapes"
            presented = [
                r.token for r in server.requests if r.operation == "GetLatestConfiguration"
            ]
            issued = [r.next_token for r in server.requests if r.next_token]
        assert 6 == len(presented)
        assert sorted(presented) == sorted(issued), "each token presented exactly once"


class TestCacheRecord:
    def test_cache_records_the_source_and_no_token(
        self, source: AppConfigDataSource, devserver: Any, tmp_path: Path
    ) -> None:
        """The cache file names application, environment, profile, region and endpoint, never a token."""
        path = tmp_path / "flags.cache"
        with FlagClient(source, cache_path=path) as client:
            assert client.status.ready
        raw = path.read_text()
        record = json.loads(raw)
        assert {
            "source": "appconfigdata",
            "application": APP,
            "environment": ENV,
            "profile": PROFILE,
            "region": "us-east-1",
            "endpoint": devserver.url,
            "description": source.description,
        } == record["source"]
        tokens = {r.next_token for r in devserver.requests if r.next_token}
        assert tokens and not any(token in raw for token in tokens)


class TestSizeLimit:
    def test_answer_over_8_mb_is_refused_and_asked_again_by_a_new_session(
        self,
        source: AppConfigDataSource,
        devserver: Any,
        write_profile: Callable[..., Path],
        clock: FakeClock,
    ) -> None:
        """A 9 MB configuration is refused like the agent's, retried slowly through a new session."""
        write_profile({"beta": {"enabled": True}, "pad": {"enabled": True, "x": "x" * 9_000_000}})
        with pytest.raises(FetchError, match="larger than 8388608 bytes") as info:
            source.fetch()
        assert info.value.retry_after is not None and info.value.retry_after >= 60
        write_profile(DOC)
        clock.now += 1
        result = source.fetch()
        assert result.content is not None and b'"beta"' in result.content.data
        assert 2 == operations(devserver).count("StartConfigurationSession")

"""Bad deployments and corrupt answers, through real boto3 against the local AppConfig server.

A version without flags never replaces flags (memory and disk cache), stays visible in the
status until a good one loads, and two identical corrupt answers in a row never pin the old
version. Every wait is bounded and waits for the state it names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from appconfig_core import AppConfigDataSource, FlagClient
from appconfig_core.devserver import DevServer
from tests.support import wait_until

from .conftest import APP, DOC_V2, ENV, PROFILE, PROFILE_FILE, write_json

#: Bound on every wait for the poller (one poll interval is 1 s; the machine may be busy).
WAIT = 30.0

FLAGLESS = {
    "empty list": "[]",
    "empty object": "{}",
    "null": "null",
    "object of booleans": '{"beta": true}',
}


@pytest.fixture(name="client")
def _client(realtime_server: DevServer, aws_env: None, tmp_path: Path) -> Iterator[FlagClient]:
    source = AppConfigDataSource(APP, ENV, PROFILE, endpoint_url=realtime_server.url)
    client = FlagClient(source, cache_path=tmp_path / "flags.cache", start_timeout=WAIT)
    assert client.start() and client.status.version == "1"
    # The poller writes the cache just after the swap start() waits for.
    assert wait_until((tmp_path / "flags.cache").exists, timeout=WAIT)
    yield client
    client.close(timeout=2)


def serve_as_text(served: Path, document: object) -> None:
    """Serve ``document`` as JSON in a ``.txt`` profile, which the server sends as text/plain."""
    write_json(served / PROFILE_FILE.replace(".json", ".txt"), document)
    (served / PROFILE_FILE).unlink()


class TestFlaglessDeployment:
    @pytest.mark.parametrize("body", FLAGLESS.values(), ids=FLAGLESS.keys())
    def test_is_rejected_and_kept_out_of_memory_and_cache(
        self,
        body: str,
        client: FlagClient,
        profile: Path,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A deployment without flags is rejected: flags and cache file stay, one WARNING, status degraded until a good version loads."""
        cached = (tmp_path / "flags.cache").read_bytes()
        with caplog.at_level(logging.WARNING, "appconfig_core"):
            profile.write_text(body)
            assert wait_until(lambda: client.status.rejected is not None, timeout=WAIT)
            # Later polls answer "unchanged"; the rejection must outlive them.
            assert wait_until(lambda: client.status.consecutive_failures == 0, timeout=WAIT)
        status = client.status
        assert status.rejected is not None
        assert ("2", "1", "degraded") == (status.rejected.version, status.version, status.health)
        assert "it has no flags" in status.rejected.reason
        assert (True, False) == (client.is_enabled("beta"), client.is_enabled("gamma"))
        assert cached == (tmp_path / "flags.cache").read_bytes()
        warnings = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
        assert 1 == len(warnings)
        assert warnings[0].startswith(
            f"appconfig-flags: AppConfig {APP}/{ENV}/{PROFILE}: version 2"
        )
        write_json(profile, DOC_V2)
        assert wait_until(lambda: client.status.version == "3", timeout=WAIT)
        assert (None, "ok", True) == (
            client.status.rejected,
            client.status.health,
            client.is_enabled("gamma"),
        )

    def test_flags_served_as_text_load_as_flags(
        self, client: FlagClient, served: Path, tmp_path: Path
    ) -> None:
        """The same JSON flags sent as text/plain load as flags; the cache follows."""
        serve_as_text(served, DOC_V2)
        assert wait_until(lambda: client.status.version == "2", timeout=WAIT)
        assert (None, True) == (client.status.rejected, client.is_enabled("gamma"))
        cache = tmp_path / "flags.cache"
        assert wait_until(lambda: b"text/plain" in cache.read_bytes(), timeout=WAIT)


class TestCorruptAnswers:
    def test_two_identical_corrupt_answers_do_not_pin_the_old_version(
        self, client: FlagClient, realtime_server: DevServer, profile: Path
    ) -> None:
        """Two answers in a row carry the same garbage body; the client keeps trying with fresh sessions until the deployed version loads."""
        rejected: list[str | None] = []
        client.on_error(lambda _: rejected.append(getattr(client.status.rejected, "version", None)))
        realtime_server.inject("corrupt", count=2, operation="GetLatestConfiguration")
        write_json(profile, DOC_V2)
        assert wait_until(lambda: client.status.version == "2", timeout=WAIT)
        assert 2 <= len(rejected), "both garbage answers arrived and were rejected"
        assert (None, True) == (client.status.rejected, client.is_enabled("gamma"))
        sessions = [
            r for r in realtime_server.requests if r.operation == "StartConfigurationSession"
        ]
        assert len(sessions) >= 3, "a fresh session after each garbage answer"

"""What the library leaves behind: logs without secrets, a private cache file, a local-only server."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import AppConfigDataSource, FlagClient
from appconfig_core._runtime.cache import DiskCache
from appconfig_core._sources.base import Content
from appconfig_core.devserver import DevServer

from .conftest import APP, ENV, PROFILE, FakeClock, make_poller, write_json

SECRET = "s3cr3t-TOKEN-4217"
CONTEXT_SECRET = "visitor-9931@example.org"


def leaked(caplog: pytest.LogCaptureFixture, *needles: str) -> list[str]:
    """Records at INFO or above whose message or traceback holds any of ``needles``."""
    found = []
    for record in caplog.records:
        if record.levelno < logging.INFO:
            continue
        text = record.getMessage() + (
            logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        )
        if any(needle in text for needle in needles):
            found.append(f"{record.levelname}: {text[:300]}")
    return found


STORED_BAD = {
    "version": "1",
    "flags": {
        "beta": {
            "name": "beta",
            "attributes": {"key": {"constraints": {"type": "string", "enum": ["a", "b"]}}},
        }
    },
    "values": {"beta": {"enabled": True, "key": SECRET}},
}
BAD_DOCUMENTS: list[Any] = [
    f'{{"beta": {{"enabled": true, "key": "{SECRET}"',  # cut short
    {"beta": {"enabled": SECRET}},
    {"beta": {"enabled": True, "key": SECRET}, "gamma": [SECRET]},
    STORED_BAD,
    {"version": "1", "flags": {"v": {"name": SECRET + "\n"}}, "values": {}},
    {
        "version": "1",
        "flags": {"v": {"name": "v"}},
        "values": {
            "v": {"_variants": [{"name": "x", "enabled": True, "rule": f'(eq $a "{SECRET}"'}]}
        },
    },
]


@pytest.fixture(name="secret_server")
def _secret_server(served: Path, profile: Path, clock: FakeClock) -> Iterator[DevServer]:
    write_json(profile, {"beta": {"enabled": True, "key": SECRET}, "gamma": {"enabled": False}})
    with DevServer(served, port=0, poll_interval=1, clock=clock) as server:
        yield server


class TestNoSecretsInLogs:
    @pytest.mark.parametrize("bad", BAD_DOCUMENTS)
    def test_bad_documents_are_reported_without_content(
        self,
        bad: Any,
        secret_server: DevServer,
        boto_client: Callable[..., Any],
        profile: Path,
        clock: FakeClock,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Loading, rejecting and caching documents logs nothing of their content at INFO or above."""
        caplog.set_level(logging.DEBUG)
        source = AppConfigDataSource(APP, ENV, PROFILE, client=boto_client(secret_server.url))
        from appconfig_core._runtime.store import Store

        store = Store(format="auto", defaults=None)
        poller = make_poller(source, store, DiskCache(tmp_path / "c.json", source.description))
        poller.poll_once()
        profile.write_text(bad if isinstance(bad, str) else json.dumps(bad))
        clock.advance(2)
        poller.poll_once()
        assert store.status().last_error is not None
        assert not leaked(caplog, SECRET)

    def test_evaluations_and_failures_log_no_context_values(
        self,
        secret_server: DevServer,
        boto_client: Callable[..., Any],
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Evaluating with any contexts and rejecting a foreign cache file log no values."""
        caplog.set_level(logging.DEBUG)
        cache = tmp_path / "cache.json"
        cache.write_text(json.dumps({"format": 1, "source": "x", "data": SECRET}))
        source = AppConfigDataSource(APP, ENV, PROFILE, client=boto_client(secret_server.url))
        secret_server.inject("error500", 2)
        client = FlagClient(source, cache_path=cache, start_timeout=5)
        try:
            client.start()
            for context in ({"email": CONTEXT_SECRET}, {"x": [CONTEXT_SECRET] * 3}, CONTEXT_SECRET):
                client.evaluate("beta", context)  # type: ignore[arg-type]
                client.is_enabled("missing", context)  # type: ignore[arg-type]
        finally:
            client.close(timeout=2)
        assert not leaked(caplog, SECRET, CONTEXT_SECRET)


class TestCacheFileMode:
    @pytest.mark.parametrize("umask", [0o000, 0o022])
    def test_cache_file_is_private(self, umask: int, tmp_path: Path) -> None:
        """The cache file is written 0600 whatever the process umask."""
        path = tmp_path / "flags.cache"
        previous = os.umask(umask)
        try:
            assert DiskCache(path, "src").write(Content(b"{}", "application/json", "1"))
        finally:
            os.umask(previous)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


class TestDevServerBinding:
    def test_binds_loopback_by_default(self, served: Path) -> None:
        """Without a host the local server listens on 127.0.0.1 only."""
        with DevServer(served) as server:
            assert server.host == "127.0.0.1"
            assert server.url.startswith("http://127.0.0.1:")
            assert server._httpd is not None
            assert server._httpd.server_address[0] == "127.0.0.1"

    def test_warns_when_asked_for_another_address(
        self, served: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Asked for another address, the server warns that it serves every configuration openly."""
        caplog.set_level(logging.WARNING)
        with DevServer(served, host="127.0.0.2"):
            pass
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert any("without authentication" in r.getMessage() for r in warnings)

    def test_no_warning_on_loopback(self, served: Path, caplog: pytest.LogCaptureFixture) -> None:
        """The control case: the default address starts without a warning."""
        caplog.set_level(logging.WARNING)
        with DevServer(served):
            pass
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

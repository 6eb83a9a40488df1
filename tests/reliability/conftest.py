"""Fixtures for the reliability tests: a real local AppConfig server, real boto3, bounded waits.

Every wait here polls a condition against a deadline; nothing sleeps for a fixed time and
hopes. Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import Source
from appconfig_core._runtime.backoff import Backoff
from appconfig_core._runtime.cache import DiskCache
from appconfig_core._runtime.events import ChangeEvent, Listeners
from appconfig_core._runtime.poller import Poller
from appconfig_core._runtime.store import Store
from appconfig_core.devserver import DevServer
from tests.support import FakeClock, appconfigdata_client

APP, ENV, PROFILE = "shop", "prod", "flags"
PROFILE_FILE = f"{APP}:{ENV}:{PROFILE}.json"
DOC_V1 = {"beta": {"enabled": True, "limit": 1}, "gamma": {"enabled": False}}
DOC_V2 = {"beta": {"enabled": False}, "gamma": {"enabled": True}}
#: The poll interval of `realtime_server` (seconds).
POLL_INTERVAL = 1.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "soak: long load runs, only under `make soak` (-m soak)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("soak") and "soak" not in (item.config.option.markexpr or ""):
        pytest.skip("soak run: select it with -m soak (make soak)")


def write_json(path: Path, document: Any) -> Path:
    """Replace ``path`` atomically with ``document`` as JSON."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document))
    tmp.replace(path)
    return path


def make_poller(source: Source, store: Store, cache: DiskCache | None = None) -> Poller:
    """A poller whose backoff always takes its full ceiling, so delays are exact."""
    return Poller(
        source,
        store,
        cache=cache,
        changes=Listeners[ChangeEvent]("on_change"),
        errors=Listeners[BaseException]("on_error"),
        backoff=Backoff(rand=lambda: 1.0),
    )


@pytest.fixture(name="clock")
def _clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="profile")
def _profile(served: Path) -> Path:
    return write_json(served / PROFILE_FILE, DOC_V1)


@pytest.fixture(name="server")
def _server(served: Path, profile: Path, clock: FakeClock) -> Iterator[DevServer]:
    """A local AppConfig server on a free port whose poll-interval clock the test moves."""
    with DevServer(served, port=0, poll_interval=1, clock=clock) as server:
        yield server


@pytest.fixture(name="realtime_server")
def _realtime_server(served: Path, profile: Path) -> Iterator[DevServer]:
    """A local AppConfig server on real time, for clients whose poller runs on its own."""
    with DevServer(served, port=0, poll_interval=POLL_INTERVAL) as server:
        yield server


@pytest.fixture(name="aws_env")
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and a region, and no AWS config file or instance metadata lookups."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_APPCONFIGDATA", raising=False)


@pytest.fixture(name="boto_client")
def _boto_client(aws_env: None) -> Callable[..., Any]:
    """Make a real boto3 appconfigdata client for a URL, retries off as the source's own."""

    def make(url: str, *, read_timeout: float = 10.0) -> Any:
        return appconfigdata_client(url, connect_timeout=2, read_timeout=read_timeout)

    return make

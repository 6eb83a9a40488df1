"""Fixtures for the DevServer tests: a served directory, a fake clock, a real boto3 client."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core.devserver import DevServer
from tests.support import FakeClock, appconfigdata_client

STORED = {
    "version": "1",
    "flags": {
        "beta": {"name": "Beta", "attributes": {"color": {"constraints": {"type": "string"}}}},
        "dark": {"name": "Dark", "attributes": {"level": {"constraints": {"type": "number"}}}},
        "nova": {"name": "Nova"},
        "tiers": {"name": "Tiers", "attributes": {"size": {"constraints": {"type": "number"}}}},
    },
    "values": {
        "beta": {"enabled": True, "color": "red"},
        "dark": {"enabled": False, "level": 3},
        "tiers": {
            "_variants": [
                {
                    "name": "Big",
                    "enabled": True,
                    "rule": '(eq $plan "gold")',
                    "attributeValues": {"size": 10},
                },
                {"name": "Small", "enabled": True, "attributeValues": {"size": 1}},
            ]
        },
    },
}


def write(path: Path, content: str | bytes | dict[str, Any]) -> None:
    """Write ``content`` and move the mtime forward, so even a same-size edit is noticed."""
    data = json.dumps(content).encode() if isinstance(content, dict) else content
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    stamp = getattr(write, "stamp", 1_700_000_000_000_000_000) + 1_000_000_000
    write.stamp = stamp  # type: ignore[attr-defined]
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A served directory with a free-form JSON profile and a FeatureFlags profile."""
    write(tmp_path / "shop:prod:settings.json", b'{"greeting": "hello"}')
    write(tmp_path / "shop:prod:flags.featureflags.json", STORED)
    return tmp_path


@pytest.fixture
def clock() -> FakeClock:
    """The server's clock."""
    return FakeClock()


@pytest.fixture
def server(root: Path, clock: FakeClock) -> Iterator[DevServer]:
    """A started server on a free port, stopped after the test."""
    with DevServer(root, clock=clock) as running:
        yield running


@pytest.fixture
def client_for() -> Iterator[Callable[..., Any]]:
    """Make boto3 clients for any server; all are closed after the test."""
    made: list[Any] = []

    def factory(url: str, **config: Any) -> Any:
        made.append(appconfigdata_client(url, **config))
        return made[-1]

    yield factory
    for each in made:
        each.close()


@pytest.fixture
def client(server: DevServer) -> Iterator[Any]:
    """A boto3 client for ``server``, closed after the test."""
    made = appconfigdata_client(server.url)
    yield made
    made.close()


@pytest.fixture
def session(client: Any) -> Callable[..., str]:
    """Start a session and return its initial token."""

    def start(profile: str = "settings", **kwargs: Any) -> str:
        response = client.start_configuration_session(
            ApplicationIdentifier="shop",
            EnvironmentIdentifier="prod",
            ConfigurationProfileIdentifier=profile,
            **kwargs,
        )
        token: str = response["InitialConfigurationToken"]
        return token

    return start

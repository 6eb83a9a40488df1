"""Fixtures for the core: fake sources, a served directory, boto3 clients for the devserver."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appconfig_core import Content, FetchResult
from appconfig_core.errors import FetchError
from tests.support import appconfigdata_client

APP, ENV, PROFILE = "shop", "prod", "flags"
PROFILE_FILE = f"{APP}:{ENV}:{PROFILE}.json"


class ScriptedSource:
    """A source that plays a list of outcomes: FetchResult, exception, or a callable."""

    description = "scripted source"

    def __init__(self, *outcomes: Any, poll: float = 30.0) -> None:
        self.outcomes = list(outcomes)
        self.poll = poll
        self.calls = 0
        self.resets = 0
        self.closed = False

    def fetch(self) -> FetchResult:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else FetchResult(None, self.poll)
        if callable(outcome) and not isinstance(outcome, FetchResult):
            outcome = outcome()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        self.closed = True


class HangingSource:
    """A source whose fetch blocks until released (a hung network call)."""

    description = "hanging source"

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def fetch(self) -> FetchResult:
        self.entered.set()
        self.release.wait(30)
        raise FetchError("released")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def content(document: Any, version: str = "1") -> Content:
    """JSON content for ``document``."""
    return Content(json.dumps(document).encode(), "application/json", version)


def result(document: Any, version: str = "1", poll: float = 30.0) -> FetchResult:
    """A fetch result carrying ``document``."""
    return FetchResult(content(document, version), poll)


@pytest.fixture(name="write_profile")
def _write_profile(served: Path) -> Callable[..., Path]:
    def write(document: Any, name: str = PROFILE_FILE) -> Path:
        path = served / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document))
        tmp.replace(path)
        return path

    return write


@pytest.fixture(name="devserver")
def _devserver(served: Path) -> Iterator[Any]:
    from appconfig_core.devserver import DevServer

    server = DevServer(served, port=0, poll_interval=1)
    server.start()
    yield server
    server.stop()


@pytest.fixture(name="make_boto_client")
def _make_boto_client() -> Callable[[str], Any]:
    return appconfigdata_client

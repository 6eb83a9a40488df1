"""Fixtures for the Flask extension: a fresh app per test over a flags file the test edits."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from appconfig_core import ChangeEvent, FlagClient
from flask_appconfig import AppConfigFlags
from flask_appconfig.testing import force_variant, override_flags  # noqa: F401 - the fixtures under test

TIMEOUT = 5.0


def stored(values: dict[str, Any]) -> dict[str, Any]:
    """A stored-form document defining each flag in ``values`` (attributes untyped)."""
    flags: dict[str, Any] = {}
    for name, value in values.items():
        attributes = {
            key: {"constraints": {"type": _type_name(item)}}
            for key, item in value.items()
            if key not in {"enabled", "_variants"}
        }
        flags[name] = {"name": name, **({"attributes": attributes} if attributes else {})}
    return {"version": "1", "flags": flags, "values": values}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "string"


#: beta is on for ``plan == "pro"`` only; banner is on with a colour; old is off.
DOCUMENT = stored(
    {
        "beta": {
            "_variants": [
                {"name": "pros", "enabled": True, "rule": '(eq $plan "pro")'},
                {"name": "rest", "enabled": False},
            ]
        },
        "banner": {"enabled": True, "color": "red"},
        "old": {"enabled": False},
    }
)


def write_document(path: Path, document: Any) -> None:
    """Replace ``path`` atomically, so a poller never reads half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document))
    os.replace(tmp, path)


@contextmanager
def next_change(client: FlagClient, timeout: float = TIMEOUT) -> Iterator[list[ChangeEvent]]:
    """Collect the change events during the block; fail unless one arrives within ``timeout``."""
    seen: list[ChangeEvent] = []
    arrived = threading.Event()

    def listener(event: ChangeEvent) -> None:
        seen.append(event)
        arrived.set()

    unsubscribe = client.on_change(listener)
    try:
        yield seen
        assert arrived.wait(timeout), f"no configuration change within {timeout}s"
    finally:
        unsubscribe()


@pytest.fixture(name="flags_file")
def _flags_file(tmp_path: Path) -> Path:
    path = tmp_path / "flags.json"
    write_document(path, DOCUMENT)
    return path


@pytest.fixture(name="make_app")
def _make_app(flags_file: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps over the flags file (file source, 50 ms polls); their clients close after."""
    made: list[Flask] = []

    def make(*, extension: AppConfigFlags | None = None, **config: Any) -> Flask:
        app = Flask(f"flask_test_app_{len(made)}")
        app.config.update(
            TESTING=True,
            APPCONFIG_SOURCE="file",
            APPCONFIG_FILE=str(flags_file),
            APPCONFIG_POLL_INTERVAL=0.05,
        )
        app.config.update(config)
        made.append(app)
        (extension or AppConfigFlags()).init_app(app)
        return app

    yield make
    for app in made:
        extension = app.extensions.get("appconfig")
        if extension is not None:
            extension.get_client(app).close()


@pytest.fixture(name="app")
def _app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` with werkzeug on a free port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-flask-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


@pytest.fixture(name="aws_env")
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and no user AWS config, so boto3 talks to the local server only."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_APPCONFIGDATA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="devserver")
def _devserver(tmp_path: Path) -> Iterator[Any]:
    from appconfig_core.devserver import DevServer

    root = tmp_path / "served"
    root.mkdir()
    server = DevServer(root, port=0, poll_interval=1)
    server.start()
    yield server
    server.stop()

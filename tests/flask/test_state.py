"""Per-app state: lazy start shared by concurrent readers, the Flask-Login default context."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from appconfig_core import Content, FetchResult, FlagClient
from appconfig_core.integration import is_visitor_id
from flask_appconfig import AppConfigFlags, current_flags
from flask_appconfig._state import state_for


class GatedSource:
    """A source whose first fetch waits until the test opens the gate."""

    description = "gated source"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.fetching = threading.Event()
        self.calls = 0

    def fetch(self) -> FetchResult:
        self.calls += 1
        self.fetching.set()
        self.gate.wait(5)
        return FetchResult(Content(b'{"on": {"enabled": true}}', "application/json", "1"), 30)

    def reset(self) -> None:
        pass

    def close(self) -> None:
        self.gate.set()


@pytest.fixture(name="gated")
def _gated() -> Iterator[tuple[Flask, GatedSource]]:
    source = GatedSource()
    client = FlagClient(source, start_timeout=5)
    app = Flask(__name__)
    AppConfigFlags(app, client=client)
    yield app, source
    client.close()


class TestEnsureStarted:
    def test_concurrent_first_readers_wait_for_the_document(
        self, gated: tuple[Flask, GatedSource]
    ) -> None:
        """A second reader arriving during the first start waits too, instead of reading empty."""
        app, source = gated
        answers: list[bool] = []

        def read() -> None:
            with app.test_request_context():
                answers.append(current_flags.is_enabled("on"))

        readers = [threading.Thread(target=read) for _ in range(2)]
        readers[0].start()
        assert source.fetching.wait(5)
        readers[1].start()
        source.gate.set()
        for reader in readers:
            reader.join(5)
        assert answers == [True, True]
        assert source.calls == 1

    def test_start_happens_once(self, gated: tuple[Flask, GatedSource]) -> None:
        """After the first start, further reads do not start the client again."""
        app, source = gated
        source.gate.set()
        state = state_for(app)
        state.ensure_started()
        state.ensure_started()
        assert source.calls == 1


class FakeUser:
    def __init__(self, user_id: str | None) -> None:
        self.user_id = user_id
        self.is_authenticated = user_id is not None

    def get_id(self) -> str | None:
        return self.user_id


@pytest.fixture(name="fake_login")
def _fake_login(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """A stand-in for the flask_login module (not installed here) with a settable user."""
    module = types.SimpleNamespace(current_user=None)
    monkeypatch.setitem(sys.modules, "flask_login", module)
    return module


class TestDefaultContext:
    def test_visitor_key_without_flask_login(self, app: Flask) -> None:
        """Without Flask-Login there is no user id; the visitor key is the targeting key."""
        app.secret_key = "tests"
        with app.test_request_context():
            context = dict(current_flags.context)
        assert context["user_id"] is None
        assert is_visitor_id(context["visitor_id"])
        assert context["targeting_key"] == context["visitor_id"]

    def test_user_id_when_logged_in(self, app: Flask, fake_login: Any) -> None:
        """With Flask-Login on the app, a logged-in user's id is in the context."""
        app.login_manager = object()  # type: ignore[attr-defined]
        fake_login.current_user = FakeUser("42")
        with app.test_request_context():
            assert dict(current_flags.context) == {
                "user_id": "42",
                "visitor_id": None,
                "targeting_key": "42",
            }

    def test_anonymous_user(self, app: Flask, fake_login: Any) -> None:
        """An anonymous user has no user id; without a SECRET_KEY no visitor key either."""
        app.login_manager = object()  # type: ignore[attr-defined]
        fake_login.current_user = FakeUser(None)
        with app.test_request_context():
            assert dict(current_flags.context) == {
                "user_id": None,
                "visitor_id": None,
                "targeting_key": None,
            }

    def test_flask_login_not_set_up_on_this_app(self, app: Flask, fake_login: Any) -> None:
        """Flask-Login installed but without a LoginManager on the app gives no user id."""
        fake_login.current_user = FakeUser("42")
        with app.test_request_context():
            assert current_flags.context["user_id"] is None

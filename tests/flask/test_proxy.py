"""`current_flags`: a request-pinned view, a detached view outside requests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request

from flask_appconfig import current_flags

from .conftest import DOCUMENT, next_change, stored, write_document


def pro_context() -> dict[str, Any]:
    """A context function for APPCONFIG_CONTEXT: the plan comes from the query string."""
    return {"plan": request.args.get("plan", "free")}


class TestInARequest:
    def test_same_view_for_the_whole_request(self, app: Flask) -> None:
        """Every access in one request reaches the same pinned view."""
        with app.test_request_context():
            first = current_flags._get_current_object()  # type: ignore[attr-defined]
            assert current_flags._get_current_object() is first  # type: ignore[attr-defined]

    def test_snapshot_pinned_while_the_file_changes(self, app: Flask, flags_file: Path) -> None:
        """A flag read twice in one request answers the same even after a new version loads."""
        client = app.extensions["appconfig"].get_client(app)
        with app.test_request_context():
            assert current_flags.is_enabled("banner")
            with next_change(client):
                write_document(flags_file, stored({"banner": {"enabled": False}}))
            assert current_flags.is_enabled("banner")
            assert not client.is_enabled("banner")
        with app.test_request_context():
            assert not current_flags.is_enabled("banner")

    def test_new_view_per_request_in_a_shared_app_context(self, app: Flask) -> None:
        """Requests pushed inside one app context (which shares g) still get their own view."""
        with app.app_context():
            with app.test_request_context():
                first = current_flags._get_current_object()  # type: ignore[attr-defined]
            with app.test_request_context():
                second = current_flags._get_current_object()  # type: ignore[attr-defined]
        assert first is not second

    def test_methods_of_the_view(self, app: Flask) -> None:
        """is_enabled, evaluate, value, variant, [] and `in` answer as the core view does."""
        with app.test_request_context():
            assert current_flags["banner"]
            assert current_flags.value("banner", "color") == "red"
            assert current_flags.variant("beta") == "rest"
            assert current_flags.evaluate("old").enabled is False
            assert "old" in current_flags
            assert "nope" not in current_flags
            assert current_flags.is_enabled("nope", default=True)

    def test_real_requests_through_the_test_client(self, app: Flask) -> None:
        """A view reads current_flags during a real test-client request."""

        @app.route("/")
        def index() -> str:
            return "on" if current_flags.is_enabled("banner") else "off"

        assert app.test_client().get("/").data == b"on"


class TestContext:
    def test_dotted_path(self, make_app: Callable[..., Flask]) -> None:
        """APPCONFIG_CONTEXT as a dotted path builds each request's context."""
        app = make_app(APPCONFIG_CONTEXT=f"{__name__}.pro_context")
        with app.test_request_context("/?plan=pro"):
            assert current_flags.is_enabled("beta")
        with app.test_request_context("/?plan=free"):
            assert not current_flags.is_enabled("beta")

    def test_callable_built_once_and_lazily(self, make_app: Callable[..., Flask]) -> None:
        """A callable context runs at most once per request, and only when a flag is read."""
        calls: list[int] = []

        def context() -> dict[str, str]:
            calls.append(1)
            return {"plan": "pro"}

        app = make_app(APPCONFIG_CONTEXT=context)
        with app.test_request_context():
            assert calls == []
            assert current_flags.is_enabled("beta")
            assert current_flags.is_enabled("beta")
            assert current_flags.is_enabled("banner")
        assert calls == [1]

    def test_context_error_gives_an_empty_context(
        self, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """A context function that raises is logged; the request sees an empty context."""

        def broken() -> dict[str, str]:
            raise LookupError("no session")

        app = make_app(APPCONFIG_CONTEXT=broken)
        with app.test_request_context():
            assert not current_flags.is_enabled("beta")
            assert current_flags.is_enabled("banner")
        assert "no session" in caplog.text
        assert "broken raised" in caplog.text


class TestOutsideARequest:
    def test_app_context_reads_the_current_snapshot(self, app: Flask, flags_file: Path) -> None:
        """In an app context each access sees the latest snapshot with an empty context."""
        client = app.extensions["appconfig"].get_client(app)
        with app.app_context():
            assert current_flags.is_enabled("banner")
            assert current_flags.context == {}
            with next_change(client):
                write_document(flags_file, stored({"banner": {"enabled": False}}))
            assert not current_flags.is_enabled("banner")
        write_document(flags_file, DOCUMENT)

    def test_context_function_is_not_called(self, make_app: Callable[..., Flask]) -> None:
        """Outside a request the context is empty even when APPCONFIG_CONTEXT is set."""
        app = make_app(APPCONFIG_CONTEXT=lambda: {"plan": "pro"})
        with app.app_context():
            assert not current_flags.is_enabled("beta")
            assert dict(current_flags.context) == {}

    def test_no_app_context_says_what_to_do(self) -> None:
        """Without any context the error suggests an app context."""
        with pytest.raises(RuntimeError, match="app_context"):
            current_flags.is_enabled("banner")

    def test_other_thread_without_context(self, app: Flask) -> None:
        """A thread with no context gets the helpful error, not a crash elsewhere."""
        errors: list[BaseException] = []

        def read() -> None:
            try:
                current_flags.is_enabled("banner")
            except RuntimeError as exc:
                errors.append(exc)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(5)
        assert len(errors) == 1

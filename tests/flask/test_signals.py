"""Blinker signals: the change signals on the poller thread, flag_missing on the reader's."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, render_template_string

from appconfig_core import UnknownFlagError
from flask_appconfig import (
    AppConfigFlags,
    config_changed,
    current_flags,
    flag_changed,
    flag_required,
)
from flask_appconfig.signals import flag_missing, flags_removed

from .conftest import DOCUMENT, TIMEOUT, next_change, stored, write_document


@dataclass
class Received:
    """What receivers saw, and an Event set once a wanted call arrived."""

    calls: list[tuple[str, Any, dict[str, Any]]] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)
    apps: list[Any] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(name="received")
def _received(app: Flask) -> Iterator[Received]:
    """Connect receivers for ``app`` only; set ``done`` when flag_changed reports banner."""
    seen = Received()

    def on_config(sender: Any, **kwargs: Any) -> None:
        seen.calls.append(("config", sender, kwargs))
        seen.threads.append(threading.current_thread().name)
        seen.apps.append(current_app._get_current_object())  # type: ignore[attr-defined]

    def on_flag(sender: Any, **kwargs: Any) -> None:
        seen.calls.append(("flag", sender, kwargs))
        if kwargs["name"] == "banner" and kwargs["old"] is not None:
            seen.done.set()

    config_changed.connect(on_config, sender=app)
    flag_changed.connect(on_flag, sender=app)
    yield seen
    config_changed.disconnect(on_config, sender=app)
    flag_changed.disconnect(on_flag, sender=app)


def start(app: Flask) -> None:
    """Start the app's client; the first document's signals are sent before this returns."""
    app.extensions["appconfig"].get_client(app).start()


class TestFileChange:
    def test_first_load_is_a_change_from_nothing(self, app: Flask, received: Received) -> None:
        """The first document sends flag_changed per flag, sorted, then config_changed.

        Django sends its signals in the same order (tests/django/test_signals.py).
        """
        start(app)
        order = [k["name"] if kind == "flag" else kind for kind, _, k in received.calls]
        assert ["banner", "beta", "old", "config"] == order
        kind, sender, kwargs = received.calls[-1]
        assert ("config", app) == (kind, sender)
        assert kwargs["event"].old is None

    def test_change_in_the_flags_file(
        self, app: Flask, received: Received, flags_file: Path
    ) -> None:
        """Editing the flags file sends both signals with the app and the old/new evaluations."""
        start(app)
        received.calls.clear()
        write_document(
            flags_file,
            stored(
                {"banner": {"enabled": False}, "old": {"enabled": False}, "beta": {"enabled": True}}
            ),
        )
        assert received.done.wait(TIMEOUT)
        flags = {k["name"]: k for kind, _, k in received.calls if kind == "flag"}
        assert set(flags) == {"banner", "beta"}
        assert flags["banner"]["old"].enabled is True
        assert flags["banner"]["new"].enabled is False
        config = [k for kind, _, k in received.calls if kind == "config"]
        assert config[0]["event"].changed == frozenset({"banner", "beta"})

    def test_receivers_run_on_the_poller_thread_in_an_app_context(
        self, app: Flask, received: Received, flags_file: Path
    ) -> None:
        """Receivers run off the main thread, with current_app bound to the sender."""
        start(app)
        received.threads.clear()
        received.apps.clear()
        write_document(flags_file, stored({"banner": {"enabled": False}}))
        assert received.done.wait(TIMEOUT)
        assert received.threads[0] != threading.current_thread().name
        assert received.apps == [app]

    def test_removed_flag_has_new_none(
        self, app: Flask, received: Received, flags_file: Path
    ) -> None:
        """A flag the new document drops is reported with new=None."""
        start(app)
        received.calls.clear()
        write_document(flags_file, stored({"banner": {"enabled": False}}))
        assert received.done.wait(TIMEOUT)
        flags = {k["name"]: k for kind, _, k in received.calls if kind == "flag"}
        assert flags["old"]["new"] is None


class TestRaisingReceiver:
    def test_other_receivers_still_run(self, app: Flask, caplog: pytest.LogCaptureFixture) -> None:
        """A receiver that raises is logged by name; later receivers and signals still run."""
        seen: list[str] = []

        def broken(sender: Any, **kwargs: Any) -> None:
            raise LookupError("receiver bug")

        def config_receiver(sender: Any, **kwargs: Any) -> None:
            seen.append("config")

        def flag_receiver(sender: Any, **kwargs: Any) -> None:
            seen.append(kwargs["name"])

        config_changed.connect(broken, sender=app)
        config_changed.connect(config_receiver, sender=app)
        flag_changed.connect(broken, sender=app)
        flag_changed.connect(flag_receiver, sender=app)
        try:
            start(app)
        finally:
            for signal, receiver in [
                (config_changed, broken),
                (config_changed, config_receiver),
                (flag_changed, broken),
                (flag_changed, flag_receiver),
            ]:
                signal.disconnect(receiver, sender=app)
        assert ["banner", "beta", "old", "config"] == seen
        raised = [r for r in caplog.records if r.exc_info and r.exc_info[0] is LookupError]
        assert len(raised) == 4
        assert raised[0].getMessage() == (
            "flask_appconfig: the flag_changed receiver tests.flask.test_signals."
            "TestRaisingReceiver.test_other_receivers_still_run.<locals>.broken raised"
            " LookupError: receiver bug; the other receivers still ran"
        )
        assert "the config_changed receiver" in raised[-1].getMessage()

    def test_async_receiver_is_refused(
        self, app: Flask, received: Received, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An async receiver is skipped with an error naming it; the plain ones still run."""

        async def coroutine_receiver(sender: Any, **kwargs: Any) -> None:
            raise AssertionError("never awaited")

        config_changed.connect(coroutine_receiver, sender=app)
        try:
            start(app)
        finally:
            config_changed.disconnect(coroutine_receiver, sender=app)
        assert "the config_changed receiver" in caplog.text
        assert "coroutine_receiver is async and was skipped" in caplog.text
        assert received.calls[-1][0] == "config"

    def test_muted_signal_sends_nothing(self, app: Flask, received: Received) -> None:
        """blinker's muted() silences the signals, as it does for send()."""
        with config_changed.muted(), flag_changed.muted():
            start(app)
        assert received.calls == []


class TestSeveralApps:
    def test_each_app_sends_as_itself(
        self, make_app: Callable[..., Flask], flags_file: Path
    ) -> None:
        """Two apps sharing one client each send their own signal with themselves as sender."""
        first = make_app()
        client = first.extensions["appconfig"].get_client(first)
        second = Flask("second")
        AppConfigFlags(second, client=client)
        senders: list[Any] = []

        def receiver(sender: Any, **kwargs: Any) -> None:
            senders.append(sender)

        config_changed.connect(receiver)
        try:
            with next_change(client):
                client.start()
        finally:
            config_changed.disconnect(receiver)
        assert senders == [first, second]


class TestLocalAppConfigServer:
    def test_flip_in_the_served_profile(
        self, make_app: Callable[..., Flask], devserver: Any, aws_env: None
    ) -> None:
        """A flag flipped in the local AppConfig server reaches a flag_changed receiver."""
        profile = devserver.root / "shop:prod:web.featureflags.json"
        profile.write_text(json.dumps(stored({"banner": {"enabled": True}})))
        app = make_app(
            APPCONFIG_SOURCE="appconfig",
            APPCONFIG_APPLICATION="shop",
            APPCONFIG_ENVIRONMENT="prod",
            APPCONFIG_PROFILE="web",
            APPCONFIG_ENDPOINT_URL=devserver.url,
            APPCONFIG_REGION="us-east-1",
            APPCONFIG_POLL_INTERVAL=None,
        )
        flipped = threading.Event()
        seen: list[tuple[Any, bool]] = []

        def receiver(sender: Any, *, name: str, old: Any, new: Any) -> None:
            if old is not None:
                seen.append((sender, new.enabled))
                flipped.set()

        flag_changed.connect(receiver, sender=app)
        try:
            start(app)
            write_document(profile, stored({"banner": {"enabled": False}}))
            assert flipped.wait(TIMEOUT)
        finally:
            flag_changed.disconnect(receiver, sender=app)
        assert seen == [(app, False)]


def missing_warnings(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    """The unknown-name warnings logged about flag ``name``."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "appconfig_core" and f"flag {name!r} is not defined" in r.getMessage()
    ]


class TestUnknownNames:
    """A misspelt name warns once, with a suggestion, and sends flag_missing once per version."""

    def test_a_view_a_template_and_a_decorator_each_warn_once(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Each misspelt name, read by two requests, is one warning naming the close match."""

        @app.route("/view")
        def view() -> str:
            return "on" if current_flags.is_enabled("bannr") else "off"

        @app.route("/template")
        def template() -> str:
            return render_template_string("{% flag 'oldd' %}on{% else %}off{% endflag %}")

        @app.route("/decorated")
        @flag_required("bta")
        def decorated() -> str:
            return "in"  # pragma: no cover - the flag is unknown

        caplog.set_level(logging.WARNING, logger="appconfig_core")
        client = app.test_client()
        for _ in range(2):
            assert b"off" == client.get("/view").data
            assert b"off" == client.get("/template").data
            assert 404 == client.get("/decorated").status_code
        for typo, meant in (("bannr", "banner"), ("oldd", "old"), ("bta", "beta")):
            [warning] = missing_warnings(caplog, typo)
            assert f"Did you mean '{meant}'?" in warning

    def test_an_override_warns_once(
        self, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """With APPCONFIG_STRICT False, forcing an unknown name warns and still forces it."""
        app = make_app(APPCONFIG_STRICT=False)
        caplog.set_level(logging.WARNING, logger="appconfig_core")
        flags = app.extensions["appconfig"]
        start(app)
        with flags.override({"bannr": True}, app=app), app.app_context():
            assert current_flags.is_enabled("bannr") is True
        [warning] = missing_warnings(caplog, "bannr")
        assert "the override forces it anyway" in warning

    def test_flag_missing_is_sent_with_the_app(self, app: Flask, flags_file: Path) -> None:
        """flag_missing is sent once per name and version, with the app, in its context."""
        received: list[tuple[Any, dict[str, Any], Any]] = []

        def on_missing(sender: Any, **kwargs: Any) -> None:
            received.append((sender, kwargs, current_app._get_current_object()))  # type: ignore[attr-defined]

        client = app.extensions["appconfig"].get_client(app)
        start(app)
        flag_missing.connect(on_missing, sender=app)
        try:
            client.is_enabled("bannr")
            client.is_enabled("bannr")
            with next_change(client):
                write_document(
                    flags_file,
                    {**DOCUMENT, "values": {**DOCUMENT["values"], "old": {"enabled": True}}},
                )
            client.is_enabled("bannr")
        finally:
            flag_missing.disconnect(on_missing, sender=app)
        assert 2 == len(received)
        sender, kwargs, context_app = received[0]
        assert (app, app) == (sender, context_app)
        assert ("bannr", ("banner",), False) == (
            kwargs["name"],
            kwargs["suggestions"],
            kwargs["forced"],
        )
        assert received[0][1]["version"] != received[1][1]["version"]

    def test_strict_under_override(self, app: Flask) -> None:
        """Under flags.override a request reading a misspelt flag raises UnknownFlagError."""

        @app.route("/view")
        def view() -> str:
            return "on" if current_flags.is_enabled("bannr") else "off"

        flags = app.extensions["appconfig"]
        start(app)
        with flags.override({"banner": False}, app=app), pytest.raises(UnknownFlagError):
            app.test_client().get("/view")
        overriding = flags.override({"bannr": True}, app=app)
        with pytest.raises(UnknownFlagError, match="did you mean 'banner'"):
            overriding.__enter__()


class TestRemovals:
    def test_removing_a_read_flag_sends_flags_removed(
        self, app: Flask, flags_file: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A version without a flag the app read warns and sends flags_removed with the app."""
        removed: list[tuple[Any, dict[str, Any]]] = []

        def on_removed(sender: Any, **kwargs: Any) -> None:
            removed.append((sender, kwargs))

        caplog.set_level(logging.WARNING, logger="appconfig_core")
        client = app.extensions["appconfig"].get_client(app)
        start(app)
        assert client.is_enabled("old") is False
        flags_removed.connect(on_removed, sender=app)
        try:
            values = {k: v for k, v in DOCUMENT["values"].items() if k not in ("old", "beta")}
            with next_change(client):
                write_document(flags_file, stored(values))
        finally:
            flags_removed.disconnect(on_removed, sender=app)
        [(sender, kwargs)] = removed
        assert (app, ("old",)) == (sender, kwargs["names"])
        assert any(
            "removed 1 flag(s)" in r.getMessage() and "'old'" in r.getMessage()
            for r in caplog.records
        )

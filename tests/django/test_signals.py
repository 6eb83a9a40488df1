"""Signals fired by real changes in a served flags file and by reads of unknown names."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import pytest
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from django_appconfig import get_client
from django_appconfig.decorators import flag_required
from django_appconfig.signals import config_changed, flag_changed, flag_missing, flags_removed
from django_appconfig.testing import override_flags

from .conftest import WAIT, FlagsFile


class TestSignals:
    def test_flag_changed_names_old_and_new(self, flags_file: FlagsFile) -> None:
        """A flipped flag sends flag_changed with its old and new evaluations, on the poller."""
        received: list[dict[str, Any]] = []
        done = threading.Event()

        def on_flag(sender: object, **kwargs: Any) -> None:
            received.append({**kwargs, "sender": sender, "thread": threading.current_thread()})
            done.set()

        client = get_client()
        flag_changed.connect(on_flag)
        try:
            flags_file.set_value("dark_mode", enabled=True)
            assert done.wait(WAIT)
        finally:
            flag_changed.disconnect(on_flag)
        [change] = received
        assert change["name"] == "dark_mode"
        assert change["sender"] is client
        assert change["old"].enabled is False
        assert change["new"].enabled is True
        assert change["thread"] is not threading.main_thread()

    def test_config_changed_carries_the_event(self, flags_file: FlagsFile) -> None:
        """config_changed sends the core's ChangeEvent, naming every changed flag."""
        events: list[Any] = []

        @receiver(config_changed)
        def on_config(sender: object, event: Any, **kwargs: Any) -> None:
            events.append(event)

        try:
            document = dict(flags_file.document)
            document["values"] = {**document["values"], "new_checkout": {"enabled": False}}
            document["flags"] = {k: v for k, v in document["flags"].items() if k != "dark_mode"}
            del document["values"]["dark_mode"]
            flags_file.write(document)
        finally:
            config_changed.disconnect(on_config)
        assert events[-1].changed == frozenset({"new_checkout", "dark_mode"})

    def test_flag_changed_comes_before_config_changed(self, flags_file: FlagsFile) -> None:
        """For one change every flag_changed is sent first, sorted, then one config_changed.

        Flask sends its signals in the same order (tests/flask/test_signals.py).
        """
        order: list[str] = []

        def on_flag(sender: object, name: str, **kwargs: Any) -> None:
            order.append(name)

        def on_config(sender: object, **kwargs: Any) -> None:
            order.append("config")

        get_client()
        flag_changed.connect(on_flag)
        config_changed.connect(on_config)
        try:
            document = json.loads(json.dumps(flags_file.document))
            document["values"]["new_checkout"] = {"enabled": False}
            document["values"]["dark_mode"] = {"enabled": True}
            flags_file.write(document)
        finally:
            flag_changed.disconnect(on_flag)
            config_changed.disconnect(on_config)
        assert ["dark_mode", "new_checkout", "config"] == order

    def test_raising_receiver_breaks_nothing(self, flags_file: FlagsFile, caplog: Any) -> None:
        """A receiver that raises is logged by name; the others run and later changes come."""
        seen: list[str] = []

        def broken(sender: object, **kwargs: Any) -> None:
            raise RuntimeError("receiver bug")

        def working(sender: object, name: str, **kwargs: Any) -> None:
            seen.append(name)

        get_client()
        flag_changed.connect(broken)
        flag_changed.connect(working)
        try:
            flags_file.set_value("dark_mode", enabled=True)
            flags_file.set_value("new_checkout", enabled=False)
        finally:
            flag_changed.disconnect(broken)
            flag_changed.disconnect(working)
        assert seen == ["dark_mode", "new_checkout"]
        assert get_client().is_enabled("dark_mode") is True
        named = [
            r.getMessage()
            for r in caplog.records
            if r.name == "django_appconfig" and "receiver bug" in r.getMessage()
        ]
        assert 2 == len(named)
        assert named[0].startswith(
            "django_appconfig: the flag_changed receiver tests.django.test_signals."
            "TestSignals.test_raising_receiver_breaks_nothing.<locals>.broken raised"
            " RuntimeError: receiver bug"
        )


def missing_warnings(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    """The unknown-name warnings logged about flag ``name``."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "appconfig_core" and f"flag {name!r} is not defined" in r.getMessage()
    ]


class TestUnknownNames:
    """A misspelt name warns once, with a suggestion, and sends flag_missing once."""

    def test_a_view_warns_once(
        self, flags_file: FlagsFile, client: Client, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Three requests reading a misspelt flag log one warning naming the close match."""
        caplog.set_level(logging.WARNING, logger="appconfig_core")
        for _ in range(3):
            assert client.get("/flag/new_chekout/").json()["enabled"] is False
        [warning] = missing_warnings(caplog, "new_chekout")
        assert "Did you mean 'new_checkout'?" in warning

    def test_a_template_warns_once(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A {% flag %} block with a misspelt name, rendered twice, warns once."""
        caplog.set_level(logging.WARNING, logger="appconfig_core")
        template = Template(
            '{% load appconfig %}{% flag "dark_mdoe" %}on{% else %}off{% endflag %}'
        )
        request = RequestFactory().get("/")
        for _ in range(2):
            assert "off" == template.render(RequestContext(request))
        [warning] = missing_warnings(caplog, "dark_mdoe")
        assert "Did you mean 'dark_mode'?" in warning

    def test_a_decorator_warns_once(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture
    ) -> None:
        """flag_required with a misspelt name answers 404 and warns once, however often."""
        caplog.set_level(logging.WARNING, logger="appconfig_core")

        @flag_required("new_chekout")
        def view(request: HttpRequest) -> HttpResponse:
            return HttpResponse("ok")

        for _ in range(2):
            with pytest.raises(Http404):
                view(RequestFactory().get("/"))
        assert 1 == len(missing_warnings(caplog, "new_chekout"))

    def test_an_override_warns_once(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture, settings: Any
    ) -> None:
        """Forcing a name the document lacks warns (strict off), and reading it then does not."""
        settings.APPCONFIG = {**settings.APPCONFIG, "STRICT": False}
        caplog.set_level(logging.WARNING, logger="appconfig_core")
        with override_flags({"new_chekout": True}):
            assert get_client().is_enabled("new_chekout") is True
        [warning] = missing_warnings(caplog, "new_chekout")
        assert "the override forces it anyway" in warning

    def test_flag_missing_is_sent_once_per_version(self, flags_file: FlagsFile) -> None:
        """flag_missing names the flag and the suggestions, once per version, on the reader's thread."""
        received: list[dict[str, Any]] = []

        def on_missing(sender: object, **kwargs: Any) -> None:
            received.append({**kwargs, "sender": sender, "thread": threading.current_thread()})

        client = get_client()
        flag_missing.connect(on_missing)
        try:
            client.is_enabled("new_chekout")
            client.is_enabled("new_chekout")
            flags_file.set_value("dark_mode", enabled=True)  # a new version
            client.is_enabled("new_chekout")
        finally:
            flag_missing.disconnect(on_missing)
        assert 2 == len(received)
        first = received[0]
        assert ("new_chekout", ("new_checkout",), False) == (
            first["name"],
            first["suggestions"],
            first["forced"],
        )
        assert first["sender"] is client
        assert first["thread"] is threading.main_thread()
        assert received[0]["version"] != received[1]["version"]


class TestRemovals:
    def test_removing_a_read_flag_warns_and_signals(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A version without a flag this process read logs a warning and sends flags_removed
        between flag_changed and config_changed; the version still applies."""
        order: list[str] = []
        removed: list[dict[str, Any]] = []

        def on_removed(sender: object, **kwargs: Any) -> None:
            order.append("flags_removed")
            removed.append(kwargs)

        def on_flag(sender: object, name: str, **kwargs: Any) -> None:
            order.append(f"flag_changed:{name}")

        def on_config(sender: object, **kwargs: Any) -> None:
            order.append("config_changed")

        caplog.set_level(logging.WARNING, logger="appconfig_core")
        client = get_client()
        assert client.is_enabled("dark_mode") is False
        document = json.loads(json.dumps(flags_file.document))
        for part in ("flags", "values"):
            del document[part]["dark_mode"]
            del document[part]["vip"]  # never read: removed silently
        connections = [(flags_removed, on_removed), (flag_changed, on_flag)]
        for signal, function in connections:
            signal.connect(function)
        config_changed.connect(on_config)
        try:
            flags_file.write(document)
        finally:
            for signal, function in connections:
                signal.disconnect(function)
            config_changed.disconnect(on_config)
        assert [
            "flag_changed:dark_mode",
            "flag_changed:vip",
            "flags_removed",
            "config_changed",
        ] == order
        [kwargs] = removed
        assert ("dark_mode",) == kwargs["names"]
        assert client.snapshot().version == kwargs["version"]
        assert "dark_mode" not in client.snapshot().flag_names
        [warning] = [
            r.getMessage() for r in caplog.records if "removed 1 flag(s)" in r.getMessage()
        ]
        assert "'dark_mode'" in warning
        assert "'vip'" not in warning

"""``flask appconfig`` commands look at the flags without sending the app's change signals."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from appconfig_core import ChangeEvent
from flask_appconfig import config_changed, flag_changed

from .conftest import TIMEOUT


class TestCommandsSendNoSignals:
    @pytest.mark.parametrize("command", [["list"], ["status"], ["eval", "beta"]])
    def test_receivers_stay_quiet(self, app: Flask, command: list[str]) -> None:
        """The first load a command triggers reaches no flag_changed or config_changed receiver."""
        received: list[str] = []

        def receiver(sender: Flask, **kwargs: Any) -> None:
            received.append(kwargs.get("name", "config"))

        flag_changed.connect(receiver, sender=app)
        config_changed.connect(receiver, sender=app)
        loaded = threading.Event()

        def after_bridge(event: ChangeEvent) -> None:
            loaded.set()  # registered after the signal bridge, so it runs after it

        client = app.extensions["appconfig"].get_client(app)
        client.on_change(after_bridge)
        try:
            result = app.test_cli_runner().invoke(args=["appconfig", *command])
            assert result.exit_code == 0, result.output
            assert loaded.wait(TIMEOUT), "the command loaded no document"
        finally:
            flag_changed.disconnect(receiver, sender=app)
            config_changed.disconnect(receiver, sender=app)
        assert received == []

    def test_a_serving_app_still_sends_them(self, app: Flask) -> None:
        """Without a command, the first load sends flag_changed for each flag."""
        received: list[str] = []

        def receiver(sender: Flask, **kwargs: Any) -> None:
            received.append(kwargs["name"])

        flag_changed.connect(receiver, sender=app)
        loaded = threading.Event()
        client = app.extensions["appconfig"].get_client(app)
        client.on_change(lambda event: loaded.set())
        try:
            client.start()
            assert loaded.wait(TIMEOUT)
        finally:
            flag_changed.disconnect(receiver, sender=app)
        assert received == ["banner", "beta", "old"]

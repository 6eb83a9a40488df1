"""config_changed and flag_changed, fired by a real change in a served flags file."""

from __future__ import annotations

import json
import threading
from typing import Any

from django.dispatch import receiver

from django_appconfig import get_client
from django_appconfig.signals import config_changed, flag_changed

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

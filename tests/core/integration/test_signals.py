from __future__ import annotations

import logging
from typing import Any

import pytest

from appconfig_core import ChangeEvent, Snapshot
from appconfig_core._formats.retrieval import compile_retrieval
from appconfig_core.integration import (
    CONFIG_CHANGED,
    FLAG_CHANGED,
    change_signals,
    receiver_name,
    report_receiver_error,
)


def snapshot(document: dict[str, Any]) -> Snapshot:
    return Snapshot(
        document=document,
        flags=compile_retrieval(document),
        defaults={},
        version=None,
        content_type="application/json",
        loaded_at=None,
    )


def module_receiver(**kwargs: object) -> None:
    """A module-level receiver, named in logs by its dotted path."""


class TestChangeSignals:
    def test_every_flag_changed_then_one_config_changed(self) -> None:
        """Per-flag signals come first, sorted by name, then config_changed with the event."""
        old = snapshot({"b": {"enabled": True}, "a": {"enabled": False}})
        new = snapshot({"b": {"enabled": False}, "a": {"enabled": True}, "c": {"enabled": True}})
        event = ChangeEvent(old, new, frozenset({"c", "a", "b"}))
        signals = list(change_signals(event))
        assert [FLAG_CHANGED, FLAG_CHANGED, FLAG_CHANGED, CONFIG_CHANGED] == [
            name for name, _ in signals
        ]
        assert ["a", "b", "c"] == [kwargs["name"] for _, kwargs in signals[:3]]
        first = signals[0][1]
        assert (False, True) == (first["old"].enabled, first["new"].enabled)
        assert signals[2][1]["old"] is None
        assert {"event": event} == signals[-1][1]

    def test_first_load(self) -> None:
        """The first load sends flag_changed with ``old`` None for each flag, then config_changed."""
        event = ChangeEvent(None, snapshot({"a": {"enabled": True}}), frozenset({"a"}))
        assert [(FLAG_CHANGED, "a", None), (CONFIG_CHANGED, None, None)] == [
            (name, kwargs.get("name"), kwargs.get("old")) for name, kwargs in change_signals(event)
        ]


class TestReceiverErrors:
    def test_receiver_name(self) -> None:
        """A function is named by module and qualified name; anything else by its repr."""
        assert f"{__name__}.module_receiver" == receiver_name(module_receiver)
        assert "42" == receiver_name(42)

    def test_logged_once_naming_the_receiver(self, caplog: pytest.LogCaptureFixture) -> None:
        """The log line names the adapter, the signal, the receiver and the error."""
        log = logging.getLogger("flask_appconfig")
        with caplog.at_level(logging.ERROR, logger="flask_appconfig"):
            report_receiver_error(log, "flag_changed", module_receiver, RuntimeError("boom"))
        [record] = caplog.records
        assert (
            f"flask_appconfig: the flag_changed receiver {__name__}.module_receiver raised"
            " RuntimeError: boom; the other receivers still ran"
        ) == record.getMessage()
        assert record.exc_info is not None

    def test_without_traceback(self, caplog: pytest.LogCaptureFixture) -> None:
        """Where the framework logged the traceback already, the line carries none."""
        log = logging.getLogger("django_appconfig")
        with caplog.at_level(logging.ERROR, logger="django_appconfig"):
            report_receiver_error(log, "x", module_receiver, ValueError("v"), traceback=False)
        assert [None] == [record.exc_info for record in caplog.records]

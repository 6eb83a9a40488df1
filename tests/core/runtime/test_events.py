from __future__ import annotations

import logging

import pytest

from appconfig_core._runtime.events import Listeners


class TestListeners:
    def test_calls_in_order_and_unsubscribes(self) -> None:
        """Callbacks run in registration order; unsubscribe removes one, twice is harmless."""
        seen: list[str] = []
        listeners: Listeners[int] = Listeners("on_change")
        listeners.add(lambda v: seen.append(f"a{v}"))
        remove_b = listeners.add(lambda v: seen.append(f"b{v}"))
        listeners.emit(1)
        remove_b()
        remove_b()
        listeners.emit(2)
        assert ["a1", "b1", "a2"] == seen

    def test_raising_callback_is_logged_and_others_run(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A callback that raises is logged with its kind and does not stop the rest."""
        seen: list[int] = []
        listeners: Listeners[int] = Listeners("on_error")
        listeners.add(lambda v: 1 / 0)
        listeners.add(seen.append)
        with caplog.at_level(logging.ERROR, "appconfig_core"):
            listeners.emit(7)
        assert [7] == seen
        assert "on_error listener" in caplog.text

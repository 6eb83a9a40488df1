"""QA overrides in the core: the cookie's text, the parameters, the forced answers, the logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from appconfig_core import OVERRIDE, STATIC, FlagClient, StaticSource
from appconfig_core.integration import (
    forced_overrides,
    has_override_params,
    merged_settings,
    resolve_overrides,
    settings_problems,
)

DOCUMENT = {
    "banner": {"enabled": False, "text": "Sale"},
    "checkout": {"enabled": True},
}


def allowed_to_override(*args: Any) -> bool:
    """A permission function for the setting's tests."""
    return True


@pytest.fixture(name="client")
def _client() -> Any:
    with FlagClient(StaticSource(DOCUMENT), format="appconfig") as client:
        yield client


class TestForced:
    def test_forced_on_keeps_attributes(self, client: FlagClient) -> None:
        """A flag forced on answers on with its own attributes and reason OVERRIDE."""
        view = client.view().with_overrides(forced_overrides({"banner": True}))
        evaluation = view.evaluate("banner")
        assert (evaluation.enabled, evaluation.value, evaluation.reason) == (True, True, OVERRIDE)
        assert dict(evaluation.attributes) == {"text": "Sale"}
        assert view["banner"] is True

    def test_only_named_flags_change(self, client: FlagClient) -> None:
        """Flags the overrides do not name answer as the document says."""
        view = client.view().with_overrides(forced_overrides({"checkout": False}))
        assert view.is_enabled("checkout") is False
        assert view.evaluate("banner").reason == STATIC
        assert set(view.overrides) == {"checkout"}

    def test_missing_flag_can_be_forced(self, client: FlagClient) -> None:
        """A flag not deployed yet can be forced on: the answer is OVERRIDE, not an error."""
        view = client.view().with_overrides(forced_overrides({"next_thing": True}))
        evaluation = view.evaluate("next_thing")
        assert (evaluation.enabled, evaluation.reason, evaluation.error) == (True, OVERRIDE, None)

    def test_with_overrides_keeps_the_built_context(self, client: FlagClient) -> None:
        """Laying overrides over a view does not build its context a second time."""
        calls: list[int] = []

        def context() -> dict[str, Any]:
            calls.append(1)
            return {"user_id": "u"}

        view = client.view(context)
        assert view.context == {"user_id": "u"}
        overridden = view.with_overrides(forced_overrides({"banner": True}))
        assert overridden.context == {"user_id": "u"}
        assert len(calls) == 1


class TestResolve:
    def test_parameters_set_and_clear(self) -> None:
        """``on`` and ``off`` set a flag, ``clear`` and an empty value forget it."""
        outcome = resolve_overrides(
            "a:on,b:off",
            forged=False,
            params=[("appconfig_flag_a", "clear"), ("appconfig_flag_c", "ON"), ("page", "2")],
        )
        assert dict(outcome.states) == {"b": False, "c": True}
        assert outcome.cookie == "b:off,c:on"
        cleared = resolve_overrides("b:off", forged=False, params=[("appconfig_flag_b", "")])
        assert (dict(cleared.states), cleared.cookie) == ({}, "")

    def test_cookie_alone_is_kept(self) -> None:
        """Without parameters the cookie's states apply and the cookie is left as it is."""
        outcome = resolve_overrides("a:on", forged=False, params=[])
        assert (dict(outcome.states), outcome.cookie) == ({"a": True}, None)

    def test_nonsense_values_and_names_are_ignored(self) -> None:
        """A value other than on/off/clear, or a name no flag can have, changes nothing."""
        outcome = resolve_overrides(
            None,
            forged=False,
            params=[("appconfig_flag_a", "yes"), ("appconfig_flag_<script>", "on")],
        )
        assert (dict(outcome.states), outcome.cookie) == ({}, None)

    def test_forged_cookie_is_ignored_and_deleted_with_one_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A cookie whose signature failed counts for nothing, is deleted, and logs one WARNING."""
        with caplog.at_level(logging.INFO, logger="appconfig_core"):
            outcome = resolve_overrides(None, forged=True, params=[])
        assert (dict(outcome.states), outcome.cookie) == ({}, "")
        assert [r.levelno for r in caplog.records] == [logging.WARNING]
        assert "bad signature" in caplog.records[0].getMessage()

    def test_malformed_cookie_is_deleted(self, caplog: pytest.LogCaptureFixture) -> None:
        """A signed cookie whose text is not ours (an older format) is dropped, with a WARNING."""
        with caplog.at_level(logging.WARNING, logger="appconfig_core"):
            outcome = resolve_overrides("a=on", forged=False, params=[])
        assert (dict(outcome.states), outcome.cookie) == ({}, "")
        assert len(caplog.records) == 1

    def test_change_is_logged_at_info_by_name(self, caplog: pytest.LogCaptureFixture) -> None:
        """Setting an override logs the browser's overrides at INFO: names and on/off only."""
        with caplog.at_level(logging.INFO, logger="appconfig_core"):
            resolve_overrides(None, forged=False, params=[("appconfig_flag_beta", "on")])
        assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
            (logging.INFO, "appconfig-flags: QA overrides for this browser now: beta:on")
        ]

    def test_too_many_are_refused(self, caplog: pytest.LogCaptureFixture) -> None:
        """More than 20 overrides per browser are refused, keeping the cookie as it was."""
        params = [(f"appconfig_flag_f{n}", "on") for n in range(21)]
        with caplog.at_level(logging.WARNING, logger="appconfig_core"):
            outcome = resolve_overrides("a:on", forged=False, params=params)
        assert (dict(outcome.states), outcome.cookie) == ({"a": True}, None)
        assert "at most 20" in caplog.text

    def test_has_params(self) -> None:
        """Only the override prefix counts as asking for overrides."""
        assert has_override_params(["page", "appconfig_flag_a"])
        assert not has_override_params(["page", "appconfig_flags"])


class TestSetting:
    @pytest.mark.parametrize(
        "value",
        [False, True, None, allowed_to_override, f"{__name__}.allowed_to_override"],
    )
    def test_valid(self, value: Any) -> None:
        """True/False, a function, or the dotted path of one."""
        found = settings_problems(merged_settings({"SOURCE": "file", "OVERRIDES": value}))
        assert [p for p in found if p.code == "E015"] == []

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (1, "OVERRIDES: must be True, False, or a permission function (or its dotted path), not int"),
            ("os.sep", "OVERRIDES: 'os.sep' is not callable (it is str)"),
            ("nowhere.may", "OVERRIDES: cannot import 'nowhere' for 'nowhere.may': No module named 'nowhere'"),
        ],
    )  # fmt: skip
    def test_problems(self, value: Any, message: str) -> None:
        """Anything else is E015, saying what is wrong."""
        found = settings_problems(merged_settings({"SOURCE": "file", "OVERRIDES": value}))
        assert [("E015", message)] == [(p.code, str(p)) for p in found if p.code == "E015"]

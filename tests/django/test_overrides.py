"""QA overrides in Django through real requests: opt-in, permitted requests only, one browser."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import AsyncClient, Client

from .conftest import FlagsFile, async_get

pytestmark = pytest.mark.django_db

FORCE_OFF = "/flag/new_checkout/?appconfig_flag_new_checkout=off"


def header_permission(request: HttpRequest) -> bool:
    """A permission function: requests with ``X-QA: yes`` may carry overrides."""
    return request.headers.get("X-QA") == "yes"


def broken_permission(request: HttpRequest) -> bool:
    raise RuntimeError("the permission function has a bug")


@pytest.fixture(name="overrides")
def _overrides(flags_file: FlagsFile, settings: Any) -> FlagsFile:
    """The test flags with ``OVERRIDES = True`` (DEBUG or staff)."""
    settings.APPCONFIG = {**settings.APPCONFIG, "OVERRIDES": True}
    return flags_file


@pytest.fixture(name="staff")
def _staff(client: Client, django_user_model: Any) -> Client:
    client.force_login(django_user_model.objects.create_user("qa", is_staff=True))
    return client


def flag(client: Client, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.get("/flag/new_checkout/", **extra).json()
    return answer


class TestOff:
    def test_off_by_default(self, flags_file: FlagsFile, staff: Client) -> None:
        """Without the setting the parameter does nothing and no cookie is set."""
        response = staff.get(FORCE_OFF)
        assert response.json()["enabled"] is True
        assert "appconfig_overrides" not in response.cookies

    def test_not_for_visitors(self, overrides: FlagsFile, client: Client) -> None:
        """With ``True`` and DEBUG off, an anonymous visitor cannot override anything."""
        response = client.get(FORCE_OFF)
        assert response.json()["enabled"] is True
        assert "appconfig_overrides" not in response.cookies


class TestStaff:
    def test_parameter_sets_a_signed_sticky_cookie(
        self, overrides: FlagsFile, staff: Client
    ) -> None:
        """A staff user's parameter forces the flag, now and on later requests of that browser."""
        response = staff.get(FORCE_OFF)
        assert response.json() == {
            "enabled": False,
            "variant": None,
            "reason": "OVERRIDE",
            "overridden": ["new_checkout"],
        }
        cookie = response.cookies["appconfig_overrides"]
        assert cookie.value != "new_checkout:off" and cookie.value.startswith("new_checkout:off:")
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
        assert "Cookie" in response["Vary"]
        assert flag(staff)["enabled"] is False

    def test_secure_request_gets_a_secure_cookie(self, overrides: FlagsFile, staff: Client) -> None:
        """Over HTTPS the cookie is marked Secure."""
        response = staff.get(FORCE_OFF, secure=True)
        assert response.cookies["appconfig_overrides"]["secure"]

    def test_clear_deletes_the_cookie(self, overrides: FlagsFile, staff: Client) -> None:
        """``clear`` forgets the flag; with none left the cookie is deleted."""
        staff.get(FORCE_OFF)
        response = staff.get("/flag/new_checkout/?appconfig_flag_new_checkout=clear")
        assert response.json()["reason"] == "STATIC"
        assert response.cookies["appconfig_overrides"]["max-age"] == 0

    def test_other_browsers_are_untouched(
        self, overrides: FlagsFile, staff: Client, django_user_model: Any
    ) -> None:
        """Another browser, even another staff user's, keeps the document's answer."""
        staff.get(FORCE_OFF)
        other = Client()
        other.force_login(django_user_model.objects.create_user("qa2", is_staff=True))
        assert flag(other)["enabled"] is True
        assert flag(Client())["enabled"] is True

    def test_signing_out_stops_the_overrides(self, overrides: FlagsFile, staff: Client) -> None:
        """The cookie counts only while the permission holds: after logout it is ignored."""
        signed = staff.get(FORCE_OFF).cookies["appconfig_overrides"].value
        staff.logout()
        staff.cookies["appconfig_overrides"] = signed
        assert flag(staff)["enabled"] is True

    def test_forged_cookie_is_ignored_with_one_warning(
        self, overrides: FlagsFile, staff: Client, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An unsigned cookie counts for nothing, logs one WARNING, and is deleted."""
        staff.cookies["appconfig_overrides"] = "new_checkout:off"
        with caplog.at_level(logging.WARNING):
            response = staff.get("/flag/new_checkout/")
        assert response.json()["enabled"] is True
        assert response.cookies["appconfig_overrides"]["max-age"] == 0
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1
        assert "new_checkout" not in warnings[0].getMessage()

    def test_setting_is_logged_at_info(
        self, overrides: FlagsFile, staff: Client, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The change is logged at INFO by flag name and state."""
        with caplog.at_level(logging.INFO, logger="appconfig_core"):
            staff.get(FORCE_OFF)
        assert "QA overrides for this browser now: new_checkout:off" in caplog.text

    def test_debug_admits_everyone(
        self, overrides: FlagsFile, client: Client, settings: Any
    ) -> None:
        """With ``DEBUG`` on, ``True`` admits every request (a developer's own machine)."""
        settings.DEBUG = True
        assert client.get(FORCE_OFF).json()["enabled"] is False

    def test_async_request(self, overrides: FlagsFile, django_user_model: Any) -> None:
        """Async requests get the overrides too; the permission runs off the event loop."""
        client = AsyncClient()
        client.force_login(django_user_model.objects.create_user("qa3", is_staff=True))
        response = async_get(client, "/async/?appconfig_flag_new_checkout=off")
        assert response.json()["new_checkout"] is False
        assert "appconfig_overrides" in response.cookies


class TestPermissionFunction:
    def test_dotted_path_decides(
        self, flags_file: FlagsFile, client: Client, settings: Any
    ) -> None:
        """A permission function admits exactly the requests it says."""
        path = f"{__name__}.header_permission"
        settings.APPCONFIG = {**settings.APPCONFIG, "OVERRIDES": path}
        assert client.get(FORCE_OFF).json()["enabled"] is True
        assert client.get(FORCE_OFF, HTTP_X_QA="yes").json()["enabled"] is False
        assert flag(client)["enabled"] is True
        assert flag(client, HTTP_X_QA="yes")["enabled"] is False

    def test_raising_function_refuses(
        self, flags_file: FlagsFile, client: Client, settings: Any
    ) -> None:
        """A permission function that raises refuses the request, which still succeeds."""
        settings.APPCONFIG = {**settings.APPCONFIG, "OVERRIDES": f"{__name__}.broken_permission"}
        response = client.get(FORCE_OFF)
        assert response.status_code == 200
        assert response.json()["enabled"] is True

    def test_check_reports_a_bad_path(self, flags_file: FlagsFile, settings: Any) -> None:
        """``manage.py check`` reports an OVERRIDES path that names nothing callable (E015)."""
        from django.core.checks import run_checks

        settings.APPCONFIG = {**settings.APPCONFIG, "OVERRIDES": "os.sep"}
        ids = [message.id for message in run_checks()]
        assert "django_appconfig.E015" in ids

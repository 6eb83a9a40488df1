"""Where requests get their flags from, when the settings are invalid (``django_appconfig._flags``)."""

from __future__ import annotations

import logging

import pytest
from django.test import AsyncClient, Client

from .conftest import async_get

pytestmark = pytest.mark.django_db

BROKEN = {"SOURCE": "file", "FILE": "/nonexistent/flags.json"}


class TestInvalidSettings:
    def test_requests_serve_defaults_and_log_once(
        self, client: Client, settings: object, caplog: pytest.LogCaptureFixture
    ) -> None:
        """With invalid settings a page still renders (flags off) and the problem is logged once."""
        settings.APPCONFIG = BROKEN  # type: ignore[attr-defined]
        with caplog.at_level(logging.ERROR, "django_appconfig"):
            first = client.get("/context/")
            second = client.get("/context/")
        assert (200, 200) == (first.status_code, second.status_code)
        assert (False, None) == (first.json()["vip"], first.json()["version"])
        assert 1 == caplog.text.count("invalid APPCONFIG settings")
        assert "APPCONFIG.FILE" in caplog.text

    def test_flag_required_answers_404_not_500(self, client: Client, settings: object) -> None:
        """A flag-gated view treats the flag as off rather than failing."""
        settings.APPCONFIG = BROKEN  # type: ignore[attr-defined]
        assert 404 == client.get("/checkout/").status_code

    def test_async_requests_too(self, settings: object) -> None:
        """Async requests through the async middleware serve defaults as well."""
        settings.APPCONFIG = BROKEN  # type: ignore[attr-defined]
        response = async_get(AsyncClient(), "/async/")
        assert (200, {"new_checkout": False, "vip": False}) == (
            response.status_code,
            response.json(),
        )

    def test_health_view_reports_the_error(self, client: Client, settings: object) -> None:
        """The health view answers 503 with the settings error instead of raising."""
        settings.APPCONFIG = BROKEN  # type: ignore[attr-defined]
        response = client.get("/health/flags")
        assert 503 == response.status_code
        assert "APPCONFIG.FILE" in response.json()["last_error"]

    def test_templates_without_a_request_serve_defaults(self, settings: object) -> None:
        """A template rendered outside a request (an e-mail) renders the else branch."""
        from django.template import Context, Template

        settings.APPCONFIG = BROKEN  # type: ignore[attr-defined]
        template = Template(
            '{% load appconfig %}{% flag "new_checkout" %}on{% else %}off{% endflag %}'
        )
        assert "off" == template.render(Context({}))

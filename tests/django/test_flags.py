"""Where requests get their flags from: `flags_for`, and defaults while the settings are invalid."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from appconfig_core import FlagsView
from django_appconfig import aflags_for, flags_for
from django_appconfig.middleware import FlagsMiddleware

from .conftest import FlagsFile, async_get

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


class TestFlagsFor:
    def test_made_and_pinned_without_middleware(self, flags_file: FlagsFile) -> None:
        """flags_for gives a typed FlagsView for a request no middleware saw, and pins it."""
        request = RequestFactory().get("/")
        flags: FlagsView = flags_for(request)
        assert flags.is_enabled("new_checkout")
        assert flags is flags_for(request)
        assert flags is request.flags  # type: ignore[attr-defined]

    def test_is_what_the_middleware_attached(self, flags_file: FlagsFile) -> None:
        """Through the middleware, flags_for returns the view the middleware pinned."""
        request = RequestFactory().get("/")
        FlagsMiddleware(lambda request: HttpResponse())(request)
        assert request.flags is flags_for(request)  # type: ignore[attr-defined]

    def test_async(self, flags_file: FlagsFile) -> None:
        """aflags_for gives the same view from async code."""
        request = RequestFactory().get("/")
        flags = async_to_sync(aflags_for)(request)
        assert flags is flags_for(request)

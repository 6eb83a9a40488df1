"""`flag_required`: 404 or redirect while a flag is off, for sync, async and class views."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from flask import Flask
from flask.views import View

from flask_appconfig import AppConfigFlags, flag_required

from .conftest import TIMEOUT, serve


@pytest.fixture(name="routed")
def _routed(app: Flask) -> Flask:
    @app.route("/home")
    def home() -> str:
        return "home"

    @app.route("/on")
    @flag_required("banner")
    def on_page() -> str:
        return "on"

    @app.route("/off")
    @flag_required("old")
    def off_page() -> str:
        return "off"

    @app.route("/off-to-endpoint")
    @flag_required("old", redirect_to="home")
    def to_endpoint() -> str:
        return "never"

    @app.route("/off-to-url")
    @flag_required("old", redirect_to="/elsewhere?x=1")
    def to_url() -> str:
        return "never"

    @app.route("/async-on")
    @flag_required("banner")
    async def async_on() -> str:
        return "async on"

    @app.route("/async-off")
    @flag_required("old", redirect_to="home")
    async def async_off() -> str:
        return "never"

    class Beta(View):
        decorators = [flag_required("old")]  # noqa: RUF012 - Flask reads this class attribute

        def dispatch_request(self) -> str:
            return "beta"

    app.add_url_rule("/class", view_func=Beta.as_view("beta"))
    return app


class TestSyncViews:
    def test_flag_on_serves_the_view(self, routed: Flask) -> None:
        """With the flag on the view runs."""
        assert routed.test_client().get("/on").data == b"on"

    def test_flag_off_is_404(self, routed: Flask) -> None:
        """With the flag off and no redirect the answer is 404."""
        assert routed.test_client().get("/off").status_code == 404

    def test_redirect_to_endpoint(self, routed: Flask) -> None:
        """redirect_to naming an endpoint redirects to its URL."""
        response = routed.test_client().get("/off-to-endpoint")
        assert (response.status_code, response.location) == (302, "/home")

    def test_redirect_to_url(self, routed: Flask) -> None:
        """redirect_to holding a path redirects there as is."""
        response = routed.test_client().get("/off-to-url")
        assert (response.status_code, response.location) == (302, "/elsewhere?x=1")

    def test_class_based_view(self, routed: Flask) -> None:
        """The decorator works in View.decorators."""
        assert routed.test_client().get("/class").status_code == 404
        with routed.extensions["appconfig"].override({"old": True}, app=routed):
            assert routed.test_client().get("/class").data == b"beta"

    def test_keeps_the_view_name(self) -> None:
        """The wrapper keeps the view's name, so Flask derives the same endpoint."""

        @flag_required("x")
        def some_view() -> str:
            return ""

        assert some_view.__name__ == "some_view"


class TestAsyncViews:
    def test_flag_on_awaits_the_view(self, routed: Flask) -> None:
        """An async view behind an enabled flag is awaited and answers."""
        assert routed.test_client().get("/async-on").data == b"async on"

    def test_flag_off_redirects(self, routed: Flask) -> None:
        """An async view behind a disabled flag redirects without running."""
        response = routed.test_client().get("/async-off")
        assert (response.status_code, response.location) == (302, "/home")

    def test_override_enables_an_async_view(self, routed: Flask) -> None:
        """An override reaches the decorator of an async view."""
        flags: AppConfigFlags = routed.extensions["appconfig"]
        with flags.override({"old": True}, app=routed):
            assert routed.test_client().get("/async-off").data == b"never"


class TestRealServer:
    def test_over_http(self, routed: Flask) -> None:
        """Through a real HTTP server the on page answers 200 and the off page 404."""
        with serve(routed) as url:
            with urllib.request.urlopen(f"{url}/async-on", timeout=TIMEOUT) as response:
                assert (response.status, response.read()) == (200, b"async on")
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(f"{url}/off", timeout=TIMEOUT)
            assert info.value.code == 404
            info.value.close()

"""`AppConfigFlags`: registration, config defaults, lazy start, several apps, overrides."""

from __future__ import annotations

import gc
import json
import logging
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from appconfig_core import ConfigurationError, FlagClient, StaticSource
from appconfig_core._integration.settings import DEFAULTS
from flask_appconfig import AppConfigFlags, config_changed, current_flags, flag_required

from .conftest import stored


class TestInitApp:
    def test_registers_under_extensions(self, app: Flask) -> None:
        """init_app stores the extension object at app.extensions["appconfig"]."""
        assert isinstance(app.extensions["appconfig"], AppConfigFlags)

    def test_constructor_with_app_calls_init_app(self, flags_file: Path) -> None:
        """AppConfigFlags(app) registers at once, like init_app."""
        app = Flask(__name__)
        app.config.update(APPCONFIG_SOURCE="file", APPCONFIG_FILE=str(flags_file))
        flags = AppConfigFlags(app)
        assert app.extensions["appconfig"] is flags
        flags.get_client(app).close()

    def test_defaults_every_key(self, app: Flask) -> None:
        """Every core key and the Flask-only keys get an APPCONFIG_* default."""
        expected = {f"APPCONFIG_{key}" for key in DEFAULTS} | {
            "APPCONFIG_CONTEXT",
            "APPCONFIG_HEALTH_URL",
        }
        assert expected <= set(app.config)
        assert app.config["APPCONFIG_START_TIMEOUT"] == 5.0
        assert app.config["APPCONFIG_FORMAT"] == "auto"

    def test_keeps_values_already_set(self, make_app: Callable[..., Flask]) -> None:
        """setdefault leaves the values the app configured alone."""
        app = make_app(APPCONFIG_START_TIMEOUT=1.5)
        assert app.config["APPCONFIG_START_TIMEOUT"] == 1.5

    def test_mutable_defaults_are_not_shared(self, make_app: Callable[..., Flask]) -> None:
        """Each app gets its own APPCONFIG_DEFAULTS dict, so editing one leaves others alone."""
        first, second = make_app(), make_app()
        assert first.config["APPCONFIG_DEFAULTS"] is not second.config["APPCONFIG_DEFAULTS"]

    def test_second_init_app_is_refused(self, app: Flask) -> None:
        """A second init_app on the same app raises and says how to reach the registered one."""
        with pytest.raises(RuntimeError, match=r'app.extensions\["appconfig"\]'):
            AppConfigFlags().init_app(app)

    def test_bad_config_raises_with_codes(self, tmp_path: Path) -> None:
        """Errors in APPCONFIG_* keys raise ConfigurationError naming each key and code."""
        app = Flask(__name__)
        app.config.update(APPCONFIG_SOURCE="file", APPCONFIG_FILE=str(tmp_path / "missing.json"))
        with pytest.raises(ConfigurationError) as info:
            AppConfigFlags(app)
        assert "[E003] APPCONFIG_FILE" in str(info.value)
        assert "appconfig" not in app.extensions

    def test_missing_application_is_an_error(self) -> None:
        """The default AppConfig source needs application, environment and profile."""
        with pytest.raises(ConfigurationError, match=r"\[E001\] APPCONFIG_APPLICATION"):
            AppConfigFlags(Flask(__name__))

    def test_unimportable_context_is_e006(self, flags_file: Path) -> None:
        """An APPCONFIG_CONTEXT dotted path that does not import is reported as E006."""
        app = Flask(__name__)
        app.config.update(
            APPCONFIG_SOURCE="file",
            APPCONFIG_FILE=str(flags_file),
            APPCONFIG_CONTEXT="no_such_module.context",
        )
        with pytest.raises(ConfigurationError, match=r"\[E006\] APPCONFIG_CONTEXT"):
            AppConfigFlags(app)

    def test_health_url_must_be_a_path(self, flags_file: Path) -> None:
        """An APPCONFIG_HEALTH_URL that is not a path is reported as E009."""
        app = Flask(__name__)
        app.config.update(
            APPCONFIG_SOURCE="file", APPCONFIG_FILE=str(flags_file), APPCONFIG_HEALTH_URL="health"
        )
        with pytest.raises(ConfigurationError, match=r"\[E009\] APPCONFIG_HEALTH_URL"):
            AppConfigFlags(app)

    def test_every_key_is_documented(self, app: Flask) -> None:
        """Each APPCONFIG_* key init_app defaults is listed in the class docstring and docs/flask.md."""
        docs = (Path(__file__).parents[2] / "docs" / "flask.md").read_text()
        keys = [key for key in app.config if key.startswith("APPCONFIG_")]
        assert len(keys) == len(DEFAULTS) + 3
        assert [key for key in keys if f"``{key}``" not in (AppConfigFlags.__doc__ or "")] == []
        assert [key for key in keys if f"| `{key}` |" not in docs] == []

    def test_does_not_keep_the_app_alive(self, flags_file: Path) -> None:
        """The extension holds its apps weakly: a dropped app is collected and forgotten."""
        client = FlagClient(StaticSource({"on": {"enabled": True}}))
        flags = AppConfigFlags(client=client)
        kept, dropped = Flask("kept"), Flask("dropped")
        flags.init_app(kept)
        flags.init_app(dropped)
        gone = weakref.ref(dropped)
        del dropped
        gc.collect()
        assert gone() is None
        assert repr(flags) == "<AppConfigFlags apps=1>"
        assert not hasattr(flags, "app")
        senders: list[Flask] = []

        def receiver(sender: Flask, **kwargs: object) -> None:
            senders.append(sender)

        config_changed.connect(receiver)
        try:
            client.start()
        finally:
            config_changed.disconnect(receiver)
            client.close()
        assert senders == [kept]

    def test_unknown_key_is_logged(
        self, make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
    ) -> None:
        """A misspelt APPCONFIG_ key is a logged warning, not an error."""
        with caplog.at_level(logging.WARNING, logger="flask_appconfig"):
            make_app(APPCONFIG_POLL_INTERVALL=5)
        assert "APPCONFIG_POLL_INTERVALL: unknown setting" in caplog.text


class TestLazyStart:
    def test_init_app_does_not_start_the_client(self, app: Flask) -> None:
        """After init_app nothing is loaded: the poller starts on the first flag read."""
        client = app.extensions["appconfig"].get_client(app)
        assert not client.status.ready
        with app.test_request_context():
            assert current_flags.is_enabled("banner")
        assert client.status.ready

    def test_given_client_is_not_started(self, flags_file: Path) -> None:
        """A client passed in is started on first use too, not by init_app."""
        client = FlagClient(StaticSource({"on": {"enabled": True}}))
        app = Flask(__name__)
        AppConfigFlags(app, client=client)
        assert not client.status.ready
        with app.app_context():
            assert current_flags.is_enabled("on")
        client.close()


class TestSeveralApps:
    def test_one_extension_two_apps_two_files(
        self, make_app: Callable[..., Flask], tmp_path: Path
    ) -> None:
        """One extension object serves two apps, each with its own config and client."""
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"banner": {"enabled": False}}))
        flags = AppConfigFlags()
        first = make_app(extension=flags)
        second = make_app(extension=flags, APPCONFIG_FILE=str(other))
        assert flags.get_client(first) is not flags.get_client(second)
        with first.test_request_context():
            assert current_flags.is_enabled("banner")
        with second.test_request_context():
            assert not current_flags.is_enabled("banner")

    def test_two_profiles_from_the_local_appconfig_server(
        self, make_app: Callable[..., Flask], devserver: object, aws_env: None
    ) -> None:
        """Two apps in one process read two different AppConfig profiles over boto3."""
        root: Path = devserver.root  # type: ignore[attr-defined]
        (root / "shop:prod:web.featureflags.json").write_text(
            json.dumps(stored({"checkout": {"enabled": True}}))
        )
        (root / "shop:prod:admin.featureflags.json").write_text(
            json.dumps(stored({"checkout": {"enabled": False}}))
        )
        common = {
            "APPCONFIG_SOURCE": "appconfig",
            "APPCONFIG_APPLICATION": "shop",
            "APPCONFIG_ENVIRONMENT": "prod",
            "APPCONFIG_ENDPOINT_URL": devserver.url,  # type: ignore[attr-defined]
            "APPCONFIG_REGION": "us-east-1",
            "APPCONFIG_POLL_INTERVAL": None,
        }
        flags = AppConfigFlags()
        web = make_app(extension=flags, APPCONFIG_PROFILE="web", **common)
        admin = make_app(extension=flags, APPCONFIG_PROFILE="admin", **common)
        page = "{% flag 'checkout' %}open{% else %}closed{% endflag %}"
        with web.test_request_context():
            assert render_template_string(page) == "open"
        with admin.test_request_context():
            assert render_template_string(page) == "closed"


class TestGetClient:
    def test_outside_a_context_with_one_app(self, app: Flask) -> None:
        """With one app registered, get_client() needs no app context."""
        flags: AppConfigFlags = app.extensions["appconfig"]
        assert flags.get_client() is flags.get_client(app)

    def test_outside_a_context_with_two_apps(self, make_app: Callable[..., Flask]) -> None:
        """With two apps and no context, get_client() asks which app is meant."""
        flags = AppConfigFlags()
        make_app(extension=flags)
        make_app(extension=flags)
        with pytest.raises(RuntimeError, match="pass app="):
            flags.get_client()

    def test_app_not_registered(self, app: Flask) -> None:
        """Asking for an app the extension was not initialised on suggests init_app."""
        with pytest.raises(RuntimeError, match="init_app"):
            AppConfigFlags().get_client(app)


class TestOverride:
    def test_seen_by_proxy_template_and_decorator(self, app: Flask) -> None:
        """An override reaches current_flags, {% flag %} and flag_required, then is undone."""

        @app.route("/old")
        @flag_required("old")
        def old_page() -> str:
            return render_template_string("{% flag 'old' %}on{% else %}off{% endflag %}")

        flags: AppConfigFlags = app.extensions["appconfig"]
        client = app.test_client()
        assert client.get("/old").status_code == 404
        with flags.override({"old": True}, app=app):
            response = client.get("/old")
            assert (response.status_code, response.data) == (200, b"on")
            with app.test_request_context():
                assert current_flags.is_enabled("old")
        assert client.get("/old").status_code == 404

    def test_nested_overrides_restore_in_order(self, app: Flask) -> None:
        """Inner overrides win and the outer one is back after the inner block."""
        flags: AppConfigFlags = app.extensions["appconfig"]
        with app.app_context():
            with flags.override({"old": True, "banner": False}):
                with flags.override({"old": False}):
                    assert not current_flags.is_enabled("old")
                    assert not current_flags.is_enabled("banner")
                assert current_flags.is_enabled("old")
            assert not current_flags.is_enabled("old")
            assert current_flags.is_enabled("banner")

    def test_applies_after_a_read_in_the_same_request(self, app: Flask) -> None:
        """An override entered mid-request is seen by the next read of that request."""
        flags: AppConfigFlags = app.extensions["appconfig"]
        with app.test_request_context():
            assert not current_flags.is_enabled("old")
            with flags.override({"old": True}):
                assert current_flags.is_enabled("old")
            assert not current_flags.is_enabled("old")

    def test_attributes_can_be_overridden(self, app: Flask) -> None:
        """An override may carry attributes, read with value()."""
        flags: AppConfigFlags = app.extensions["appconfig"]
        with (
            app.test_request_context(),
            flags.override({"banner": {"enabled": True, "color": "blue"}}),
        ):
            assert current_flags.value("banner", "color") == "blue"

"""Jinja: the {% flag %} block and the flag_enabled / flag_value globals, rendered for real."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from flask import Flask, render_template, render_template_string

from appconfig_core import jinja as core_jinja
from appconfig_core.jinja import FLAG_TEST, FlagExtension
from flask_appconfig import AppConfigFlags, current_flags

from .conftest import TIMEOUT, next_change, serve, stored, write_document

PAGE = "{% flag 'banner' %}<b>sale</b>{% else %}no sale{% endflag %}"
#: Rendered by both adapters' tests: every tag and global of the shared extension.
SHARED = (
    "{% flag 'banner' %}on{% else %}off{% endflag %}|{% flag 'old' %}on{% else %}off{% endflag %}"
    "|{{ flag_value('banner', 'color') }}|pros-or-{{ flag_variant('beta') }}"
    "|{{ flag_enabled('missing', true) }}"
)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees its own first warning: the extension warns once per place per process."""
    monkeypatch.setattr(core_jinja, "_warned", set())


def name_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "the flag name is" in r.getMessage()]


class TestFlagBlock:
    def test_on_renders_the_body(self, app: Flask) -> None:
        """An enabled flag renders the block's body."""
        with app.test_request_context():
            assert render_template_string(PAGE) == "<b>sale</b>"

    def test_off_renders_the_else_branch(self, app: Flask) -> None:
        """A disabled flag renders the else branch."""
        with app.test_request_context():
            assert render_template_string(PAGE.replace("banner", "old")) == "no sale"

    def test_without_else(self, app: Flask) -> None:
        """The else branch is optional."""
        with app.test_request_context():
            assert render_template_string("[{% flag 'old' %}x{% endflag %}]") == "[]"

    def test_name_from_a_variable(self, app: Flask) -> None:
        """The flag name may be any expression, such as a template variable."""
        with app.test_request_context():
            assert render_template_string("{% flag name %}on{% endflag %}", name="banner") == "on"

    def test_undefined_name_is_off_with_one_warning(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An undefined variable as the name renders the else branch and warns once, naming it."""
        with app.test_request_context(), caplog.at_level(logging.WARNING, "appconfig_core"):
            for _ in range(2):
                assert (
                    render_template_string("{% flag nothing %}on{% else %}off{% endflag %}")
                    == "off"
                )
        assert [
            "template <string>, line 1: the flag name is the undefined variable 'nothing', not a"
            " flag name; the flag reads as off"
        ] == name_warnings(caplog)

    def test_non_string_variable_is_off_with_one_warning(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A variable holding a number renders else and warns with its type, never its value."""
        source = "{% flag which %}on{% else %}off{% endflag %}"
        with app.test_request_context(), caplog.at_level(logging.WARNING, "appconfig_core"):
            assert render_template_string(source, which=31337) == "off"
        [message] = name_warnings(caplog)
        assert "the flag name is of type int" in message
        assert "31337" not in message

    def test_globals_answer_their_default_for_a_non_string(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        """``flag_enabled(3, true)`` answers its default and warns; ``flag_value`` likewise."""
        source = "{{ flag_enabled(n, true) }}|{{ flag_value(n, 'c', 'd') }}|{{ flag_variant(n) }}"
        with app.test_request_context(), caplog.at_level(logging.WARNING, "appconfig_core"):
            assert render_template_string(source, n=3) == "True|d|None"
        assert 3 == len(name_warnings(caplog))

    @pytest.mark.parametrize(
        ("tag", "problem"),
        [
            ('{% flag "new_checkout" "banner" %}', "takes one flag name, got two strings"),
            ("{% flag 3 %}", "takes a flag name, not the int 3"),
            ('{% flag ["x"] %}', "takes a flag name, not a list"),
            ("{% flag none %}", "takes a flag name, not none"),
            ("{% flag true %}", "takes a flag name, not the bool True"),
            ('{% flag "" %}', "takes a flag name, not an empty string"),
            ('{% flag "a", "b" %}', "takes one flag name"),
            ('{% flag "a" name %}', "takes one flag name"),
        ],
    )
    def test_nonsense_fails_to_compile(self, app: Flask, tag: str, problem: str) -> None:
        """Extra arguments and literals that are not names are a TemplateSyntaxError at compile."""
        with pytest.raises(jinja2.TemplateSyntaxError) as info:
            app.jinja_env.from_string(tag + "x{% endflag %}")
        assert problem in str(info.value)
        assert 1 == info.value.lineno

    def test_expressions_giving_a_string_are_names(self, app: Flask) -> None:
        """A concatenation or a filter is an expression, checked at render like a variable."""
        with app.test_request_context():
            assert render_template_string("{% flag 'ban' ~ 'ner' %}on{% endflag %}") == "on"
            assert render_template_string("{% flag 'BANNER'|lower %}on{% endflag %}") == "on"

    def test_nested_blocks(self, app: Flask) -> None:
        """Blocks nest, each with its own else."""
        source = (
            "{% flag 'banner' %}A{% flag 'old' %}B{% else %}C{% endflag %}{% else %}D{% endflag %}"
        )
        with app.test_request_context():
            assert render_template_string(source) == "AC"

    def test_unclosed_block_is_a_syntax_error(self, app: Flask) -> None:
        """A block without endflag fails to compile with Jinja's own error."""
        with app.test_request_context(), pytest.raises(jinja2.TemplateSyntaxError):
            render_template_string("{% flag 'banner' %}on")

    def test_uses_the_request_context(self, make_app: Callable[..., Flask]) -> None:
        """The block evaluates with the request's context, so rules see the user."""
        app = make_app(APPCONFIG_CONTEXT=lambda: {"plan": "pro"})
        with app.test_request_context():
            assert render_template_string("{% flag 'beta' %}pro{% endflag %}") == "pro"

    def test_outside_a_request(self, app: Flask) -> None:
        """In an app context with no request the block still renders (empty context)."""
        with app.app_context():
            assert render_template_string(PAGE) == "<b>sale</b>"

    def test_template_file(self, make_app: Callable[..., Flask], tmp_path: Path) -> None:
        """A template file from the app's loader uses the tag like a string template."""
        app = make_app()
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "page.html").write_text(PAGE)
        app.template_folder = str(tmp_path / "templates")
        with app.test_request_context():
            assert render_template("page.html") == "<b>sale</b>"

    def test_compiled_template_follows_changes(
        self, make_app: Callable[..., Flask], tmp_path: Path
    ) -> None:
        """A template compiled once (and cached) still reads the flag at each render."""
        app = make_app()
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "page.html").write_text(PAGE)
        app.template_folder = str(tmp_path / "templates")
        flags: AppConfigFlags = app.extensions["appconfig"]
        with app.test_request_context():
            assert render_template("page.html") == "<b>sale</b>"
        with flags.override({"banner": False}), app.test_request_context():
            assert render_template("page.html") == "no sale"
        assert len(app.jinja_env.cache or {}) == 1

    def test_many_blocks_share_the_request_view(self, make_app: Callable[..., Flask]) -> None:
        """Every block of a page reads one view, so the context function runs once per request."""
        calls: list[int] = []

        def context() -> dict[str, str]:
            calls.append(1)
            return {"plan": "pro"}

        app = make_app(APPCONFIG_CONTEXT=context)
        with app.test_request_context():
            page = "{% flag 'beta' %}1{% endflag %}{% flag 'banner' %}2{% endflag %}" * 5
            assert render_template_string(page) == "12" * 5
        assert calls == [1]


class TestSharedExtension:
    def test_is_the_cores_extension(self, app: Flask) -> None:
        """Flask registers the core's one ``{% flag %}`` extension, the one Django's uses."""
        assert any(isinstance(ext, FlagExtension) for ext in app.jinja_env.extensions.values())
        assert FLAG_TEST in app.jinja_env.tests

    def test_same_template_as_django(self, app: Flask) -> None:
        """The template tests/django/test_jinja2.py renders gives the same output here."""
        with app.test_request_context():
            assert render_template_string(SHARED) == "on|off|red|pros-or-rest|True"


class TestGlobals:
    def test_flag_variant(self, app: Flask) -> None:
        """flag_variant(name) is the variant chosen for the request's context."""
        with app.test_request_context():
            assert render_template_string("{{ flag_variant('beta') }}") == "rest"

    def test_flag_enabled(self, app: Flask) -> None:
        """flag_enabled(name) is the flag's state, with an optional default for missing flags."""
        source = "{{ flag_enabled('banner') }} {{ flag_enabled('nope') }} {{ flag_enabled('nope', true) }}"
        with app.test_request_context():
            assert render_template_string(source) == "True False True"

    def test_flag_value(self, app: Flask) -> None:
        """flag_value(name, attribute) reads an attribute; a default covers missing ones."""
        source = "{{ flag_value('banner', 'color') }} {{ flag_value('banner', 'size', 'M') }}"
        with app.test_request_context():
            assert render_template_string(source) == "red M"

    def test_globals_are_per_app(self, make_app: Callable[..., Flask], tmp_path: Path) -> None:
        """Each app's globals read that app's flags even when rendered from another app's context."""
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"banner": {"enabled": False}}))
        first, second = make_app(), make_app(APPCONFIG_FILE=str(other))
        with first.app_context():
            template = second.jinja_env.from_string("{{ flag_enabled('banner') }}")
            assert template.render() == "False"

    def test_other_apps_template_in_a_request(
        self, make_app: Callable[..., Flask], tmp_path: Path
    ) -> None:
        """In one app's request, another app's template reads its own app's flags, and the
        request's own view stays the first app's."""
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"banner": {"enabled": False}}))
        first, second = make_app(), make_app(APPCONFIG_FILE=str(other))
        with first.test_request_context():
            assert second.jinja_env.from_string(PAGE).render() == "no sale"
            assert render_template_string(PAGE) == "<b>sale</b>"
            assert current_flags.is_enabled("banner")


class TestLiveFlip:
    def test_file_change_is_rendered_without_restart(self, app: Flask, flags_file: Path) -> None:
        """After the flags file changes, the next request renders the other branch."""

        @app.route("/")
        def index() -> str:
            return render_template_string(PAGE)

        client = app.test_client()
        assert client.get("/").data == b"<b>sale</b>"
        with next_change(app.extensions["appconfig"].get_client(app)):
            write_document(flags_file, stored({"banner": {"enabled": False}}))
        assert client.get("/").data == b"no sale"

    def test_flip_in_the_local_appconfig_server_over_a_real_server(
        self, make_app: Callable[..., Flask], devserver: object, aws_env: None
    ) -> None:
        """A flag flipped in the local AppConfig server shows on a page served over HTTP."""
        root: Path = devserver.root  # type: ignore[attr-defined]
        profile = root / "shop:prod:web.featureflags.json"
        profile.write_text(json.dumps(stored({"banner": {"enabled": True}})))
        app = make_app(
            APPCONFIG_SOURCE="appconfig",
            APPCONFIG_APPLICATION="shop",
            APPCONFIG_ENVIRONMENT="prod",
            APPCONFIG_PROFILE="web",
            APPCONFIG_ENDPOINT_URL=devserver.url,  # type: ignore[attr-defined]
            APPCONFIG_REGION="us-east-1",
            APPCONFIG_POLL_INTERVAL=None,
        )

        @app.route("/")
        def index() -> str:
            return render_template_string(PAGE)

        def fetch(url: str) -> str:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                body: bytes = response.read()
            return body.decode()

        with serve(app) as url:
            assert fetch(url) == "<b>sale</b>"
            # The local server asks for a poll every second: allow one interval plus slack.
            with next_change(app.extensions["appconfig"].get_client(app), timeout=3.0):
                write_document(profile, stored({"banner": {"enabled": False}}))
            assert fetch(url) == "no sale"

"""The ``appconfig`` template library, rendered by Django's template engine."""

from __future__ import annotations

import logging

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory

from appconfig_core import FlagsView
from django_appconfig import get_client
from django_appconfig.templatetags import appconfig as appconfig_tags

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees its own first warning: the tags warn once per place per process."""
    monkeypatch.setattr(appconfig_tags, "_warned", set())


def render(source: str, context: dict[str, object] | None = None) -> str:
    return Template("{% load appconfig %}" + source).render(Context(context or {}))


class TestFlagBlock:
    def test_page_follows_the_flags(self, flags_file: FlagsFile, client: Client) -> None:
        """A served page shows the branch each flag selects, and the other after a flip."""
        html = client.get("/page/").content.decode()
        assert "NEW CHECKOUT" in html
        assert "LIGHT" in html
        assert "color=green" in html
        assert "PROCESSOR ON" in html
        flags_file.set_value("new_checkout", enabled=False, color="grey")
        flags_file.set_value("dark_mode", enabled=True)
        html = client.get("/page/").content.decode()
        assert "OLD CHECKOUT" in html
        assert "DARK" in html
        assert "color=" in html
        assert "PROCESSOR ON" not in html

    def test_renders_without_a_request(self, flags_file: FlagsFile) -> None:
        """Without ``request`` (e-mails, PDFs) the client's snapshot and an empty context answer."""
        assert render('{% flag "new_checkout" %}on{% else %}off{% endflag %}') == "on"
        assert render('{% flag "vip" %}on{% else %}off{% endflag %}') == "off"

    def test_else_is_optional(self, flags_file: FlagsFile) -> None:
        """Without ``{% else %}`` an off flag renders nothing."""
        assert render('[{% flag "dark_mode" %}on{% endflag %}]') == "[]"

    def test_variable_name(self, flags_file: FlagsFile) -> None:
        """A variable holding a flag name is resolved."""
        source = "{% flag which %}on{% else %}off{% endflag %}"
        assert render(source, {"which": "new_checkout"}) == "on"
        assert render(source, {"which": "dark_mode"}) == "off"

    def test_unquoted_word_is_a_variable(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An unquoted name is a variable, as in Jinja: missing, it renders else and warns once."""
        template = Template(
            "{% load appconfig %}{% flag new_checkout %}on{% else %}off{% endflag %}"
        )
        with caplog.at_level(logging.WARNING, logger="django_appconfig"):
            assert template.render(Context({})) == "off"
            assert template.render(Context({})) == "off"
        assert [
            "template <unknown source>, line 1: the flag name variable 'new_checkout' is missing"
            " or None, not a flag name; the flag reads as off"
        ] == [r.getMessage() for r in caplog.records if "flag name" in r.getMessage()]

    @pytest.mark.parametrize(("value", "held"), [(3, "of type int"), ("", "an empty string")])
    def test_variable_holding_a_non_name(
        self, flags_file: FlagsFile, caplog: pytest.LogCaptureFixture, value: object, held: str
    ) -> None:
        """A variable holding a number or an empty string renders else with one warning, never raises."""
        source = "\n{% flag which %}on{% else %}off{% endflag %}"
        with caplog.at_level(logging.WARNING, logger="django_appconfig"):
            assert render(source, {"which": value}) == "\noff"
        [message] = [r.getMessage() for r in caplog.records if "flag name" in r.getMessage()]
        assert f"line 2: the flag name variable 'which' is {held}, not a flag name" in message
        assert "3" not in message.replace("line 2", "")

    @pytest.mark.parametrize(
        ("tag", "problem"),
        [
            (
                "{% flag 3 %}x{% endflag %}",
                "'flag' takes a flag name (a quoted string or a variable), not 3",
            ),
            ("{% flag True %}x{% endflag %}", "not True"),
            ("{% flag None %}x{% endflag %}", "not None"),
            ('{% flag "" %}x{% endflag %}', "not an empty string"),
            ("{% flag_value 2.5 'color' %}", "'flag_value' takes a flag name"),
            ("{% variant False %}", "'variant' takes a flag name"),
            ('{% flag ["x"] %}x{% endflag %}', "Could not parse"),
        ],
    )
    def test_literals_that_cannot_be_names_fail_to_compile(self, tag: str, problem: str) -> None:
        """Numbers, booleans, None, empty strings and lists are refused when the template compiles."""
        with pytest.raises(TemplateSyntaxError) as info:
            Template("{% load appconfig %}" + tag)
        assert problem in str(info.value)

    def test_uses_the_request_view(self, flags_file: FlagsFile) -> None:
        """With ``request.flags`` in the context, that pinned view answers (and memoises)."""
        request = RequestFactory().get("/")
        view = FlagsView(get_client().snapshot(), {"is_staff": True, "groups": ["beta"]})
        request.flags = view  # type: ignore[attr-defined]
        assert render('{% flag "vip" %}on{% endflag %}', {"request": request}) == "on"
        assert set(view.evaluated) == {"vip"}

    def test_missing_flag_is_off(self, flags_file: FlagsFile) -> None:
        """An unknown flag renders the else branch, never an error."""
        assert render('{% flag "nope" %}on{% else %}off{% endflag %}') == "off"

    def test_wrong_arity_is_a_syntax_error(self) -> None:
        """``{% flag %}`` with no name or two names fails at compile time with the usage."""
        with pytest.raises(TemplateSyntaxError, match="takes one flag name"):
            Template("{% load appconfig %}{% flag %}x{% endflag %}")
        with pytest.raises(TemplateSyntaxError, match="takes one flag name"):
            Template('{% load appconfig %}{% flag "a" "b" %}x{% endflag %}')
        with pytest.raises(TemplateSyntaxError, match="takes one flag name"):
            Template('{% load appconfig %}{% flag "new_checkout" "banner" %}x{% endflag %}')


class TestValueTags:
    def test_flag_value_attribute(self, flags_file: FlagsFile) -> None:
        """``flag_value`` prints an attribute, escaped, and nothing for a missing one."""
        assert render('{% flag_value "new_checkout" "color" %}') == "green"
        assert render('[{% flag_value "new_checkout" "size" %}]') == "[]"
        flags_file.set_value("new_checkout", enabled=True, color="<b>")
        assert render('{% flag_value "new_checkout" "color" %}') == "&lt;b&gt;"

    def test_flag_value_as_variable(self, flags_file: FlagsFile) -> None:
        """``as v`` stores the value instead of printing it."""
        source = '{% flag_value "new_checkout" "color" as c %}[{{ c }}]'
        assert render(source) == "[green]"

    def test_variant_as_variable(self, flags_file: FlagsFile) -> None:
        """``{% variant name as v %}`` stores the chosen variant."""
        request = RequestFactory().get("/")
        request.flags = FlagsView(get_client().snapshot(), {"is_staff": True})  # type: ignore[attr-defined]
        source = '{% variant "vip" as v %}{{ v }}'
        assert render(source, {"request": request}) == "staff"
        assert render(source) == "everyone"

    def test_value_tag_usage_errors(self) -> None:
        """Too many arguments fail at compile time with the usage."""
        with pytest.raises(TemplateSyntaxError, match="flag_value"):
            Template('{% load appconfig %}{% flag_value "a" "b" "c" %}')
        with pytest.raises(TemplateSyntaxError, match="variant"):
            Template('{% load appconfig %}{% variant "a" "b" %}')

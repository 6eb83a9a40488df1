"""The Jinja2 extension under Django's Jinja2 backend."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from jinja2 import TemplateSyntaxError

from appconfig_core import FlagsView
from appconfig_core.jinja import FLAG_TEST, FlagExtension
from django_appconfig import get_client
from tests.flask.conftest import DOCUMENT
from tests.flask.test_jinja import SHARED

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db


class TestFlagsExtension:
    def test_page_follows_the_flags(self, flags_file: FlagsFile, client: Client) -> None:
        """``{% flag %}`` and the ``flag_*`` globals follow a flag flipped in the served file."""
        html = client.get("/jinja/").content.decode()
        assert "NEW CHECKOUT" in html
        assert "LIGHT" in html
        assert "color=green" in html
        flags_file.set_value("new_checkout", enabled=False)
        flags_file.set_value("dark_mode", enabled=True)
        html = client.get("/jinja/").content.decode()
        assert "OLD CHECKOUT" in html
        assert "DARK" in html

    def test_renders_without_a_request(self, flags_file: FlagsFile) -> None:
        """Without a request the client's snapshot and an empty context answer."""
        template = engines["jinja2"].from_string(
            '{% flag name %}on{% else %}off{% endflag %}|{{ flag_variant("vip") }}'
        )
        assert template.render({"name": "new_checkout"}) == "on|everyone"
        assert template.render({"name": "dark_mode"}) == "off|everyone"

    def test_uses_the_request_view(self, flags_file: FlagsFile) -> None:
        """With ``request.flags`` in the context, its pinned context answers every tag and global."""
        request = RequestFactory().get("/")
        view = FlagsView(get_client().snapshot(), {"is_staff": True, "groups": ["beta"]})
        request.flags = view  # type: ignore[attr-defined]
        template = engines["jinja2"].from_string(
            '{% flag "vip" %}on{% else %}off{% endflag %}|{{ flag_enabled("vip") }}'
            '|{{ flag_variant("vip") }}|{{ flag_value("vip", "tier") }}'
        )
        assert template.render({"request": request}) == "on|True|beta-staff|gold"
        assert set(view.evaluated) == {"vip"}


class TestSharedExtension:
    def test_is_the_cores_extension(self) -> None:
        """Django's Jinja2 backend runs the core's one ``{% flag %}`` extension, Flask's too."""
        environment = engines["jinja2"].env  # type: ignore[attr-defined]
        assert any(isinstance(ext, FlagExtension) for ext in environment.extensions.values())
        assert FLAG_TEST in environment.tests

    def test_refuses_what_flask_refuses(self) -> None:
        """Two names or a number fail to compile under Django's backend too."""
        for source in ('{% flag "a" "b" %}x{% endflag %}', "{% flag 3 %}x{% endflag %}"):
            with pytest.raises(TemplateSyntaxError, match="takes"):
                engines["jinja2"].from_string(source)

    def test_same_template_as_flask(self, flags_file: FlagsFile) -> None:
        """The template tests/flask/test_jinja.py renders gives the same output here."""
        flags_file.write(DOCUMENT)
        assert "on|off|red|pros-or-rest|True" == engines["jinja2"].from_string(SHARED).render()

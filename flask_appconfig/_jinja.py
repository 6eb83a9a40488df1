"""Jinja: the ``{% flag %}`` block and the ``flag_enabled`` / ``flag_value`` globals.

``{% flag "name" %}on{% else %}off{% endflag %}``: the name is any expression (a literal or
a variable). In a request the block reads the request's pinned view, so a page cannot show
one flag both on and off; elsewhere (an e-mail rendered by a job) it reads the current
snapshot with an empty context.
"""

from __future__ import annotations

import weakref
from typing import Any

from flask import Flask
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from appconfig_core import FlagsView

from ._state import view_for

_APP_ATTRIBUTE = "appconfig_app"


class FlagExtension(Extension):
    """The ``{% flag name %}...{% else %}...{% endflag %}`` block."""

    tags = {"flag"}  # noqa: RUF012 - the attribute Jinja reads

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        body = parser.parse_statements(("name:else", "name:endflag"))
        otherwise: list[nodes.Node] = []
        if next(parser.stream).test("name:else"):
            otherwise = parser.parse_statements(("name:endflag",), drop_needle=True)
        test = self.call_method("_is_enabled", [name], lineno=lineno)
        return nodes.If(test, body, [], otherwise, lineno=lineno)

    def _is_enabled(self, name: Any) -> bool:
        return _view(self.environment).is_enabled(str(name))


def _view(environment: Any) -> FlagsView:
    app_ref: weakref.ref[Flask] | None = getattr(environment, _APP_ATTRIBUTE, None)
    return view_for(app_ref() if app_ref is not None else None)


def install_jinja(app: Flask) -> None:
    """Add the ``{% flag %}`` extension and the globals to ``app``'s Jinja environment."""
    app_ref = weakref.ref(app)
    setattr(app.jinja_env, _APP_ATTRIBUTE, app_ref)
    app.jinja_env.add_extension(FlagExtension)

    def flag_enabled(name: str, default: bool = False) -> bool:
        """Whether flag ``name`` is on for this request."""
        return view_for(app_ref()).is_enabled(str(name), default)

    def flag_value(name: str, attribute: str | None = None, default: Any = None) -> Any:
        """An attribute of flag ``name`` (its value when ``attribute`` is omitted)."""
        return view_for(app_ref()).value(str(name), attribute, default)

    app.add_template_global(flag_enabled, "flag_enabled")
    app.add_template_global(flag_value, "flag_value")

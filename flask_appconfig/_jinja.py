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
from jinja2 import nodes, pass_context
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context

from ._state import view_for

#: The Jinja test each ``{% flag %}`` block compiles to. A test is called directly by the
#: compiled template, where a method call would go through `jinja2.runtime.Context.call`,
#: which costs as much again as reading the flag.
FLAG_TEST = "_appconfig_flag"


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
        test = nodes.Test(name, FLAG_TEST, [], [], None, None, lineno=lineno)
        return nodes.If(test, body, [], otherwise, lineno=lineno)


def install_jinja(app: Flask) -> None:
    """Add the ``{% flag %}`` extension, its test and the globals to ``app``'s Jinja environment."""
    app_ref = weakref.ref(app)

    # ``pass_context`` also keeps Jinja's optimizer from calling the test at compile time
    # for a literal name, which would freeze the flag's state into the compiled template.
    @pass_context
    def flag_test(_context: Context, name: Any) -> bool:
        return view_for(app_ref()).is_enabled(str(name))

    app.jinja_env.tests[FLAG_TEST] = flag_test
    app.jinja_env.add_extension(FlagExtension)

    def flag_enabled(name: str, default: bool = False) -> bool:
        """Whether flag ``name`` is on for this request."""
        return view_for(app_ref()).is_enabled(str(name), default)

    def flag_value(name: str, attribute: str | None = None, default: Any = None) -> Any:
        """An attribute of flag ``name`` (its value when ``attribute`` is omitted)."""
        return view_for(app_ref()).value(str(name), attribute, default)

    app.add_template_global(flag_enabled, "flag_enabled")
    app.add_template_global(flag_value, "flag_value")

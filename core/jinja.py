"""The Jinja ``{% flag %}`` block and ``flag_*`` globals, shared by Flask and Django's Jinja2 backend.

Only the adapters import this module (it needs Jinja; the rest of the core does not). Each
adapter subclasses `FlagExtension` and says where a render finds its flags by overriding
`FlagExtension.flags`; the parsing, the compiled form and the globals are the same in both:

    {% flag "new_checkout" %}...{% else %}...{% endflag %}
    {{ flag_enabled("beta") }}  {{ flag_value("banner", "color") }}  {{ flag_variant("vip") }}

The name is any expression (a literal or a variable).
"""

from __future__ import annotations

from typing import Any, Final

from jinja2 import nodes, pass_context
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context

from ._evaluation.view import FlagsView

#: The Jinja test each ``{% flag %}`` block compiles to. A test is called directly by the
#: compiled template, where a method call would go through `jinja2.runtime.Context.call`,
#: which costs as much again as reading the flag.
FLAG_TEST: Final = "_appconfig_flag"


class FlagExtension(Extension):
    """``{% flag name %}...{% else %}...{% endflag %}`` plus the ``flag_*`` globals.

    Subclasses implement `flags`; the extension registers its test and globals on the
    environment it is added to.
    """

    tags = {"flag"}  # noqa: RUF012 - the attribute Jinja reads

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        flags = self.flags

        # ``pass_context`` also keeps Jinja's optimizer from calling these at compile time
        # for a literal name, which would freeze a flag's state into the compiled template.
        @pass_context
        def flag_test(context: Context, name: Any) -> bool:
            return flags(context).is_enabled(str(name))

        @pass_context
        def flag_enabled(context: Context, name: str, default: bool = False) -> bool:
            """Whether flag ``name`` is on for this render; ``default`` when it cannot say."""
            return flags(context).is_enabled(str(name), default)

        @pass_context
        def flag_value(
            context: Context, name: str, attribute: str | None = None, default: Any = None
        ) -> Any:
            """An attribute of flag ``name`` (its value when ``attribute`` is omitted)."""
            return flags(context).value(str(name), attribute, default)

        @pass_context
        def flag_variant(context: Context, name: str) -> str | None:
            """The variant of flag ``name`` chosen for this render."""
            return flags(context).variant(str(name))

        environment.tests[FLAG_TEST] = flag_test
        environment.globals.update(
            flag_enabled=flag_enabled, flag_value=flag_value, flag_variant=flag_variant
        )

    def flags(self, context: Context) -> FlagsView:
        """The flags a render reads: the request's view in a request, else a detached one."""
        raise NotImplementedError(f"{type(self).__name__} must implement flags(context)")

    def parse(self, parser: Parser) -> nodes.Node:
        """``{% flag EXPR %}`` body ``[{% else %}`` body``]`` ``{% endflag %}`` → an ``if``."""
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        body = parser.parse_statements(("name:else", "name:endflag"))
        otherwise: list[nodes.Node] = []
        if next(parser.stream).test("name:else"):
            otherwise = parser.parse_statements(("name:endflag",), drop_needle=True)
        test = nodes.Test(name, FLAG_TEST, [], [], None, None, lineno=lineno)
        return nodes.If(test, body, [], otherwise, lineno=lineno)


__all__ = ["FLAG_TEST", "FlagExtension"]

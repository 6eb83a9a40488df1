"""The Jinja ``{% flag %}`` block and ``flag_*`` globals, shared by Flask and Django's Jinja2 backend.

Only the adapters import this module (it needs Jinja; the rest of the core does not). Each
adapter subclasses `FlagExtension` and says where a render finds its flags by overriding
`FlagExtension.flags`; the parsing, the compiled form and the globals are the same in both:

    {% flag "new_checkout" %}...{% else %}...{% endflag %}
    {{ flag_enabled("beta") }}  {{ flag_value("banner", "color") }}  {{ flag_variant("vip") }}

The name is a quoted string or any expression giving one (a variable, a concatenation). What
cannot be a flag name is refused when the template compiles, with a `TemplateSyntaxError`:
a second argument (``{% flag "a" "b" %}``, which Jinja would otherwise join into the name
``"ab"``), a literal that is not a non-empty string (``{% flag 3 %}``, ``{% flag ["x"] %}``).
A variable that holds anything but a non-empty string at render time (undefined, ``None``, a
number) renders the else branch, and the ``flag_*`` globals their default, with one WARNING
per template line (or global) naming the type, never the value: rendering never raises.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

from jinja2 import nodes, pass_context
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context, Undefined

from ._evaluation.view import FlagsView

log: logging.Logger = logging.getLogger("appconfig_core")

#: The Jinja test each ``{% flag %}`` block compiles to. A test is called directly by the
#: compiled template, where a method call would go through `jinja2.runtime.Context.call`,
#: which costs as much again as reading the flag.
FLAG_TEST: Final = "_appconfig_flag"
_USAGE: Final = '{% flag "name" %}...{% else %}...{% endflag %}'

_warned: set[tuple[str | None, object]] = set()
_warned_lock = threading.Lock()


def flag_name(context: Context, value: Any, where: object) -> str | None:
    """``value`` when it can name a flag; else None, after one WARNING per template and ``where``."""
    if isinstance(value, str) and value:
        return value
    key = (context.name, where)
    with _warned_lock:
        if key in _warned:
            return None
        _warned.add(key)
    if isinstance(value, Undefined):
        held = f"the undefined variable {value._undefined_name!r}"
    else:
        held = "an empty string" if isinstance(value, str) else f"of type {type(value).__name__}"
    shown = f"line {where}" if isinstance(where, int) else where
    log.warning(
        "template %s, %s: the flag name is %s, not a flag name; the flag reads as off",
        context.name or "<string>",
        shown,
        held,
    )
    return None


class FlagExtension(Extension):
    """``{% flag name %}...{% else %}...{% endflag %}`` plus the ``flag_*`` globals.

    Subclasses implement `flags`; the extension registers its test and globals on the
    environment it is added to.
    """

    tags: set[str] = {"flag"}  # noqa: RUF012 - the attribute Jinja reads

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        flags = self.flags

        # ``pass_context`` also keeps Jinja's optimizer from calling these at compile time
        # for a literal name, which would freeze a flag's state into the compiled template.
        @pass_context
        def flag_test(context: Context, name: Any, lineno: int = 0) -> bool:
            if name.__class__ is not str or not name:
                checked = flag_name(context, name, lineno)
                if checked is None:
                    return False
                name = checked
            return flags(context).is_enabled(name)

        @pass_context
        def flag_enabled(context: Context, name: str, default: bool = False) -> bool:
            """Whether flag ``name`` is on for this render; ``default`` when it cannot say."""
            checked = flag_name(context, name, "flag_enabled()")
            return default if checked is None else flags(context).is_enabled(checked, default)

        @pass_context
        def flag_value(
            context: Context, name: str, attribute: str | None = None, default: Any = None
        ) -> Any:
            """An attribute of flag ``name`` (its value when ``attribute`` is omitted)."""
            checked = flag_name(context, name, "flag_value()")
            return default if checked is None else flags(context).value(checked, attribute, default)

        @pass_context
        def flag_variant(context: Context, name: str) -> str | None:
            """The variant of flag ``name`` chosen for this render."""
            checked = flag_name(context, name, "flag_variant()")
            return None if checked is None else flags(context).variant(checked)

        environment.tests[FLAG_TEST] = flag_test
        environment.globals.update(
            flag_enabled=flag_enabled, flag_value=flag_value, flag_variant=flag_variant
        )

    def flags(self, context: Context) -> FlagsView:
        """The flags a render reads: the request's view in a request, else a detached one."""
        raise NotImplementedError(f"{type(self).__name__} must implement flags(context)")

    def parse(self, parser: Parser) -> nodes.Node:
        """``{% flag EXPR %}`` body ``[{% else %}`` body``]`` ``{% endflag %}`` → an ``if``."""
        stream = parser.stream
        lineno = next(stream).lineno
        if stream.current.type == "string" and stream.look().type == "string":
            parser.fail(f"{{% flag %}} takes one flag name, got two strings: {_USAGE}", lineno)
        name = parser.parse_expression()
        problem = _not_a_name(name)
        if problem:
            parser.fail(f"{{% flag %}} takes a flag name, not {problem}: {_USAGE}", lineno)
        if stream.current.type != "block_end":
            parser.fail(f"{{% flag %}} takes one flag name: {_USAGE}", stream.current.lineno)
        body = parser.parse_statements(("name:else", "name:endflag"))
        otherwise: list[nodes.Node] = []
        if next(parser.stream).test("name:else"):
            otherwise = parser.parse_statements(("name:endflag",), drop_needle=True)
        # A literal name was checked above; only an expression needs its line for a warning.
        line = [] if isinstance(name, nodes.Const) else [nodes.Const(lineno)]
        test = nodes.Test(name, FLAG_TEST, line, [], None, None, lineno=lineno)
        return nodes.If(test, body, [], otherwise, lineno=lineno)


def _not_a_name(node: nodes.Expr) -> str | None:
    """What a literal that cannot name a flag is; None for a string or an expression."""
    if isinstance(node, nodes.Const):
        if isinstance(node.value, str):
            return None if node.value else "an empty string"
        return "none" if node.value is None else f"the {type(node.value).__name__} {node.value!r}"
    if isinstance(node, nodes.List | nodes.Tuple | nodes.Dict):
        return f"a {type(node).__name__.lower()}"
    return None


__all__ = ["FLAG_TEST", "FlagExtension", "flag_name"]

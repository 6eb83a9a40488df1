"""A Jinja2 extension for Django's Jinja2 backend: the same ``{% flag %}`` block.

    TEMPLATES = [{"BACKEND": "django.template.backends.jinja2.Jinja2",
                  "OPTIONS": {"extensions": ["django_appconfig.jinja2.FlagsExtension"]}}]

Then ``{% flag "name" %}...{% else %}...{% endflag %}`` and the globals
``flag_enabled(name)``, ``flag_value(name, attribute=None)`` and ``flag_variant(name)``.
The backend puts ``request`` in the context; without it the client's snapshot is read with
an empty context.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes, pass_context
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context

from appconfig_core import FlagsView

from ._flags import detached_flags


def flags_for(context: Context) -> FlagsView:
    """The request's flags when the context has a request with them, else a detached view."""
    flags = getattr(context.get("request"), "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    return detached_flags()


@pass_context
def flag_enabled(context: Context, name: str) -> bool:
    """Whether flag ``name`` is on for this render's request."""
    return flags_for(context).is_enabled(name)


@pass_context
def flag_value(context: Context, name: str, attribute: str | None = None) -> Any:
    """An attribute of flag ``name`` (its value when ``attribute`` is None)."""
    return flags_for(context).value(name, attribute)


@pass_context
def flag_variant(context: Context, name: str) -> str | None:
    """The variant of flag ``name`` chosen for this render's request."""
    return flags_for(context).variant(name)


class FlagsExtension(Extension):
    """``{% flag name %}...{% else %}...{% endflag %}`` plus the ``flag_*`` globals."""

    tags: set[str] = {"flag"}  # noqa: RUF012 - Jinja declares it a set

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            flag_enabled=flag_enabled, flag_value=flag_value, flag_variant=flag_variant
        )

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        body = parser.parse_statements(("name:else", "name:endflag"))
        otherwise: list[nodes.Node] = []
        if next(parser.stream).value == "else":
            otherwise = parser.parse_statements(("name:endflag",), drop_needle=True)
        test = self.call_method("_enabled", [nodes.ContextReference(), name], lineno=lineno)
        return nodes.If(test, body, [], otherwise, lineno=lineno)

    def _enabled(self, context: Context, name: str) -> bool:
        enabled: bool = flags_for(context).is_enabled(name)
        return enabled

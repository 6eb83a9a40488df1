"""``{% load appconfig %}``: ``{% flag %}``, ``{% flag_value %}``, ``{% variant %}`` and
``{% flags_json %}``.

A flag name is a quoted string or a template variable, as in Jinja: an unquoted word is a
variable. A literal that cannot be a name (``3``, ``True``, ``""``) or a second argument is a
`TemplateSyntaxError` when the template compiles. A variable that is missing or holds anything
but a non-empty string renders the else branch (and an empty value), with one WARNING per
template line naming the type, never the value: rendering never raises. With ``request.flags`` in the context the request's view is used; without a request
(e-mails, PDFs, management commands) the client's current snapshot and an empty context.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

from django import template
from django.template.base import (
    FilterExpression,
    NodeList,
    Parser,
    Token,
    Variable,
    render_value_in_context,
)
from django.template.context import Context
from django.utils.html import json_script
from django.utils.safestring import SafeString

from appconfig_core import FlagsView
from appconfig_core.integration import BROWSER_ELEMENT_ID
from django_appconfig._browser import payload
from django_appconfig._flags import detached_flags

register: template.Library = template.Library()
log: logging.Logger = logging.getLogger("django_appconfig")

#: Words Django resolves to constants, never to a variable: no flag name can come from them.
_CONSTANTS: Final = frozenset({"True", "False", "None"})
_warned: set[tuple[str, int | None, str]] = set()
_warned_lock = threading.Lock()

_DETACHED = "django_appconfig.flags"


def context_flags(context: Context) -> FlagsView:
    """The request's flags, else the ``flags`` context processor's, else a detached view."""
    request = context.get("request")
    flags = getattr(request, "flags", None)
    if isinstance(flags, FlagsView):
        return flags
    flags = context.get("flags")
    if isinstance(flags, FlagsView):
        return flags
    flags = context.render_context.get(_DETACHED)
    if flags is None:
        flags = context.render_context[_DETACHED] = detached_flags()
    assert isinstance(flags, FlagsView)
    return flags


class FlagName:
    """A flag name given as a quoted string or a variable; refuses other literals."""

    def __init__(self, parser: Parser, token: Token, bit: str) -> None:
        self.bit = bit
        self.lineno: int | None = getattr(token, "lineno", None)
        tag = token.split_contents()[0]
        self.expression: FilterExpression = parser.compile_filter(bit)
        problem = None if self.expression.filters else _not_a_name(self.expression.var, bit)
        if problem:
            raise template.TemplateSyntaxError(
                f"{tag!r} takes a flag name (a quoted string or a variable), not {problem}"
            )

    def resolve(self, context: Context) -> str | None:
        """The name, or None (after one WARNING per template line) when it is not a string."""
        value = self.expression.resolve(context, ignore_failures=True)
        if isinstance(value, str) and value:
            return value
        origin = getattr(context.template, "origin", None)
        where = str(getattr(origin, "name", None) or "<string>")
        key = (where, self.lineno, self.bit)
        with _warned_lock:
            if key in _warned:
                return None
            _warned.add(key)
        if value is None:
            held = "missing or None"
        else:
            held = "an empty string" if value == "" else f"of type {type(value).__name__}"
        log.warning(
            "template %s, line %s: the flag name variable %r is %s, not a flag name;"
            " the flag reads as off",
            where,
            self.lineno or "?",
            self.bit,
            held,
        )
        return None


def _not_a_name(var: Any, bit: str) -> str | None:
    """What a literal that cannot name a flag is; None for a string or a variable."""
    if isinstance(var, Variable):
        return bit if bit in _CONSTANTS or var.literal is not None else None
    return None if var else "an empty string"


class FlagNode(template.Node):
    """``{% flag name %}...{% else %}...{% endflag %}``."""

    child_nodelists: tuple[str, ...] = ("nodelist_on", "nodelist_off")

    def __init__(self, name: FlagName, nodelist_on: NodeList, nodelist_off: NodeList) -> None:
        self.name = name
        self.nodelist_on = nodelist_on
        self.nodelist_off = nodelist_off

    def render(self, context: Context) -> str:
        name = self.name.resolve(context)
        if name is not None and context_flags(context).is_enabled(name):
            return self.nodelist_on.render(context)
        return self.nodelist_off.render(context)


@register.tag("flag")
def do_flag(parser: Parser, token: Token) -> FlagNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            f'{bits[0]!r} takes one flag name: {{% flag "name" %}}...{{% endflag %}}'
        )
    name = FlagName(parser, token, bits[1])
    nodelist_on = parser.parse(("else", "endflag"))
    nodelist_off = NodeList()
    if parser.next_token().contents == "else":
        nodelist_off = parser.parse(("endflag",))
        parser.delete_first_token()
    return FlagNode(name, nodelist_on, nodelist_off)


class ValueNode(template.Node):
    """``{% flag_value name ["attribute"] [as var] %}`` and ``{% variant name [as var] %}``."""

    def __init__(
        self,
        name: FlagName,
        attribute: FilterExpression | None,
        target: str | None,
        *,
        variant: bool,
    ) -> None:
        self.name = name
        self.attribute = attribute
        self.target = target
        self.variant = variant

    def render(self, context: Context) -> str:
        flags = context_flags(context)
        name = self.name.resolve(context)
        value: Any
        if name is None:
            value = None
        elif self.variant:
            value = flags.variant(name)
        else:
            attribute = None if self.attribute is None else self.attribute.resolve(context)
            value = flags.value(name, attribute)
        if self.target is not None:
            context[self.target] = value
            return ""
        if value is None:
            return ""
        return render_value_in_context(value, context)


def _value_tag(parser: Parser, token: Token, *, variant: bool) -> ValueNode:
    bits = token.split_contents()
    tag, args = bits[0], bits[1:]
    target = None
    if len(args) >= 2 and args[-2] == "as":
        target, args = args[-1], args[:-2]
    most = 1 if variant else 2
    if not 1 <= len(args) <= most:
        usage = (
            '{% variant "name" [as var] %}'
            if variant
            else '{% flag_value "name" ["attribute"] [as var] %}'
        )
        raise template.TemplateSyntaxError(f"{tag!r} usage: {usage}")
    attribute = parser.compile_filter(args[1]) if len(args) == 2 else None
    return ValueNode(FlagName(parser, token, args[0]), attribute, target, variant=variant)


@register.tag("flag_value")
def do_flag_value(parser: Parser, token: Token) -> ValueNode:
    return _value_tag(parser, token, variant=False)


@register.tag("variant")
def do_variant(parser: Parser, token: Token) -> ValueNode:
    return _value_tag(parser, token, variant=True)


@register.simple_tag(takes_context=True)
def flags_json(context: Context, element_id: str = BROWSER_ELEMENT_ID) -> SafeString:
    """``{% flags_json %}``: the ``BROWSER_FLAGS`` answers in a ``<script type="application/json">``.

    Page code reads them with ``JSON.parse(document.getElementById("appconfig-flags")
    .textContent)``; ``<``, ``>`` and ``&`` are escaped, so no value can close the element.
    """
    return json_script(payload(context_flags(context)), element_id)

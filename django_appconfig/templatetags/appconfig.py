"""``{% load appconfig %}``: ``{% flag %}``, ``{% flag_value %}``, ``{% variant %}`` and
``{% flags_json %}``.

A flag name is a quoted literal or a template variable; a bare word that is not a variable
holding a string is taken as the name itself, so ``{% flag new_checkout %}`` reads as it
looks. With ``request.flags`` in the context the request's view is used; without a request
(e-mails, PDFs, management commands) the client's current snapshot and an empty context.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, render_value_in_context
from django.template.context import Context
from django.utils.html import json_script
from django.utils.safestring import SafeString

from appconfig_core import FlagsView
from appconfig_core.integration import BROWSER_ELEMENT_ID
from django_appconfig._browser import payload
from django_appconfig._flags import detached_flags

register: template.Library = template.Library()

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
    """A flag name given as a literal, a variable, or a bare word."""

    def __init__(self, parser: Parser, bit: str) -> None:
        self.bit = bit
        self.expression: FilterExpression = parser.compile_filter(bit)

    def resolve(self, context: Context) -> str:
        value = self.expression.resolve(context, ignore_failures=True)
        if isinstance(value, str) and value:
            return value
        if self.bit.isidentifier():
            return self.bit
        raise template.TemplateSyntaxError(
            f"flag name {self.bit!r} resolved to {value!r}, not a flag name"
        )


class FlagNode(template.Node):
    """``{% flag name %}...{% else %}...{% endflag %}``."""

    child_nodelists: tuple[str, ...] = ("nodelist_on", "nodelist_off")

    def __init__(self, name: FlagName, nodelist_on: NodeList, nodelist_off: NodeList) -> None:
        self.name = name
        self.nodelist_on = nodelist_on
        self.nodelist_off = nodelist_off

    def render(self, context: Context) -> str:
        if context_flags(context).is_enabled(self.name.resolve(context)):
            return self.nodelist_on.render(context)
        return self.nodelist_off.render(context)


@register.tag("flag")
def do_flag(parser: Parser, token: Token) -> FlagNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            f'{bits[0]!r} takes one flag name: {{% flag "name" %}}...{{% endflag %}}'
        )
    nodelist_on = parser.parse(("else", "endflag"))
    nodelist_off = NodeList()
    if parser.next_token().contents == "else":
        nodelist_off = parser.parse(("endflag",))
        parser.delete_first_token()
    return FlagNode(FlagName(parser, bits[1]), nodelist_on, nodelist_off)


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
        if self.variant:
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
    return ValueNode(FlagName(parser, args[0]), attribute, target, variant=variant)


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

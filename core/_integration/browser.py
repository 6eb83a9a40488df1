"""Flags for the browser: the allow-listed answers a page's JavaScript may read.

Both adapters serve the same payload, as an endpoint (JSON, ``Cache-Control: private,
no-store``) and as a ``<script type="application/json">`` element a template embeds, so
front-end code reads the answers the server used for this very request:

    {"version": "7", "flags": {"new_checkout": {"enabled": true, "variant": null,
                                                "attributes": {"banner_text": "..."}}}}

Only the flags the ``BROWSER_FLAGS`` setting names are sent, and of each only the
attributes it lists: a flag's attributes may hold what no visitor should see.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from appconfig_core._evaluation.view import FlagsView

#: The ``id`` of the embedded element: ``document.getElementById("appconfig-flags")``.
ELEMENT_ID: Final = "appconfig-flags"
#: Answers differ per visitor and may be overridden for one browser: never stored by a cache.
CACHE_CONTROL: Final = "private, no-store"

#: Flag name -> the attribute names sent to the browser.
BrowserFlags = Mapping[str, tuple[str, ...]]


def browser_flags(setting: Any) -> dict[str, tuple[str, ...]]:
    """The allow-list a valid ``BROWSER_FLAGS`` setting describes; empty when it is unset.

    ``["a", "b"]`` sends the flags' state only; ``{"a": ["text"]}`` sends the ``text``
    attribute of ``a`` too.
    """
    if not setting:
        return {}
    if isinstance(setting, Mapping):
        return {name: tuple(attributes or ()) for name, attributes in setting.items()}
    return dict.fromkeys(setting, ())


def browser_payload(flags: FlagsView, allowed: BrowserFlags) -> dict[str, Any]:
    """The JSON-ready payload of ``allowed`` flags, as ``flags`` answers them.

    A flag missing from the document is sent as off, so page code always finds every name
    it was promised. Attribute values that JSON cannot hold (a YAML date) are sent as text.
    """
    answers: dict[str, Any] = {}
    for name, attribute_names in allowed.items():
        evaluation = flags.evaluate(name)
        attributes = evaluation.attributes
        answers[name] = {
            "enabled": flags.is_enabled(name),
            "variant": evaluation.variant,
            "attributes": {key: attributes[key] for key in attribute_names if key in attributes},
        }
    payload = {"version": flags.snapshot.version, "flags": answers}
    safe: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return safe


def browser_flags_problem(value: Any) -> tuple[str, str] | None:
    """The problem with a ``BROWSER_FLAGS`` setting, or None when it is fine."""
    hint = 'use a list of flag names, or {"flag": ["attribute", ...]} to send attributes too'
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Mapping | list | tuple):
        return f"must be a list or a dict of flag names, not {type(value).__name__}", hint
    for name in value:
        if not isinstance(name, str) or not name:
            return f"flag names must be non-empty strings, not {name!r}", hint
    if isinstance(value, Mapping):
        for name, attributes in value.items():
            if attributes is None:
                continue
            if isinstance(attributes, str) or not isinstance(attributes, list | tuple):
                return (
                    f"[{name!r}] must be a list of attribute names, not"
                    f" {type(attributes).__name__}",
                    hint,
                )
            for attribute in attributes:
                if not isinstance(attribute, str) or not attribute:
                    return (
                        f"[{name!r}] attribute names must be non-empty strings, not {attribute!r}",
                        hint,
                    )
    return None

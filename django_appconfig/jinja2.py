"""A Jinja2 extension for Django's Jinja2 backend: the same ``{% flag %}`` block as Flask's.

    TEMPLATES = [{"BACKEND": "django.template.backends.jinja2.Jinja2",
                  "OPTIONS": {"extensions": ["django_appconfig.jinja2.FlagsExtension"]}}]

Then ``{% flag "name" %}...{% else %}...{% endflag %}`` and the globals
``flag_enabled(name, default=False)``, ``flag_value(name, attribute=None, default=None)`` and
``flag_variant(name)`` (`appconfig_core.jinja`, shared with Flask). The backend puts
``request`` in the context; without it the client's snapshot is read with an empty context.
"""

from __future__ import annotations

from jinja2.runtime import Context

from appconfig_core import FlagsView
from appconfig_core.jinja import FlagExtension

from ._flags import detached_flags


class FlagsExtension(FlagExtension):
    """Reads ``request.flags`` when the render has a request, else a detached view."""

    def flags(self, context: Context) -> FlagsView:
        """The request's flags when the context has a request with them, else detached ones."""
        flags = getattr(context.get("request"), "flags", None)
        if isinstance(flags, FlagsView):
            return flags
        return detached_flags()

"""Jinja: the ``{% flag %}`` block and the ``flag_*`` globals (`appconfig_core.jinja`).

``{% flag "name" %}on{% else %}off{% endflag %}``: the name is any expression (a literal or
a variable). In a request the block reads the request's pinned view, so a page cannot show
one flag both on and off; elsewhere (an e-mail rendered by a job) it reads the current
snapshot with an empty context. The same extension serves Django's Jinja2 backend.
"""

from __future__ import annotations

from flask import Flask
from jinja2.runtime import Context

from appconfig_core import FlagsView
from appconfig_core.jinja import FlagExtension

from ._state import view_for


class FlaskFlagExtension(FlagExtension):
    """Reads the flags of the app whose Jinja environment renders the template."""

    def flags(self, context: Context) -> FlagsView:  # noqa: ARG002 - the app decides, not the context
        """The request's view in a request of this app, else a detached one."""
        app: Flask = self.environment.app  # type: ignore[attr-defined]
        return view_for(app)


def install_jinja(app: Flask) -> None:
    """Add the ``{% flag %}`` extension, its test and the globals to ``app``'s Jinja environment."""
    app.jinja_env.add_extension(FlaskFlagExtension)

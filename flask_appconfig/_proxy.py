"""`current_flags`: the flags of the current request, behind a `LocalProxy`."""

from __future__ import annotations

from typing import cast

from werkzeug.local import LocalProxy

from appconfig_core import FlagsView

from ._state import view_for


def _current_view() -> FlagsView:
    return view_for(None)


#: The current request's `~appconfig_core.FlagsView`: one snapshot and one context for the
#: whole request, each flag evaluated once (``is_enabled``, ``evaluate``, ``value``,
#: ``variant``, ``current_flags["name"]``, ``"name" in current_flags``). Outside a request
#: (CLI, shell, a job in an app context) each access reads the current snapshot with an
#: empty context.
current_flags: FlagsView = cast(FlagsView, LocalProxy(_current_view))

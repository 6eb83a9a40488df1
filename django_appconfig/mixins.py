"""`FlagRequiredMixin`: `flag_required` for class-based views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase

from ._flags import aflags_for, flags_for
from .decorators import refuse


class FlagRequiredMixin:
    """Serve the view only when ``flag_name`` is on; else 404 or ``flag_redirect_to``.

    Put it first among the bases. Works for sync views and for views whose handlers are
    ``async def``.
    """

    flag_name: str = ""
    flag_redirect_to: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not self.flag_name:
            raise AttributeError(f"{type(self).__name__} needs a flag_name = '...' class attribute")
        parent = super().dispatch  # type: ignore[misc]
        if getattr(type(self), "view_is_async", False):
            return self._adispatch(parent, request, *args, **kwargs)
        if not flags_for(request).is_enabled(self.flag_name):
            return refuse(self.flag_name, self.flag_redirect_to)
        return parent(request, *args, **kwargs)

    async def _adispatch(
        self, parent: Any, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        flags = await aflags_for(request)
        if not flags.is_enabled(self.flag_name):
            return refuse(self.flag_name, self.flag_redirect_to)
        response: HttpResponseBase = await parent(request, *args, **kwargs)
        return response

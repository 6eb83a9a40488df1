"""The ``flags`` template variable: ``{% if flags.new_checkout %}`` in any template."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ._flags import flags_for


def flags(request: HttpRequest) -> dict[str, Any]:
    """``flags``: the request's `FlagsView`, made only if a template reads it."""
    return {"flags": SimpleLazyObject(lambda: flags_for(request))}

"""A health view for load balancers: ``path("health/flags", django_appconfig.views.status)``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from appconfig_core import ConfigurationError
from appconfig_core._integration.report import status_payload

from ._client import get_client


@never_cache
@require_safe
def status(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 - a view
    """JSON ``ready``, ``origin``, ``version``, ``age_seconds``, ``last_error``...; 503 until ready."""
    try:
        body, code = status_payload(get_client())
    except ConfigurationError as error:
        body, code = {"ready": False, "origin": "defaults", "last_error": str(error)}, 503
    return JsonResponse(body, status=code)

"""A health view for load balancers: ``path("health/flags", django_appconfig.views.status)``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from appconfig_core import ConfigurationError
from appconfig_core.integration import status_report, unconfigured_report

from ._client import get_client


@never_cache
@require_safe
def status(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 - a view
    """The client's status as JSON (``health``, ``ready``, ``version``, ``age_seconds``...).

    200 while flags are served, degraded included (the last good flags still answer, so a
    load balancer should keep the instance); 503 when none are loaded or the settings are
    invalid, with the same keys and the reason in ``last_error``.
    """
    try:
        report = status_report(get_client().status)
    except ConfigurationError as error:
        report = unconfigured_report(str(error))
    return JsonResponse(dict(report.body), status=report.http_status)

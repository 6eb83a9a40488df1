"""A health view for load balancers: ``path("health/flags", django_appconfig.views.status)``,
and `browser_flags`, the request's allow-listed flags for front-end code.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from appconfig_core import ConfigurationError
from appconfig_core.integration import BROWSER_CACHE_CONTROL, status_report, unconfigured_report

from ._browser import allowed_browser_flags, payload
from ._client import get_client
from ._flags import flags_for


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


@require_safe
def browser_flags(request: HttpRequest) -> JsonResponse:
    """The request's ``BROWSER_FLAGS`` as JSON: ``{"version": ..., "flags": {name: {...}}}``.

    404 while the setting names no flag. ``Cache-Control: private, no-store``: the answers
    belong to this visitor (and to this browser's QA overrides).
    """
    if not allowed_browser_flags():
        raise Http404("APPCONFIG['BROWSER_FLAGS'] names no flag")
    response = JsonResponse(payload(flags_for(request)))
    response["Cache-Control"] = BROWSER_CACHE_CONTROL
    return response

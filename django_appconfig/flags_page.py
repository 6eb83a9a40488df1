"""The flags page for staff: ``path("appconfig/", include("django_appconfig.urls"))`` serves it
at ``appconfig/flags/`` (``{% url "appconfig:flags_page" %}``).

Read-only: every flag in the document's order with its description, deprecation and
variants, what the viewing staff member gets right now and why, and the client's status.
Flags change in AppConfig, never here. Staff only: anyone else signed in gets 403, and a
visitor is sent to log in (the admin's login page when the admin is installed).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template import Context, Engine, Template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from appconfig_core.integration import FLAGS_PAGE_TEMPLATE, flags_page

from ._client import get_client
from ._flags import flags_for


@cache
def _template() -> Template:
    # A standalone engine: the page renders whatever TEMPLATES the project configures.
    return Engine(autoescape=True).from_string(FLAGS_PAGE_TEMPLATE)


@never_cache
@require_safe
def view(request: HttpRequest) -> HttpResponse:
    """The page for a staff member; 403 for other users, the login page for visitors."""
    user = getattr(request, "user", None)
    if not (user is not None and user.is_active and user.is_staff):
        if user is not None and user.is_authenticated:
            raise PermissionDenied("the flags page is for staff")
        login = "admin:login" if apps.is_installed("django.contrib.admin") else settings.LOGIN_URL
        # Not django.contrib.auth's redirect_to_login: importing it needs the auth app.
        query = urlencode({"next": request.get_full_path()}, safe="/")
        return HttpResponseRedirect(f"{resolve_url(login)}?{query}")
    page = flags_page(get_client(), flags_for(request))
    response = HttpResponse(_template().render(Context({"page": page})))
    response["Cache-Control"] = "private, no-store"
    return response

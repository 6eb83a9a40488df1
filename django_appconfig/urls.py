"""``path("appconfig/", include("django_appconfig.urls"))``: the app's own URLs.

- ``flags.json`` (``appconfig:browser_flags``): the request's ``BROWSER_FLAGS`` for
  front-end code (docs/django.md, "Flags in the browser").
- ``flags/`` (``appconfig:flags_page``): the read-only flags page for staff
  (docs/django.md, "The flags page").
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import flags_page, views

app_name = "appconfig"

urlpatterns: list[URLPattern] = [
    path("flags.json", views.browser_flags, name="browser_flags"),
    path("flags/", flags_page.view, name="flags_page"),
]

"""``path("appconfig/", include("django_appconfig.urls"))``: the app's own URLs.

- ``flags.json`` (``appconfig:browser_flags``): the request's ``BROWSER_FLAGS`` for
  front-end code (docs/django.md, "Flags in the browser").
"""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "appconfig"

urlpatterns = [
    path("flags.json", views.browser_flags, name="browser_flags"),
]

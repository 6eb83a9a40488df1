"""The shop's pages, the flags status page, the JSON health check for load balancers, and
the library's staff flags page."""

from django.urls import include, path
from shop import views

import django_appconfig.views

urlpatterns = [
    path("", views.products, name="products"),
    path("checkout/", views.checkout, name="checkout"),
    path("gift-cards/", views.gift_cards, name="gift_cards"),
    path("flags/", views.flag_status, name="flag_status"),
    path("health/flags", django_appconfig.views.status, name="flags_health"),
    # The library's own pages: appconfig/flags/ is the read-only flags page for staff.
    path("appconfig/", include("django_appconfig.urls")),
]

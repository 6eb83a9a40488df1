"""The shop's pages, the flags status page, and the JSON health check for load balancers."""

from django.urls import path
from shop import views

import django_appconfig.views

urlpatterns = [
    path("", views.products, name="products"),
    path("checkout/", views.checkout, name="checkout"),
    path("gift-cards/", views.gift_cards, name="gift_cards"),
    path("flags/", views.flag_status, name="flag_status"),
    path("health/flags", django_appconfig.views.status, name="flags_health"),
]

from __future__ import annotations

from django.urls import include, path

from django_appconfig.views import status

from . import views

urlpatterns = [
    path("page/", views.page, name="page"),
    path("jinja/", views.jinja_page),
    path("context/", views.context_view),
    path("async/", views.async_flags),
    path("checkout/", views.checkout),
    path("dark/", views.dark),
    path("async-checkout/", views.async_checkout),
    path("class/checkout/", views.CheckoutView.as_view()),
    path("class/dark/", views.DarkView.as_view()),
    path("class/async-checkout/", views.AsyncCheckoutView.as_view()),
    path("class/async-dark/", views.AsyncDarkView.as_view()),
    path("health/flags", status),
    path("variant/<str:name>/", views.variant_view),
    path("flag/<str:name>/", views.flag_view),
    path("browser/", views.browser_page),
    path("appconfig/", include("django_appconfig.urls")),
]

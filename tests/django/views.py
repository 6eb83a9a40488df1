"""Views of the test project, one per way of reading flags."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from django_appconfig.decorators import flag_required
from django_appconfig.mixins import FlagRequiredMixin


def page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/page.html", {"dynamic_name": "dark_mode"})


def jinja_page(request: HttpRequest) -> HttpResponse:
    return render(request, "page.jinja", using="jinja2")


def context_view(request: HttpRequest) -> JsonResponse:
    flags = request.flags  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "vip": flags.is_enabled("vip"),
            "version": flags.snapshot.version,
            "context_keys": sorted(flags.context),
        }
    )


async def async_flags(request: HttpRequest) -> JsonResponse:
    flags = request.flags  # type: ignore[attr-defined]
    return JsonResponse({"new_checkout": flags["new_checkout"], "vip": flags["vip"]})


@flag_required("new_checkout")
def checkout(request: HttpRequest) -> HttpResponse:
    return HttpResponse("checkout")


@flag_required("dark_mode", redirect_to="page")
def dark(request: HttpRequest) -> HttpResponse:
    return HttpResponse("dark")


@flag_required("new_checkout")
async def async_checkout(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async checkout")


class CheckoutView(FlagRequiredMixin, View):
    flag_name = "new_checkout"

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class checkout")


class DarkView(FlagRequiredMixin, View):
    flag_name = "dark_mode"
    flag_redirect_to = "/page/"

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class dark")


class AsyncCheckoutView(FlagRequiredMixin, View):
    flag_name = "new_checkout"

    async def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("async class checkout")


class AsyncDarkView(FlagRequiredMixin, View):
    flag_name = "dark_mode"
    flag_redirect_to = "/page/"

    async def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("async class dark")


def variant_view(request: HttpRequest, name: str) -> JsonResponse:
    evaluation = request.flags.evaluate(name)  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "enabled": evaluation.enabled,
            "variant": evaluation.variant,
            "attributes": dict(evaluation.attributes),
        }
    )


def flag_view(request: HttpRequest, name: str) -> JsonResponse:
    """One flag as the request's view answers it, with what QA overrides it carries."""
    flags = request.flags  # type: ignore[attr-defined]
    evaluation = flags.evaluate(name)
    return JsonResponse(
        {
            "enabled": evaluation.enabled,
            "variant": evaluation.variant,
            "reason": evaluation.reason,
            "overridden": sorted(flags.overrides),
        }
    )


def browser_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/browser.html")

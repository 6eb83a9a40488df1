"""The shop's pages. Flags are read through ``flags_for(request)`` (one snapshot per request)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from django_appconfig import flags_for, get_client
from django_appconfig.decorators import flag_required

from . import catalog
from .flags import flag_rows, visitor_name


def visitor(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the visitor's name for the page header."""
    return {"visitor": visitor_name(request)}


def products(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/products.html",
        {"products": catalog.PRODUCTS, "recommended": catalog.recommended()},
    )


def checkout(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/checkout.html",
        {"cart": catalog.CART, "total": catalog.cart_total(), "ordered": request.method == "POST"},
    )


@flag_required("gift_cards")
def gift_cards(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/gift_cards.html", {"amounts": (25, 50, 100)})


def flag_status(request: HttpRequest) -> HttpResponse:
    flags = flags_for(request)
    return render(
        request,
        "shop/status.html",
        {
            "rows": flag_rows(flags),
            "snapshot": flags.snapshot,
            "status": get_client().status,
        },
    )

"""The shop's pages. Flags are read from ``current_flags`` (one snapshot per request)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, session

from flask_appconfig import current_flags, flag_required

from . import catalog, flags
from .visitors import flag_rows, visitor_name

shop = Blueprint("shop", __name__)


@shop.before_app_request
def remember_visitor() -> None:
    """``?user=NAME`` signs the visitor in as NAME; ``?user=`` (empty) signs them out."""
    if "user" in request.args:
        name = request.args["user"].strip()[:64]
        if name:
            session["user"] = name
        else:
            session.pop("user", None)


@shop.app_context_processor
def visitor() -> dict[str, Any]:
    return {"visitor": visitor_name()}


@shop.route("/")
def products() -> str:
    return render_template(
        "products.html",
        products=catalog.PRODUCTS,
        recommended=catalog.recommended(),
        recs_variant=current_flags.variant("recommendations"),
    )


@shop.route("/checkout/", methods=["GET", "POST"])
def checkout() -> str:
    return render_template(
        "checkout.html",
        cart=catalog.CART,
        total=catalog.cart_total(),
        ordered=request.method == "POST",
    )


@shop.route("/gift-cards/")
@flag_required("gift_cards")
def gift_cards() -> str:
    return render_template("gift_cards.html", amounts=(25, 50, 100))


@shop.route("/flags/")
def flag_status() -> str:
    return render_template(
        "status.html",
        rows=flag_rows(current_flags),
        snapshot=current_flags.snapshot,
        status=flags.get_client().status,
    )

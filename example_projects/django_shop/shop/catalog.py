"""The products on sale; a real shop would keep them in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    blurb: str
    price: Decimal
    colour: str


PRODUCTS = (
    Product(
        "kettle", "Stovetop kettle", "Enamelled steel, 1.5 litres.", Decimal("39.00"), "#d9822b"
    ),
    Product("mug", "Stoneware mug", "Hand-glazed, 350 ml.", Decimal("14.50"), "#4a7c9d"),
    Product("grinder", "Burr grinder", "Forty grind settings.", Decimal("89.00"), "#5b5b5b"),
    Product("beans", "House beans", "Medium roast, 500 g.", Decimal("16.00"), "#7a4b2a"),
    Product(
        "teapot", "Cast-iron teapot", "Keeps tea hot for an hour.", Decimal("54.00"), "#2f5d50"
    ),
    Product("towel", "Linen tea towel", "Stonewashed, 50 x 70 cm.", Decimal("12.00"), "#b0a48a"),
)

#: What the checkout page shows as the visitor's cart.
CART = ((PRODUCTS[0], 1), (PRODUCTS[1], 2))


def cart_total() -> Decimal:
    return sum((product.price * count for product, count in CART), Decimal("0"))


def recommended() -> tuple[Product, ...]:
    return PRODUCTS[2:5]

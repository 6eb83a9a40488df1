"""Overrides name flags too; their keys count as references."""

from django_appconfig.testing import override_flags


@override_flags({"new_checkout": True, "gift_cards": True})
def checkout_case() -> None:
    assert True

"""The shop app: ``ready()`` connects the flag-change receiver and does nothing else."""

from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - importing connects the receiver

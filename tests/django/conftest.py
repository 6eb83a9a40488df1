"""Fixtures for the Django app: a flags file the test edits, served through the real client."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from django_appconfig import get_client
from django_appconfig._client import reset_client
from django_appconfig.signals import config_changed

WAIT = 10.0

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {
        "new_checkout": {
            "name": "New checkout",
            "attributes": {"color": {"constraints": {"type": "string"}}},
        },
        "dark_mode": {"name": "Dark mode"},
        "vip": {"name": "VIP", "attributes": {"tier": {"constraints": {"type": "string"}}}},
    },
    "values": {
        "new_checkout": {"enabled": True, "color": "green"},
        "dark_mode": {"enabled": False},
        "vip": {
            "_variants": [
                {
                    "name": "beta-staff",
                    "enabled": True,
                    "rule": '(and (eq $is_staff true) (contains $groups "beta"))',
                    "attributeValues": {"tier": "gold"},
                },
                {"name": "staff", "enabled": True, "rule": "(eq $is_staff true)"},
                {"name": "everyone", "enabled": False},
            ]
        },
    },
}


class FlagsFile:
    """The flags file the process client reads; `write` returns once the client loaded it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.document: dict[str, Any] = {}

    def write(self, document: dict[str, Any], *, wait: bool = True) -> None:
        """Replace the file's content and wait (bounded) until the client swapped it in."""
        loaded = threading.Event()

        def receiver(**kwargs: Any) -> None:
            loaded.set()

        if wait:
            get_client()
            config_changed.connect(receiver, weak=False)
        try:
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(document))
            os.replace(temporary, self.path)
            self.document = document
            if wait:
                assert loaded.wait(WAIT), "the client did not load the new flags file"
        finally:
            config_changed.disconnect(receiver)

    def set_value(self, name: str, **value: Any) -> None:
        """Change one flag's value in the stored form and wait until it is loaded."""
        document = json.loads(json.dumps(self.document))
        document["values"][name] = value
        self.write(document)


@pytest.fixture
def flags_file(tmp_path: Path, settings: Any) -> Iterator[FlagsFile]:
    """APPCONFIG pointed at a fresh file holding `STORED`; the client closed afterwards."""
    path = tmp_path / "flags.json"
    path.write_text(json.dumps(STORED))
    file = FlagsFile(path)
    file.document = json.loads(json.dumps(STORED))
    settings.APPCONFIG = {
        "SOURCE": "file",
        "FILE": str(path),
        "POLL_INTERVAL": 0.05,
        "START_TIMEOUT": 5.0,
    }
    yield file
    reset_client()


def async_get(client: Any, path: str) -> Any:
    """GET ``path`` through Django's AsyncClient from sync test code (Django 4.2 and 5.x)."""
    from asgiref.sync import async_to_sync

    async def get() -> Any:
        return await client.get(path)

    return async_to_sync(get)()

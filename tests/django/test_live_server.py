"""A real running server (pytest-django's ``live_server``) following a flipped flag."""

from __future__ import annotations

from typing import Any
from urllib.request import urlopen

import pytest

from .conftest import FlagsFile


def fetch(url: str) -> str:
    with urlopen(url, timeout=10) as response:
        body: bytes = response.read()
    return body.decode()


@pytest.mark.django_db(transaction=True)
class TestLiveServer:
    def test_pages_follow_the_file(self, flags_file: FlagsFile, live_server: Any) -> None:
        """Pages served over real HTTP switch branches once the file's change is loaded."""
        html = fetch(f"{live_server.url}/page/")
        assert "NEW CHECKOUT" in html
        assert "LIGHT" in html
        flags_file.set_value("new_checkout", enabled=False)
        flags_file.set_value("dark_mode", enabled=True)
        html = fetch(f"{live_server.url}/page/")
        assert "OLD CHECKOUT" in html
        assert "DARK" in html
        assert '"ready": true' in fetch(f"{live_server.url}/health/flags")

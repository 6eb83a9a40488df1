"""The app under test reads the example flags file, so the tests need no AppConfig server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_shop import EXAMPLE_FLAGS, create_app, flags


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "APPCONFIG_SOURCE": "file", "APPCONFIG_FILE": str(EXAMPLE_FLAGS)}
    )
    yield app
    flags.get_client(app).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()

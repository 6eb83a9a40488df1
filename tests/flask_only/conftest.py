"""Set up as docs/flask.md says: the plugin in the top-level conftest, and an ``app`` fixture."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from flask_appconfig import AppConfigFlags, current_flags

pytest_plugins = ["flask_appconfig.testing"]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app reading a flags file with ``beta`` off and ``banner`` on."""
    flags_file = tmp_path / "flags.json"
    flags_file.write_text(json.dumps({"beta": {"enabled": False}, "banner": {"enabled": True}}))
    app = Flask("flask_only")
    app.config.update(TESTING=True, APPCONFIG_SOURCE="file", APPCONFIG_FILE=str(flags_file))
    extension = AppConfigFlags(app)

    @app.route("/")
    def index() -> str:
        beta = "beta" if current_flags.is_enabled("beta") else "stable"
        return render_template_string(
            "{{ beta }} {% flag 'banner' %}banner{% endflag %}", beta=beta
        )

    yield app
    extension.get_client(app).close()

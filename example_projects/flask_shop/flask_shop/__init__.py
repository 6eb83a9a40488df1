"""The Flask example shop: ``flask --app flask_shop run``.

Where the flags come from is chosen by environment variables (see README.md), the same
ones the Django example reads: ``SHOP_FLAGS_SOURCE`` (``appconfig``, ``agent`` or
``file``), ``SHOP_FLAGS_FILE``, ``SHOP_AGENT_URL``, ``SHOP_APPLICATION``,
``SHOP_ENVIRONMENT``, ``SHOP_PROFILE``, ``SHOP_FLAGS_CACHE`` and ``SHOP_POLL_INTERVAL``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from flask_appconfig import AppConfigFlags, flags_page_blueprint

EXAMPLE_FLAGS = Path(__file__).resolve().parents[2] / "appconfig" / "shop:demo:flags.json"

#: Created once, registered on every app the factory makes.
flags = AppConfigFlags()


def settings_from_environment() -> dict[str, Any]:
    """The ``APPCONFIG_*`` keys for wherever ``SHOP_FLAGS_SOURCE`` says the flags are."""
    return {
        "APPCONFIG_SOURCE": os.environ.get("SHOP_FLAGS_SOURCE", "appconfig"),
        "APPCONFIG_APPLICATION": os.environ.get("SHOP_APPLICATION", "shop"),
        "APPCONFIG_ENVIRONMENT": os.environ.get("SHOP_ENVIRONMENT", "demo"),
        "APPCONFIG_PROFILE": os.environ.get("SHOP_PROFILE", "flags"),
        "APPCONFIG_FILE": os.environ.get("SHOP_FLAGS_FILE", str(EXAMPLE_FLAGS)),
        "APPCONFIG_AGENT_URL": os.environ.get("SHOP_AGENT_URL", "http://localhost:2772"),
        "APPCONFIG_CACHE_PATH": os.environ.get("SHOP_FLAGS_CACHE") or None,
        "APPCONFIG_POLL_INTERVAL": int(interval)
        if (interval := os.environ.get("SHOP_POLL_INTERVAL"))
        else None,
    }


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app factory; ``config`` overrides the settings read from the environment."""
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SHOP_SECRET_KEY", "example-shop-not-secret"),
        # Who the visitor is, for the rules of multi-variant flags: see visitors.py.
        APPCONFIG_CONTEXT="flask_shop.visitors.visitor_context",
        # Used until the first configuration arrives, and for flags it lacks.
        APPCONFIG_DEFAULTS={"new_checkout": False, "promo_banner": False},
        APPCONFIG_HEALTH_URL="/health/flags",
        # What page scripts may read (flags_json() in base.html, /appconfig/flags.json).
        APPCONFIG_BROWSER_FLAGS={"new_checkout": [], "promo_banner": ["text"]},
        APPCONFIG_BROWSER_FLAGS_URL="/appconfig/flags.json",
        # QA overrides (?appconfig_flag_new_checkout=off) for the shop's staff: see visitors.py.
        APPCONFIG_OVERRIDES="flask_shop.visitors.is_staff",
        **settings_from_environment(),
    )
    if config:
        app.config.from_mapping(config)
    _log_to_console(app)
    flags.init_app(app)

    from . import receivers, views, visitors

    app.register_blueprint(views.shop)
    # The library's read-only flags page, for staff only.
    app.register_blueprint(
        flags_page_blueprint(allow=visitors.is_staff), url_prefix="/appconfig/flags"
    )
    receivers.connect(app)
    return app


def _log_to_console(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[flask_shop] %(levelname)s %(name)s: %(message)s"))
    for name, level in (("flask_shop", logging.INFO), ("appconfig_core", logging.WARNING)):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
    app.logger.setLevel(logging.INFO)

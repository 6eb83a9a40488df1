"""The opt-in health endpoint (``APPCONFIG_HEALTH_URL``): JSON status, 503 until ready."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify

from appconfig_core._integration.report import status_payload

from ._state import state_for

ENDPOINT = "appconfig_health"


def add_health_route(app: Flask, url: str) -> None:
    """Serve `health` at ``url`` on ``app`` (endpoint ``appconfig_health``)."""
    app.add_url_rule(url, endpoint=ENDPOINT, view_func=health, methods=["GET"])


def health() -> tuple[Response, int]:
    """The client's status; a load balancer's first probe starts the client."""
    state = state_for(current_app._get_current_object())  # type: ignore[attr-defined]
    state.ensure_started()
    body, code = status_payload(state.client)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, code

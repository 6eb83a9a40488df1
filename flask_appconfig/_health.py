"""The opt-in health endpoint (``APPCONFIG_HEALTH_URL``): JSON status, 503 until ready."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify

from appconfig_core.integration import status_report

from ._config import HEALTH_ENDPOINT, health_route_problem
from ._state import state_for

ENDPOINT = HEALTH_ENDPOINT
log = logging.getLogger("flask_appconfig")


def add_health_route(app: Flask, url: str) -> None:
    """Serve `health` at ``url`` on ``app`` (endpoint ``appconfig_health``).

    ``init_app`` refuses a path a view already has; a view added later at the same path is
    logged (once, E009) by the first request, the earliest moment every route is known.
    """
    app.add_url_rule(url, endpoint=ENDPOINT, view_func=health, methods=["GET"])
    checked: list[bool] = []

    def check_route_once() -> None:
        if not checked:
            checked.append(True)
            found = current_app._get_current_object()  # type: ignore[attr-defined]
            problem = health_route_problem(found, url, ENDPOINT)
            if problem is not None:
                log.error("flask_appconfig: [%s] %s (%s)", problem.code, problem, problem.hint)

    app.before_request(check_route_once)


def health() -> tuple[Response, int]:
    """The client's status as JSON; a load balancer's first probe starts the client.

    200 while flags are served (``health`` ok or degraded), 503 when none are loaded.
    """
    state = state_for(current_app._get_current_object())  # type: ignore[attr-defined]
    state.ensure_started()
    report = status_report(state.client.status)
    response = jsonify(dict(report.body))
    response.headers["Cache-Control"] = "no-store"
    return response, report.http_status

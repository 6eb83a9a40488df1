"""The ``/_devserver/`` control surface: faults and the request log for other processes.

The demo, browser tests and gunicorn tests drive a server they did not start in-process;
these endpoints give them what `DevServer.inject` and `DevServer.requests` give a test.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from ._faults import Fault
from ._http import Response, text_error

if TYPE_CHECKING:
    from ._server import DevServer


def _json(status: int, value: Any) -> Response:
    return Response(status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def handle_control(dev: DevServer, method: str, path: str, body: bytes) -> Response:
    """Answer one control request."""
    route = (method, path.rstrip("/"))
    if route == ("POST", "/_devserver/faults"):
        try:
            spec = json.loads(body or b"{}")
            if not isinstance(spec, dict):
                raise TypeError("expected a JSON object")
            fault = Fault(
                kind=spec.get("kind", ""),
                count=spec.get("count", 1),
                operation=spec.get("operation"),
                seconds=float(spec.get("seconds", 0.0)),
            )
        except (ValueError, TypeError) as exc:
            return text_error(400, f"Bad fault: {exc}")
        dev.add_fault(fault)
        return _json(201, dataclasses.asdict(fault))
    if route == ("GET", "/_devserver/faults"):
        return _json(200, [dataclasses.asdict(f) for f in dev.faults])
    if route == ("DELETE", "/_devserver/faults"):
        dev.clear_faults()
        return Response(204)
    if route == ("GET", "/_devserver/requests"):
        return _json(200, [dataclasses.asdict(r) for r in dev.requests])
    if route == ("DELETE", "/_devserver/requests"):
        dev.reset_requests()
        return Response(204)
    if route == ("POST", "/_devserver/invalidate-tokens"):
        dev.invalidate_tokens()
        return Response(204)
    return text_error(404, f"No such control endpoint: {method} {path}")


__all__ = ["handle_control"]

"""The response value the API modules build and the server writes out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Response:
    """An HTTP answer; ``token``/``next_token`` only feed the request records."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    next_token: str | None = None


def rest_json_error(status: int, error_type: str, message: str, **members: Any) -> Response:
    """An AWS rest-json error: the type in ``x-amzn-ErrorType``, members in the JSON body."""
    body = json.dumps({"Message": message, **members}).encode()
    return Response(
        status,
        body,
        {"Content-Type": "application/json", "x-amzn-ErrorType": error_type},
    )


def text_error(status: int, message: str) -> Response:
    """An Agent API error: the status and a plain-text explanation."""
    return Response(status, message.encode(), {"Content-Type": "text/plain; charset=utf-8"})


__all__ = ["Response", "rest_json_error", "text_error"]

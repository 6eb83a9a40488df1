"""The AppConfig Agent API: always the full configuration, variants evaluated per request.

For FeatureFlags profiles the profile directory compiled the stored document with the
library's rule engine when it read the file; each request evaluates those flags against its
``Context`` headers, as the agent does. Errors are plain-text bodies.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import unquote

from appconfig_core._formats.retrieval import VARIANT_KEY

from ._http import Response, text_error
from ._profiles import InvalidProfile, MissingResource, ProfileDirectory, Served

PATH_PREFIX: Final = "/applications/"


def parse_agent_path(path: str) -> tuple[str, str, str] | None:
    """``(application, environment, profile)`` from an Agent API path, None if not one."""
    parts = path.split("/")
    if (
        len(parts) != 7
        or parts[0]
        or (parts[1], parts[3], parts[5]) != ("applications", "environments", "configurations")
    ):
        return None
    names = (unquote(parts[2]), unquote(parts[4]), unquote(parts[6]))
    return names if all(names) else None


def parse_context(headers: list[str]) -> dict[str, str]:
    """The evaluation context from ``Context: k=v`` headers (repeatable, comma-separated)."""
    context: dict[str, str] = {}
    for header in headers:
        for item in header.split(","):
            pair = item.strip()
            if not pair:
                continue
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"Context entries must be key=value, got {pair!r}")
            context[key.strip()] = value.strip()
    return context


class Agent:
    """Answers Agent API requests from the profile directory."""

    def __init__(self, profiles: ProfileDirectory, token: str | None) -> None:
        self._profiles = profiles
        self._token = token

    def handle(
        self,
        names: tuple[str, str, str],
        query_flags: list[str],
        context_headers: list[str],
        authorization: str | None,
    ) -> Response:
        """Answer one GET for the configuration ``names`` identifies."""
        if self._token is not None:
            expected = f"Bearer {self._token}"
            if authorization is None or not hmac.compare_digest(
                authorization.encode(), expected.encode()
            ):
                return text_error(401, "Unauthorized: send Authorization: Bearer <token>")
        try:
            served = self._profiles.find(*names)
        except MissingResource as missing:
            return text_error(404, f"ResourceNotFoundException: {missing}")
        except InvalidProfile as exc:
            return text_error(500, f"InternalServerException: {exc}")
        if not served.feature_flags:
            if query_flags:
                return text_error(
                    400, "BadRequestException: flag is only valid for FeatureFlags profiles"
                )
            return self._ok(served, served.content)
        try:
            context = parse_context(context_headers)
        except ValueError as exc:
            return text_error(400, f"BadRequestException: {exc}")
        flags = self._evaluate(served, context)
        if not query_flags:
            return self._ok(served, _dump(flags))
        unknown = [name for name in query_flags if name not in flags]
        if unknown:
            return text_error(404, f"ResourceNotFoundException: no flag {unknown[0]!r}")
        if len(query_flags) == 1:
            return self._ok(served, _dump(flags[query_flags[0]]))
        return self._ok(served, _dump({name: flags[name] for name in query_flags}))

    @staticmethod
    def _evaluate(served: Served, context: Mapping[str, str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, flag in (served.flags or {}).items():
            evaluation = flag.evaluate(context)
            entry: dict[str, Any] = {"enabled": bool(evaluation.enabled)}
            if evaluation.enabled:
                entry.update(evaluation.attributes)
            if evaluation.variant is not None:
                entry[VARIANT_KEY] = evaluation.variant
            result[name] = entry
        return result

    @staticmethod
    def _ok(served: Served, body: bytes) -> Response:
        return Response(
            200,
            body,
            {"Content-Type": served.content_type, "Configuration-Version": served.version},
        )


def _dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


__all__ = ["Agent", "PATH_PREFIX", "parse_agent_path", "parse_context"]

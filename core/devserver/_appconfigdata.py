"""The AppConfigData API: configuration sessions and their rolling tokens.

Follows the botocore model for ``appconfigdata`` 2021-11-11. Decisions where AWS is silent:
tokens are single-use (a used or unknown token is ``Corrupted``); a "too early" call does
not consume its token; each token expires 24 h after it was issued (so a client polling
faster than that never sees an expiry, and one that holds a token for a day does); the poll
interval is measured from the last call that was answered.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from ._http import Response, rest_json_error
from ._profiles import InvalidProfile, MissingResource, ProfileDirectory

TOKEN_LIFETIME: Final = 24 * 60 * 60.0
DEFAULT_INTERVAL: Final = 60
MIN_INTERVAL: Final = 15
MAX_INTERVAL: Final = 86400
_IDENTIFIERS: Final = (
    ("ApplicationIdentifier", "Application"),
    ("EnvironmentIdentifier", "Environment"),
    ("ConfigurationProfileIdentifier", "ConfigurationProfile"),
)
_TOKEN_PARAM: Final = "ConfigurationToken"


@dataclass
class _Session:
    application: str
    environment: str
    profile: str
    interval: float
    last_call_at: float | None = None
    last_version: str | None = None
    invalidated: bool = False


def bad_request(
    message: str, problem: str | None = None, parameter: str = _TOKEN_PARAM
) -> Response:
    """A BadRequestException; with ``problem``, the modeled ``Details`` for that parameter."""
    members: dict[str, Any] = {"Reason": "InvalidParameters"}
    if problem is not None:
        members["Details"] = {"InvalidParameters": {parameter: {"Problem": problem}}}
    return rest_json_error(400, "BadRequestException", message, **members)


def not_found(missing: MissingResource, parameter: str) -> Response:
    """A ResourceNotFoundException naming the resource type and the parameter that named it."""
    return rest_json_error(
        404,
        "ResourceNotFoundException",
        f"{missing.resource_type} {missing.identifier!r} was not found in the served directory",
        ResourceType=missing.resource_type,
        ReferencedBy={parameter: missing.identifier},
    )


def internal_error(message: str) -> Response:
    """An InternalServerException."""
    return rest_json_error(500, "InternalServerException", message)


class Sessions:
    """Every configuration session the server has started, keyed by their live token."""

    def __init__(
        self,
        profiles: ProfileDirectory,
        clock: Callable[[], float],
        poll_interval: float | None,
    ) -> None:
        self._profiles = profiles
        self._clock = clock
        self._poll_interval = poll_interval
        self._lock = threading.Lock()
        self._tokens: dict[str, _Session] = {}
        self._issued: dict[str, float] = {}

    def start(self, body: bytes) -> Response:
        """StartConfigurationSession: validate, check the profile exists, hand out a token."""
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return bad_request("The request body is not valid JSON")
        if not isinstance(request, dict):
            return bad_request("The request body must be a JSON object")
        for member, _ in _IDENTIFIERS:
            value = request.get(member)
            if not isinstance(value, str) or not 1 <= len(value) <= 128:
                return bad_request(f"{member} is required and must be 1 to 128 characters")
        identifiers = [str(request[member]) for member, _ in _IDENTIFIERS]
        requested = request.get("RequiredMinimumPollIntervalInSeconds")
        if requested is not None and (
            isinstance(requested, bool)
            or not isinstance(requested, int)
            or not MIN_INTERVAL <= requested <= MAX_INTERVAL
        ):
            return bad_request(
                "RequiredMinimumPollIntervalInSeconds must be an integer from 15 to 86400"
            )
        try:
            self._profiles.find(*identifiers)
        except MissingResource as missing:
            member = next(m for m, kind in _IDENTIFIERS if kind == missing.resource_type)
            return not_found(missing, member)
        except InvalidProfile:
            pass  # the profile exists; GetLatestConfiguration reports what is wrong with it
        interval = self._poll_interval or requested or DEFAULT_INTERVAL
        application, environment, profile = identifiers
        session = _Session(application, environment, profile, float(interval))
        token = self._issue(session)
        response = Response(
            201,
            json.dumps({"InitialConfigurationToken": token}).encode(),
            {"Content-Type": "application/json"},
        )
        response.next_token = token
        return response

    def get_latest(self, token: str | None) -> Response:
        """GetLatestConfiguration: check the token, then answer full, or empty if unchanged."""
        now = self._clock()
        with self._lock:
            session = self._tokens.get(token or "")
            if token is None or session is None:
                return self._rejected(token, "Corrupted", "Invalid or already used token")
            if session.invalidated or now - self._issued[token] >= TOKEN_LIFETIME:
                return self._rejected(token, "Expired", "Token has expired")
            if session.last_call_at is not None and now - session.last_call_at < session.interval:
                return self._rejected(token, "PollIntervalNotSatisfied", "Request too early")
            try:
                served = self._profiles.find(
                    session.application, session.environment, session.profile
                )
            except MissingResource as missing:
                member = next(m for m, kind in _IDENTIFIERS if kind == missing.resource_type)
                response = not_found(missing, member)
                response.token = token
                return response
            except InvalidProfile as exc:
                response = internal_error(str(exc))
                response.token = token
                return response
            del self._tokens[token]
            del self._issued[token]
            session.last_call_at = now
            headers = {
                "Content-Type": served.content_type,
                "Next-Poll-Interval-In-Seconds": str(max(1, math.ceil(session.interval))),
            }
            body = b""
            if served.version != session.last_version:
                session.last_version = served.version
                body = served.content
                headers["Version-Label"] = served.version
            next_token = self._issue_locked(session)
            headers["Next-Poll-Configuration-Token"] = next_token
        return Response(200, body, headers, token=token, next_token=next_token)

    def invalidate(self) -> None:
        """Make every outstanding token answer ``Expired``."""
        with self._lock:
            for session in self._tokens.values():
                session.invalidated = True

    def _issue(self, session: _Session) -> str:
        with self._lock:
            return self._issue_locked(session)

    def _issue_locked(self, session: _Session) -> str:
        token = "AYADe" + secrets.token_urlsafe(48)
        self._tokens[token] = session
        self._issued[token] = self._clock()
        return token

    @staticmethod
    def _rejected(token: str | None, problem: str, message: str) -> Response:
        response = bad_request(message, problem)
        response.token = token
        return response


__all__ = ["Sessions", "bad_request", "internal_error", "not_found"]

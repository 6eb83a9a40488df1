"""Multi-variant flags the AppConfig Agent evaluates: asked once per request, with its context.

The poller reads the agent without a ``Context`` header, so a snapshot holds each
multi-variant flag's answer for an *empty* context (the retrieval form marks those flags
with ``_variant``). A request-scoped view built by `FlagClient.view` asks the agent again, with
the request's context in ``Context`` headers, the first time the request reads such a flag:
at most one local HTTP call per request, none for a request that reads no such flag. Any
failure (agent down, slow, an unexpected answer) leaves the snapshot's answer in place, so
a flag read never raises and never waits longer than the short timeout.

Header encoding: ``Context: key=value,key=value``. The agent splits on ``,`` and ``=`` and
has no escape, so a key or value containing ``,`` or ``=``, or any character outside
printable ASCII (which also rules out header injection), is dropped, as are values that
are not a string, number or boolean (``None``, lists, objects). Booleans are sent as
``true``/``false``. Dropped keys are logged at DEBUG, by name only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from appconfig_core._evaluation.result import (
    DEFAULT,
    EMPTY_MAPPING,
    TARGETING_MATCH,
    Evaluation,
)
from appconfig_core._evaluation.snapshot import Snapshot
from appconfig_core._formats.retrieval import VARIANT_KEY, compile_retrieval
from appconfig_core._sources.agent import AgentSource
from appconfig_core.errors import ConfigurationError

log = logging.getLogger("appconfig_core")

CONTEXT_HEADER: Final = "Context"
#: The agent is local; a request should not wait on it longer than this.
DEFAULT_TIMEOUT: Final = 0.5

_UNSAFE: Final = frozenset(",=")


def encode_context(context: Mapping[str, Any]) -> str | None:
    """The ``Context`` header value for ``context`` (see the module docstring); None if empty."""
    pairs: list[str] = []
    dropped: list[str] = []
    for key, value in context.items():
        text = _scalar(value)
        if text is None or not isinstance(key, str) or not key or not _safe(key) or not _safe(text):
            dropped.append(str(key))
            continue
        pairs.append(f"{key}={text}")
    if dropped:
        log.debug(
            "appconfig-flags: context keys not sent to the agent (value not encodable): %s",
            ", ".join(sorted(dropped)),
        )
    return ",".join(pairs) or None


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _safe(text: str) -> bool:
    return all(" " <= char <= "~" and char not in _UNSAFE for char in text)


def agent_evaluated(snapshot: Snapshot, name: str) -> bool:
    """Whether ``snapshot`` holds flag ``name`` as the agent evaluated it (with ``_variant``)."""
    definition = snapshot.definition(name)
    return isinstance(definition, Mapping) and VARIANT_KEY in definition


class AgentResolver:
    """Asks the agent for the flags it evaluates, for one request's context; never raises.

    Shares nothing mutable between requests, so one instance serves every thread. Uses
    the source's URL and token with ``timeout`` (capped by the source's own timeout).
    """

    __slots__ = ("_source", "_timeout")

    def __init__(self, source: AgentSource, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not timeout > 0:
            raise ConfigurationError(f"timeout must be > 0 seconds, not {timeout!r}")
        self._source = source
        self._timeout = min(source.timeout, float(timeout))

    def applies(self, snapshot: Snapshot, name: str) -> bool:
        """Whether reading flag ``name`` of ``snapshot`` needs the agent's per-context answer."""
        return agent_evaluated(snapshot, name)

    def resolve(self, snapshot: Snapshot, context: Mapping[str, Any]) -> Mapping[str, Evaluation]:
        """The agent's evaluations for ``context`` of the flags it marks with ``_variant``.

        Empty on any failure, so that the caller keeps the snapshot's answers. The agent does
        not say whether a rule matched; the reason is ``DEFAULT`` when it chose the variant it
        gives an empty context (the snapshot's: the default variant, unless a rule matches an
        empty context), ``TARGETING_MATCH`` otherwise.
        """
        try:
            header = encode_context(context)
            headers = {} if header is None else {CONTEXT_HEADER: header}
            body, _content_type, version = self._source.request(headers, timeout=self._timeout)
            document = json.loads(body)
            flags = compile_retrieval(document, version=version or snapshot.version)
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the snapshot
            log.debug(
                "appconfig-flags: per-request evaluation by %s failed, serving the snapshot's"
                " variants: %s",
                self._source.description,
                exc,
            )
            return EMPTY_MAPPING
        answers: dict[str, Evaluation] = {}
        for name, flag in flags.items():
            definition = flag.definition
            if isinstance(definition, Mapping) and VARIANT_KEY in definition:
                unmatched = snapshot.definition(name)
                default = (
                    isinstance(unmatched, Mapping)
                    and unmatched.get(VARIANT_KEY) == definition[VARIANT_KEY]
                )
                reason = DEFAULT if default else TARGETING_MATCH
                answers[name] = replace(flag.evaluate(EMPTY_MAPPING), reason=reason)
        return answers

    def __repr__(self) -> str:
        return f"<AgentResolver {self._source.description}>"


def resolver_for(source: object) -> AgentResolver | None:
    """A resolver when ``source`` is the agent, else None; `FlagClient` keeps one per client."""
    return AgentResolver(source) if isinstance(source, AgentSource) else None


__all__ = [
    "CONTEXT_HEADER",
    "DEFAULT_TIMEOUT",
    "AgentResolver",
    "agent_evaluated",
    "encode_context",
    "resolver_for",
]

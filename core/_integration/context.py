"""A context function made safe for the request path, shared by both adapters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any


def guard_context(
    function: Callable[..., Any], logger: logging.Logger
) -> Callable[..., Mapping[str, Any]]:
    """``function`` made safe for the request path: a raise or a non-dict gives ``{}``.

    A broken context function must not fail the request it is building a context for;
    flags then evaluate with an empty context, and each way of failing is logged once
    (by type, never with the values involved).
    """
    name = getattr(function, "__qualname__", repr(function))
    reported: set[str] = set()

    def once(kind: str, message: str, *, exc_info: bool = False) -> None:
        if kind not in reported:
            reported.add(kind)
            logger.error(message, name, exc_info=exc_info)

    def guarded(*args: Any) -> Mapping[str, Any]:
        try:
            built = function(*args)
        except Exception:  # noqa: BLE001 - logged once below
            once(
                "raised",
                "appconfig-flags: the context function %s raised; flags evaluate with an"
                " empty context",
                exc_info=True,
            )
            return {}
        if not isinstance(built, Mapping):
            once(
                type(built).__name__,
                f"appconfig-flags: the context function %s returned {type(built).__name__},"
                " not a dict; flags evaluate with an empty context",
            )
            return {}
        return built

    guarded.__wrapped__ = function  # type: ignore[attr-defined]
    return guarded

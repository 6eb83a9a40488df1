"""Framework settings (a Django dict, Flask config keys) turned into a `FlagClient`.

Both adapters read the same keys, so the defaults, the validation and the construction of
sources live here once. `settings_problems` returns every problem with a stable code, which
Django reports as system checks (``django_appconfig.E001`` ...) and Flask raises at
``init_app``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from appconfig_core._evaluation.snapshot import compile_defaults
from appconfig_core._formats.detect import FORMATS
from appconfig_core._runtime.client import FlagClient
from appconfig_core._sources.agent import DEFAULT_URL, AgentSource
from appconfig_core._sources.appconfigdata import (
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
    AppConfigDataSource,
)
from appconfig_core._sources.base import Source
from appconfig_core._sources.file import FileSource
from appconfig_core.errors import ConfigurationError

SOURCES: Final = ("appconfig", "agent", "file")

#: Every key the core understands, with its default. Adapters document these.
DEFAULTS: Final[Mapping[str, Any]] = {
    "SOURCE": "appconfig",
    "APPLICATION": None,
    "ENVIRONMENT": None,
    "PROFILE": None,
    "FILE": None,
    "AGENT_URL": DEFAULT_URL,
    "AGENT_TOKEN": None,
    "POLL_INTERVAL": None,
    "CACHE_PATH": None,
    "DEFAULTS": {},
    "START_TIMEOUT": 5.0,
    "FORMAT": "auto",
    "REGION": None,
    "ENDPOINT_URL": None,
}


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """One thing wrong with the settings; ``code`` is stable (E001...), ``hint`` says what to do."""

    code: str
    key: str
    message: str
    hint: str


def merged_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """``settings`` laid over `DEFAULTS`."""
    return {**DEFAULTS, **(settings or {})}


def settings_problems(
    settings: Mapping[str, Any], *, prefix: str = "", extra_keys: frozenset[str] = frozenset()
) -> list[SettingProblem]:
    """Every problem in ``settings`` (already merged over `DEFAULTS`).

    ``prefix`` is how the framework spells a key (``"APPCONFIG_"`` for Flask), so messages
    name the setting the user actually wrote; ``extra_keys`` are the adapter's own keys.
    """
    problems: list[SettingProblem] = []

    def add(code: str, key: str, message: str, hint: str) -> None:
        problems.append(SettingProblem(code, prefix + key, message, hint))

    source = settings.get("SOURCE")
    if source not in SOURCES:
        add("E004", "SOURCE", f"unknown source {source!r}", f"use one of {', '.join(SOURCES)}")
    if source in {"appconfig", "agent"}:
        for key in ("APPLICATION", "ENVIRONMENT", "PROFILE"):
            value = settings.get(key)
            if not isinstance(value, str) or not value:
                add(
                    "E001",
                    key,
                    f"{prefix}{key} is required for the {source!r} source",
                    f"set it to the AppConfig {key.lower()} name or ID",
                )
    interval = settings.get("POLL_INTERVAL")
    if interval is not None:
        if source == "appconfig":
            if not isinstance(interval, int) or not (
                MIN_POLL_INTERVAL <= interval <= MAX_POLL_INTERVAL
            ):
                add(
                    "E002",
                    "POLL_INTERVAL",
                    f"poll interval {interval!r} is outside AppConfig's limits",
                    f"use whole seconds from {MIN_POLL_INTERVAL} to {MAX_POLL_INTERVAL}, or None",
                )
        elif not isinstance(interval, int | float) or isinstance(interval, bool) or interval <= 0:
            add(
                "E002",
                "POLL_INTERVAL",
                f"poll interval {interval!r} is not a positive number",
                "use seconds, e.g. 5",
            )
    if source == "file":
        path = settings.get("FILE")
        if not path:
            add(
                "E003",
                "FILE",
                f"{prefix}FILE is required for the 'file' source",
                "set it to a JSON or YAML flags file",
            )
        elif not os.path.isfile(path):
            add(
                "E003",
                "FILE",
                f"the flags file {str(path)!r} does not exist",
                "create it or fix the path",
            )
    fmt = settings.get("FORMAT")
    if fmt not in FORMATS:
        add("E005", "FORMAT", f"unknown format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    timeout = settings.get("START_TIMEOUT")
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout < 0:
        add(
            "E007",
            "START_TIMEOUT",
            f"start timeout {timeout!r} is not a number of seconds >= 0",
            "use e.g. 5",
        )
    try:
        compile_defaults(settings.get("DEFAULTS") or {})
    except ConfigurationError as exc:
        add("E007", "DEFAULTS", str(exc), 'use {"flag": true} or {"flag": {"enabled": true, ...}}')
    for key in settings:
        if key not in DEFAULTS and key not in extra_keys:
            add("W001", key, f"unknown setting {prefix}{key}", "remove it or fix its spelling")
    return problems


def build_source(settings: Mapping[str, Any]) -> Source:
    """The source ``settings`` describe (merged, valid settings)."""
    source = settings["SOURCE"]
    interval = settings.get("POLL_INTERVAL")
    if source == "file":
        return FileSource(settings["FILE"], poll_interval=interval or 1.0)
    if source == "agent":
        kwargs: dict[str, Any] = {"url": settings.get("AGENT_URL") or DEFAULT_URL}
        if interval:
            kwargs["poll_interval"] = interval
        return AgentSource(
            settings["APPLICATION"],
            settings["ENVIRONMENT"],
            settings["PROFILE"],
            token=settings.get("AGENT_TOKEN"),
            **kwargs,
        )
    return AppConfigDataSource(
        settings["APPLICATION"],
        settings["ENVIRONMENT"],
        settings["PROFILE"],
        min_poll_interval=interval,
        region_name=settings.get("REGION"),
        endpoint_url=settings.get("ENDPOINT_URL"),
    )


def build_client(
    settings: Mapping[str, Any] | None,
    *,
    prefix: str = "",
    extra_keys: frozenset[str] = frozenset(),
) -> FlagClient:
    """A new, unstarted `FlagClient` from ``settings``; `ConfigurationError` lists the errors."""
    merged = merged_settings(settings)
    errors = [
        p
        for p in settings_problems(merged, prefix=prefix, extra_keys=extra_keys)
        if p.code.startswith("E")
    ]
    if errors:
        raise ConfigurationError("; ".join(f"{p.key}: {p.message} ({p.hint})" for p in errors))
    return FlagClient(
        build_source(merged),
        defaults=merged.get("DEFAULTS") or None,
        cache_path=merged.get("CACHE_PATH"),
        start_timeout=float(merged["START_TIMEOUT"]),
        format=merged["FORMAT"],
    )

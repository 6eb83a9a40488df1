"""Framework settings (a Django dict, Flask config keys) turned into a `FlagClient`.

Both adapters read the same keys, so the defaults, the validation and the construction of
sources live here once. `settings_problems` type-checks every key and returns each problem
with a stable code, which Django reports as system checks (``django_appconfig.E001`` ...)
and, on the request path, as the reason flags answer their defaults; Flask raises them at
``init_app``. It never raises, whatever the values, so a bad setting can never turn into
an exception where a request is being served.
"""

from __future__ import annotations

import math
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
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

from .browser import browser_flags_problem
from .dotted import import_string
from .overrides import overrides_problem
from .visitor import (
    DEFAULT_COOKIE,
    DEFAULT_MAX_AGE,
    visitor_cookie_problem,
    visitor_max_age_problem,
)

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
    # Flag hygiene (docs/hygiene.md): None is strict only under the test helpers.
    "STRICT": None,
    "REPORT_USAGE": False,
    # For the adapters' request path (docs/django.md, docs/flask.md, docs/security.md).
    "BROWSER_FLAGS": None,
    "OVERRIDES": False,
    "VISITOR_COOKIE": DEFAULT_COOKIE,
    "VISITOR_MAX_AGE": DEFAULT_MAX_AGE,
}

#: What botocore accepts as a region name (a host name label).
_REGION: Final = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
_IDENTIFIERS: Final = ("APPLICATION", "ENVIRONMENT", "PROFILE")
#: The first request waits this long at most; anything longer is a typo, not a wish.
MAX_START_TIMEOUT: Final = 300

#: A problem found in one value: (message, hint), or None when the value is fine.
Finding = tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """One thing wrong with the settings; ``code`` is stable (E001...), ``hint`` says what to do.

    ``key`` is spelt as the user wrote it (``APPCONFIG.FILE``, ``APPCONFIG_FILE``) and
    ``message`` says what is wrong with it, without repeating the key.
    """

    code: str
    key: str
    message: str
    hint: str

    @property
    def is_error(self) -> bool:
        """Errors (``E``) stop the client from being built; warnings (``W``) do not."""
        return self.code.startswith("E")

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def merged_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """``settings`` laid over `DEFAULTS`."""
    return {**DEFAULTS, **(settings or {})}


def settings_problems(
    settings: Mapping[str, Any], *, prefix: str = "", extra_keys: frozenset[str] = frozenset()
) -> list[SettingProblem]:
    """Every problem in ``settings`` (already merged over `DEFAULTS`); never raises.

    ``prefix`` is how the framework spells a key (``"APPCONFIG_"`` for Flask), so problems
    name the setting the user actually wrote; ``extra_keys`` are the adapter's own keys.
    """
    source = settings.get("SOURCE")
    get = settings.get
    findings: list[tuple[str, str, Finding]] = [
        ("E004", "SOURCE", _choice(source, SOURCES, "source")),
        *[("E001", key, _identifier(get(key), key, source)) for key in _IDENTIFIERS],
        ("E002", "POLL_INTERVAL", _poll_interval(get("POLL_INTERVAL"), source)),
        ("E003", "FILE", _flags_file(get("FILE"), source)),
        ("E005", "FORMAT", _choice(get("FORMAT"), FORMATS, "format")),
        ("E007", "START_TIMEOUT", _start_timeout(get("START_TIMEOUT"))),
        ("E007", "DEFAULTS", _defaults(get("DEFAULTS"))),
        ("E010", "AGENT_URL", _http_url(get("AGENT_URL"), DEFAULT_URL)),
        ("E010", "AGENT_TOKEN", _token(get("AGENT_TOKEN"))),
        ("E011", "CACHE_PATH", _cache_path(get("CACHE_PATH"))),
        ("E012", "REGION", _region(get("REGION"))),
        ("E012", "ENDPOINT_URL", _http_url(get("ENDPOINT_URL"), "http://127.0.0.1:4566")),
        ("E017", "STRICT", _flag(get("STRICT"), none=True)),
        ("E017", "REPORT_USAGE", _flag(get("REPORT_USAGE"), none=False)),
        ("E014", "BROWSER_FLAGS", browser_flags_problem(get("BROWSER_FLAGS"))),
        ("E015", "OVERRIDES", overrides_problem(get("OVERRIDES"))),
        ("E016", "VISITOR_COOKIE", visitor_cookie_problem(get("VISITOR_COOKIE"))),
        ("E016", "VISITOR_MAX_AGE", visitor_max_age_problem(get("VISITOR_MAX_AGE"))),
    ]
    problems = [
        SettingProblem(code, prefix + key, *found) for code, key, found in findings if found
    ]
    for key in settings:
        if key not in DEFAULTS and key not in extra_keys:
            problems.append(
                SettingProblem(
                    "W001", f"{prefix}{key}", "unknown setting", "remove it or fix its spelling"
                )
            )
    return problems


def container_problem(value: Any, key: str) -> SettingProblem | None:
    """E013 when the whole settings object (Django's ``APPCONFIG``) is not a dict."""
    if value is None or isinstance(value, Mapping):
        return None
    return SettingProblem(
        "E013",
        key,
        f"must be a dict of settings, not {_kind(value)}",
        'write it as {"APPLICATION": "...", "ENVIRONMENT": "...", "PROFILE": "..."}',
    )


# -- one function per kind of value ---------------------------------------------------------


def _kind(value: Any) -> str:
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_path(value: Any) -> bool:
    return isinstance(value, str | os.PathLike)


def _choice(value: Any, choices: tuple[str, ...], noun: str) -> Finding:
    hint = f"use one of {', '.join(choices)}"
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}", hint
    if value not in choices:
        return f"unknown {noun} {value!r}", hint
    return None


def _identifier(value: Any, key: str, source: Any) -> Finding:
    hint = f"set it to the AppConfig {key.lower()} name or ID"
    if value is None or value == "":
        if source in {"appconfig", "agent"}:
            return f"required for the {source!r} source", hint
        return None
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}", hint
    if len(value) > 128:
        return f"is {len(value)} characters long; AppConfig allows 1 to 128", hint
    return None


def _poll_interval(value: Any, source: Any) -> Finding:
    if value is None:
        return None
    if source == "appconfig":
        hint = f"use whole seconds from {MIN_POLL_INTERVAL} to {MAX_POLL_INTERVAL}, or None"
    else:
        hint = "use a number of seconds, e.g. 5, or None"
    if not _is_number(value):
        return f"must be a number of seconds, not {_kind(value)} {value!r}", hint
    if not math.isfinite(value):
        return f"must be a finite number of seconds, not {value!r}", hint
    if source == "appconfig":
        if not isinstance(value, int):
            return (
                f"must be a whole number of seconds for the 'appconfig' source, not {value!r}",
                hint,
            )
        if not MIN_POLL_INTERVAL <= value <= MAX_POLL_INTERVAL:
            return f"{value} is outside AppConfig's limits", hint
    elif not 0 < value <= MAX_POLL_INTERVAL:
        return f"must be more than 0 and at most {MAX_POLL_INTERVAL} seconds, not {value!r}", hint
    return None


def _flags_file(value: Any, source: Any) -> Finding:
    if value is None or value == "":
        if source == "file":
            return "required for the 'file' source", "set it to a JSON or YAML flags file"
        return None
    if not _is_path(value):
        return f"must be a path (str or os.PathLike), not {_kind(value)}", "give the file's path"
    if source != "file":
        return None
    path = os.fspath(value)
    if os.path.isdir(path):
        return f"{path!r} is a directory, not a flags file", "give the path of a JSON or YAML file"
    if not os.path.exists(path):
        return f"{path!r} does not exist", "create it or fix the path"
    if not os.path.isfile(path):
        return f"{path!r} is not a regular file", "give the path of a JSON or YAML file"
    return None


def _start_timeout(value: Any) -> Finding:
    hint = "use a number of seconds, e.g. 5 (0 never waits)"
    if not _is_number(value):
        return f"must be a number of seconds, not {_kind(value)} {value!r}", hint
    if not math.isfinite(value):
        return f"must be a finite number of seconds, not {value!r}", hint
    if not 0 <= value <= MAX_START_TIMEOUT:
        return f"must be from 0 to {MAX_START_TIMEOUT} seconds, not {value!r}", hint
    return None


def _defaults(value: Any) -> Finding:
    hint = 'use {"flag": true} or {"flag": {"enabled": true, ...}}'
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return f"must be a dict of flag names to defaults, not {_kind(value)}", hint
    for name in value:
        if not isinstance(name, str):
            return f"flag names must be strings, not {_kind(name)} {name!r}", hint
    try:
        compile_defaults(value)
    except ConfigurationError as exc:
        return str(exc), hint
    return None


def _http_url(value: Any, example: str) -> Finding:
    hint = f"write the scheme and the host, e.g. {example!r}"
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}", hint
    try:
        parts = urllib.parse.urlsplit(value)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed IPv6 host or port
        valid = False
    return None if valid else (f"{value!r} is not an http(s) URL", hint)


def _token(value: Any) -> Finding:
    # Never shows the value: it is a secret.
    if value is None or (isinstance(value, str) and value):
        return None
    kind = "an empty string" if value == "" else _kind(value)
    return f"must be a non-empty string, not {kind}", "set it to the Agent's token, or None"


def _cache_path(value: Any) -> Finding:
    if value is None or value == "":
        return None
    if not _is_path(value):
        return f"must be a path (str or os.PathLike), not {_kind(value)}", "give a file path"
    path = os.fspath(value)
    if os.path.isdir(path):
        return f"{path!r} is a directory", "name a file, e.g. 'var/flags.cache'"
    return None


def _flag(value: Any, *, none: bool) -> Finding:
    if isinstance(value, bool) or (none and value is None):
        return None
    choices = "True, False or None" if none else "True or False"
    return f"must be {choices}, not {_kind(value)} {value!r}", f"use {choices}"


def _region(value: Any) -> Finding:
    hint = "use an AWS region name such as 'eu-west-1', or None for boto3's usual lookup"
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}", hint
    if not _REGION.fullmatch(value):
        return f"{value!r} is not a region name", hint
    return None


# -- functions named by dotted path (the adapters' CONTEXT, Django's CLIENT) ---------------


def resolve_callable(value: Any, *, allow_object: bool = False) -> Callable[..., Any]:
    """The function ``value`` names (a dotted path, or the function itself when allowed).

    Raises `ConfigurationError` saying what is wrong: not a string, not importable (the
    module's own import error included), or not callable.
    """
    if not isinstance(value, str):
        if allow_object and callable(value):
            return value  # type: ignore[no-any-return]
        expected = "a dotted path string or a function" if allow_object else "a dotted path string"
        raise ConfigurationError(f"must be {expected}, not {_kind(value)}")
    try:
        target = import_string(value)
    except ConfigurationError:
        raise
    except Exception as exc:  # noqa: BLE001 - the module itself failed while importing
        raise ConfigurationError(
            f"importing {value!r} raised {type(exc).__name__}: {exc}"
        ) from None
    if not callable(target):
        raise ConfigurationError(f"{value!r} is not callable (it is {_kind(target)})")
    return target  # type: ignore[no-any-return]


def callable_problem(
    value: Any, *, key: str, code: str, hint: str, allow_object: bool = False
) -> SettingProblem | None:
    """The problem with a setting naming a function, or None when it resolves."""
    try:
        resolve_callable(value, allow_object=allow_object)
    except ConfigurationError as exc:
        return SettingProblem(code, key, str(exc), hint)
    return None


# -- building ---------------------------------------------------------------------------------


def configuration_error(problems: list[SettingProblem]) -> ConfigurationError | None:
    """One `ConfigurationError` listing every error in ``problems`` (None when there is none)."""
    errors = [p for p in problems if p.is_error]
    if not errors:
        return None
    return ConfigurationError("; ".join(f"[{p.code}] {p} ({p.hint})" for p in errors))


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
    error = configuration_error(settings_problems(merged, prefix=prefix, extra_keys=extra_keys))
    if error is not None:
        raise error
    return FlagClient(
        build_source(merged),
        defaults=merged.get("DEFAULTS") or None,
        cache_path=merged.get("CACHE_PATH") or None,
        start_timeout=float(merged["START_TIMEOUT"]),
        format=merged["FORMAT"],
        strict=merged.get("STRICT"),
        report_usage=bool(merged.get("REPORT_USAGE")),
    )

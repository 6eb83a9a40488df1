"""The served directory: which file is which profile, what it serves, and at which version.

A file ``APP:ENV:PROFILE.json`` (``.yaml``, ``.yml``, ``.txt``) is a free-form profile,
served byte-for-byte. ``APP:ENV:PROFILE.featureflags.json`` (or ``.featureflags.yaml`` /
``.featureflags.yml``) is an AWS.AppConfig.FeatureFlags profile: the file holds the stored
form and the AppConfigData API serves the retrieval form, as AWS does. Each lookup stats
the file, so edits are picked up on the next request without a watcher thread.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from appconfig_core._evaluation.flagset import CompiledFlag
from appconfig_core._formats.retrieval import VARIANT_KEY
from appconfig_core._formats.stored import compile_stored
from appconfig_core._sources.content import JSON, TEXT, YAML, content_type_for_path, parse_content
from appconfig_core.errors import DocumentError

log = logging.getLogger("appconfig_core.devserver")

APPLICATION: Final = "Application"
ENVIRONMENT: Final = "Environment"
PROFILE: Final = "ConfigurationProfile"

_FREE_FORM_SUFFIXES: Final = ((".json", JSON), (".yaml", YAML), (".yml", YAML), (".txt", TEXT))
_FLAG_SUFFIXES: Final = (".featureflags.json", ".featureflags.yaml", ".featureflags.yml")
_RACY_NS: Final = 2_000_000_000


@dataclass(frozen=True)
class ProfileKey:
    """The three identifiers AppConfig names a configuration by."""

    application: str
    environment: str
    profile: str


@dataclass(frozen=True)
class Served:
    """One valid version of a profile, as both APIs hand it out.

    ``content`` is the AppConfigData body (the retrieval form for FeatureFlags profiles);
    ``flags`` is the stored form compiled once, when the file was read, for the Agent API to
    evaluate per request (None for free-form profiles).
    """

    key: ProfileKey
    content: bytes
    content_type: str
    version: str
    flags: Mapping[str, CompiledFlag] | None = None

    @property
    def feature_flags(self) -> bool:
        """Whether this is an AWS.AppConfig.FeatureFlags profile."""
        return self.flags is not None


class MissingResource(LookupError):
    """No file answers for the identifiers; ``resource_type`` is AppConfig's word for which."""

    def __init__(self, resource_type: str, identifier: str) -> None:
        self.resource_type = resource_type
        self.identifier = identifier
        super().__init__(f"{resource_type} {identifier!r} not found")


class InvalidProfile(Exception):
    """A FeatureFlags file that has never held a valid stored document."""


def parse_file_name(name: str) -> tuple[ProfileKey, str, bool] | None:
    """``(key, content type, is feature flags)`` for a served file name, None otherwise."""
    lowered = name.lower()
    base: str | None = None
    content_type = JSON
    flags = False
    for suffix in _FLAG_SUFFIXES:
        if lowered.endswith(suffix):
            base, flags = name[: -len(suffix)], True
            break
    else:
        for suffix, kind in _FREE_FORM_SUFFIXES:
            if lowered.endswith(suffix):
                base, content_type = name[: -len(suffix)], kind
                break
    if base is None:
        return None
    parts = base.split(":")
    if len(parts) != 3 or not all(parts):
        return None
    return ProfileKey(*parts), content_type, flags


def retrieval_form(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What GetLatestConfiguration returns for a stored document.

    Attributes appear only on enabled flags; a definition without a value is disabled; a
    multi-variant flag shows its default variant, named in ``_variant`` as the Agent names
    it for a request without context, since the SDK path evaluates no rules.
    """
    definitions = document.get("flags") or {}
    values = document.get("values") or {}
    names = list(definitions) + [name for name in values if name not in definitions]
    result: dict[str, dict[str, Any]] = {}
    for name in names:
        value = values.get(name) or {}
        chosen: dict[str, Any] = {}
        if "_variants" in value:
            default: Mapping[str, Any] = next(
                (v for v in value["_variants"] if not v.get("rule")), {}
            )
            enabled = default.get("enabled") is True
            attributes = dict(default.get("attributeValues") or {})
            chosen = {VARIANT_KEY: default["name"]} if isinstance(default.get("name"), str) else {}
        else:
            enabled = value.get("enabled") is True
            attributes = {k: v for k, v in value.items() if k != "enabled" and k[:1] != "_"}
        result[name] = (
            {**chosen, "enabled": True, **attributes} if enabled else {**chosen, "enabled": False}
        )
    return result


def _racy(st: os.stat_result) -> bool:
    """Whether a same-size edit could still hide behind an unchanged mtime (clock ticks are coarse)."""
    return time.time_ns() - st.st_mtime_ns < _RACY_NS


@dataclass
class _Entry:
    path: Path
    stat: tuple[int, int, int]
    raw: bytes
    served: Served | None
    error: str | None


class ProfileDirectory:
    """Finds profiles in ``root`` and keeps each one's last valid version."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._entries: dict[ProfileKey, _Entry] = {}
        self._versions: dict[ProfileKey, int] = {}
        self._conflicts_reported: set[ProfileKey] = set()

    def find(self, application: str, environment: str, profile: str) -> Served:
        """The profile's current valid version; `MissingResource` / `InvalidProfile` if none."""
        key = ProfileKey(application, environment, profile)
        files = self._scan()
        matches = files.get(key)
        if not matches:
            keys = list(files)
            if not any(k.application == application for k in keys):
                raise MissingResource(APPLICATION, application)
            if not any(k.application == application and k.environment == environment for k in keys):
                raise MissingResource(ENVIRONMENT, environment)
            raise MissingResource(PROFILE, profile)
        if len(matches) > 1 and key not in self._conflicts_reported:
            self._conflicts_reported.add(key)
            log.warning(
                "several files define %s:%s:%s; serving %s and ignoring %s",
                application,
                environment,
                profile,
                matches[0][0].name,
                ", ".join(path.name for path, _, _ in matches[1:]),
            )
        path, content_type, flags = matches[0]
        with self._lock:
            return self._load(key, path, content_type, flags)

    def _scan(self) -> dict[ProfileKey, list[tuple[Path, str, bool]]]:
        files: dict[ProfileKey, list[tuple[Path, str, bool]]] = {}
        try:
            names = sorted(entry.name for entry in os.scandir(self.root) if entry.is_file())
        except OSError as exc:
            log.warning("cannot list %s: %s", self.root, exc.strerror)
            return files
        for name in names:
            parsed = parse_file_name(name)
            if parsed is not None:
                key, content_type, flags = parsed
                files.setdefault(key, []).append((self.root / name, content_type, flags))
        return files

    def _load(self, key: ProfileKey, path: Path, content_type: str, flags: bool) -> Served:
        entry = self._entries.get(key)
        try:
            st = path.stat()
            stat = (st.st_mtime_ns, st.st_size, st.st_ino)
            if entry is not None and entry.path == path and entry.stat == stat and not _racy(st):
                return self._answer(entry)
            raw = path.read_bytes()
        except OSError as exc:
            if entry is not None and entry.served is not None:
                return entry.served
            raise MissingResource(PROFILE, key.profile) from exc
        if entry is not None and entry.path == path and entry.raw == raw:
            entry.stat = stat
            return self._answer(entry)
        previous = entry.served if entry is not None else None
        served, error = previous, None
        if flags:
            try:
                document = parse_content(raw, content_type_for_path(path.name))
                version = str(self._versions.get(key, 0) + 1)
                compiled = compile_stored(document, version=version)
                body = json.dumps(retrieval_form(document), separators=(",", ":")).encode()
                served = Served(key, body, JSON, version, compiled)
                self._versions[key] = int(version)
            except DocumentError as exc:
                error = f"{path.name} is not a valid FeatureFlags stored document: {exc}"
                log.warning(
                    "%s; %s",
                    error,
                    "keeping the last valid version" if previous else "nothing to serve yet",
                )
        else:
            served = Served(key, raw, content_type, self._next_version(key))
        entry = _Entry(path, stat, raw, served, error)
        self._entries[key] = entry
        return self._answer(entry)

    def _next_version(self, key: ProfileKey) -> str:
        self._versions[key] = self._versions.get(key, 0) + 1
        return str(self._versions[key])

    @staticmethod
    def _answer(entry: _Entry) -> Served:
        if entry.served is None:
            raise InvalidProfile(entry.error or "no valid version")
        return entry.served


__all__ = [
    "APPLICATION",
    "ENVIRONMENT",
    "PROFILE",
    "InvalidProfile",
    "MissingResource",
    "ProfileDirectory",
    "ProfileKey",
    "Served",
    "parse_file_name",
    "retrieval_form",
]

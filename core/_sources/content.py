"""Turning fetched bytes into a document, by content type.

Sources know nothing of flags and hand over bytes; the store calls this to get the payload a
`Snapshot` exposes as ``document``. Content types are matched on their media type only, so
``application/json; charset=utf-8`` is JSON (the sample helper returned such bodies as bytes).
"""

from __future__ import annotations

import json
from typing import Any

from appconfig_core.errors import DocumentError

JSON = "application/json"
YAML = "application/x-yaml"
TEXT = "text/plain"

_YAML_TYPES = frozenset({"application/x-yaml", "application/yaml", "text/yaml", "text/x-yaml"})
_JSON_SUFFIXES = (".json",)
_YAML_SUFFIXES = (".yaml", ".yml")


def media_type(content_type: str | None) -> str:
    """The lower-cased media type without parameters (``""`` when unknown)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def content_type_for_path(path: str) -> str:
    """The content type a file's extension implies: JSON, YAML, or plain text."""
    lowered = path.lower()
    if lowered.endswith(_YAML_SUFFIXES):
        return YAML
    if lowered.endswith(_JSON_SUFFIXES):
        return JSON
    return TEXT


def parse_content(raw: bytes, content_type: str | None) -> Any:
    """Decode ``raw`` as JSON, YAML or text; raise `DocumentError` saying what failed.

    An unknown content type is tried as JSON and kept as text when that fails, since
    AppConfig hands out whatever type a configuration was stored with.
    """
    kind = media_type(content_type)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"content is not UTF-8 (byte {exc.start})", location="document"
        ) from None
    if kind == JSON or kind.endswith("+json"):
        return _parse_json(text)
    if kind in _YAML_TYPES:
        return _parse_yaml(text)
    if kind == TEXT:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", location="document"
        ) from None
    except RecursionError:
        raise DocumentError("invalid JSON: nested too deeply", location="document") from None


def _parse_yaml(text: str) -> Any:
    import yaml  # noqa: PLC0415 - PyYAML is only paid for by YAML users

    try:
        return yaml.load(text, Loader=_loader_class())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise DocumentError(f"invalid YAML: {exc.problem}{where}", location="document") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise DocumentError(f"invalid YAML: {type(exc).__name__}", location="document") from None


_LOADER: type | None = None


def _loader_class() -> type:
    """PyYAML's safe loader, refusing aliases.

    An alias (``*name``) lets a few lines expand into an exponentially large document (the
    "billion laughs"); flag documents never need one, and AppConfig's JSON cannot hold one.
    """
    global _LOADER  # noqa: PLW0603 - built once, on first YAML use
    if _LOADER is None:
        import yaml  # noqa: PLC0415

        class NoAliasLoader(yaml.SafeLoader):
            def compose_node(self, parent: Any, index: Any) -> Any:
                if self.check_event(yaml.AliasEvent):
                    event = self.peek_event()  # type: ignore[no-untyped-call]
                    raise yaml.composer.ComposerError(
                        None, None, "aliases (*name) are not accepted", event.start_mark
                    )
                return super().compose_node(parent, index)

        _LOADER = NoAliasLoader
    return _LOADER

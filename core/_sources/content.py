"""Turning fetched bytes into a document: by content type when it is JSON or YAML, else by content.

Sources know nothing of flags and hand over bytes; the store calls this to get the payload a
`Snapshot` exposes as ``document``. Content types are matched on their media type only, so
``application/json; charset=utf-8`` is JSON (the sample helper returned such bodies as bytes).
"""

from __future__ import annotations

import json
import sys
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
    """Decode ``raw`` as JSON, YAML or text; raise only `DocumentError`, saying what failed.

    A JSON or YAML content type is a promise the body must keep. Any other type (``text/plain``,
    ``application/octet-stream``, none at all) is only a hint: AppConfig hands out whatever
    type a configuration was stored with, so a body that is a JSON or YAML object or list is
    parsed as such, and anything else stays text.
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
    return _sniff(text)


def _sniff(text: str) -> Any:
    """The object or list ``text`` holds as JSON or YAML; ``text`` itself when it holds neither."""
    for parse in (_parse_json, _parse_yaml):
        try:
            document = parse(text)
        except DocumentError:
            continue
        if isinstance(document, dict | list):
            return document
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
    except ValueError:
        # The only other ValueError: an integer longer than Python's conversion limit.
        raise DocumentError(
            f"invalid JSON: a number has more than {_max_digits()} digits", location="document"
        ) from None


def _parse_yaml(text: str) -> Any:
    import yaml  # noqa: PLC0415 - PyYAML is only paid for by YAML users

    try:
        return yaml.load(text, Loader=_loader_class())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise DocumentError(f"invalid YAML: {exc.problem}{where}", location="document") from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {type(exc).__name__}", location="document") from None
    except RecursionError:
        raise DocumentError("invalid YAML: nested too deeply", location="document") from None
    except Exception as exc:  # noqa: BLE001 - a value PyYAML cannot build (a date 2024-13-45...)
        # Only the type: messages such as int()'s quote the content.
        raise DocumentError(
            f"invalid YAML: a value cannot be read ({type(exc).__name__})", location="document"
        ) from None


def _max_digits() -> int:
    return sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300


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

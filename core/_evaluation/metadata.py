"""What a document says about its flags besides their values: `FlagInfo`, one per flag.

Formats build it once, at load, and attach it to the compiled flag (``info``); `Snapshot`
hands it out in document order (``snapshot.flags``), and every reader of flag metadata (the
OpenFeature provider's flag metadata, the debug panel, the example projects' flag tables)
takes it from there instead of digging in the raw document. Only the AppConfig stored form
declares descriptions, deprecations and attributes; the other formats give names only.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .result import EMPTY_MAPPING


@dataclass(frozen=True, slots=True)
class Deprecation:
    """A planned deprecation (the stored form's ``_deprecation``); ``date`` may be unset."""

    status: str
    date: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    """An attribute a flag declares: its description and constraints, as the document wrote them."""

    name: str
    description: str | None = None
    constraints: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class FlagInfo:
    """One flag as the document declares it; ``attributes`` keep the document's order.

    ``display_name`` is the stored form's ``name`` (a human title, the key being ``name``).
    """

    name: str
    display_name: str | None = None
    description: str | None = None
    deprecation: Deprecation | None = None
    attributes: Mapping[str, AttributeInfo] = field(default_factory=lambda: EMPTY_MAPPING)

    @property
    def deprecated(self) -> bool:
        """Whether the document plans this flag's deprecation."""
        return self.deprecation is not None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe dict, for command lines and health payloads."""
        deprecation = self.deprecation
        return {
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "deprecation": None
            if deprecation is None
            else {
                "status": deprecation.status,
                "date": None if deprecation.date is None else deprecation.date.isoformat(),
            },
            "attributes": {
                key: {"description": attribute.description, "constraints": attribute.constraints}
                for key, attribute in self.attributes.items()
            },
        }


__all__ = ["AttributeInfo", "Deprecation", "FlagInfo"]

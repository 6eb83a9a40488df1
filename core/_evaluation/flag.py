"""A flag whose answer does not depend on the context, built once at load."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .flagset import Context
from .metadata import FlagInfo
from .result import EMPTY_MAPPING, STATIC, Evaluation


class StaticFlag:
    """Answers with one prebuilt `Evaluation`: a dict lookup and an attribute read per call."""

    __slots__ = ("_evaluation", "definition", "enabled", "info", "name")

    def __init__(
        self,
        name: str,
        enabled: bool,
        *,
        value: Any = None,
        attributes: Mapping[str, Any] | None = None,
        variant: str | None = None,
        reason: str = STATIC,
        version: str | None = None,
        definition: Any = None,
        info: FlagInfo | None = None,
    ) -> None:
        self.name = name
        self.definition = definition
        #: What the document declares about the flag (`Snapshot.flags`), when it does.
        self.info = info
        self.enabled = enabled
        self._evaluation = Evaluation(
            name=name,
            enabled=enabled,
            value=enabled if value is None else value,
            attributes=MappingProxyType(dict(attributes)) if attributes else EMPTY_MAPPING,
            variant=variant,
            reason=reason,
            version=version,
        )

    def is_enabled(self, context: Context) -> bool:  # noqa: ARG002 - the context cannot matter
        """Whether the flag is on; the context is ignored."""
        return self.enabled

    def evaluate(self, context: Context) -> Evaluation:  # noqa: ARG002 - the context cannot matter
        """The prebuilt evaluation."""
        return self._evaluation

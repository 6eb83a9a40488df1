"""Test helpers that need no framework: force a variant for the contexts a test picks.

    from appconfig_core.testing import force_variant

    with force_variant(client, "staff_tools", "staff", when=lambda ctx: ctx.get("is_staff")):
        assert client.evaluate("staff_tools", {"is_staff": True}).variant == "staff"

Unlike ``client.override({"staff_tools": {"enabled": True, "_variant": "staff"}})``, which
answers every context alike, `force_variant` keeps the document's rules for every other
context (LaunchDarkly's ``TestData`` does the same), so a test can check both sides of a
targeted flag. The Django and Flask helpers (``django_appconfig.testing.force_variant``,
``AppConfigFlags.force_variant``) call this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from ._evaluation.flagset import CompiledFlag, Context
from ._evaluation.result import EMPTY_MAPPING, ERROR, FLAG_NOT_FOUND, TARGETING_MATCH, Evaluation
from ._integration.flags_page import stored_variants, variant_names
from ._runtime.client import FlagClient
from .errors import ConfigurationError

Predicate = Callable[[Mapping[str, Any]], object]

__all__ = ["Predicate", "force_variant"]


@contextmanager
def force_variant(
    client: FlagClient,
    flag: str,
    variant: str,
    *,
    when: Predicate | None = None,
    enabled: bool | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[FlagClient]:
    """Answer ``variant`` of ``flag`` to the contexts ``when`` accepts (all when omitted).

    The variant's ``enabled`` and attributes come from the document when it defines that
    variant; ``enabled`` and ``attributes`` replace them (needed when the document lacks the
    flag, as in a test client over an empty document, where they default to on and none).
    Other contexts get the document's answer, following new versions as they load. Nests
    with `FlagClient.override`; restored on exit. Raises `ConfigurationError` when the loaded
    document defines the flag's variants and none is named ``variant``, and, as `override`
    does, `UnknownFlagError` for a flag the loaded document lacks (unless ``strict=False``).
    """
    names = variant_names(client.snapshot().definition(flag))
    if names and variant not in names:
        raise ConfigurationError(
            f"flag {flag!r} has no variant {variant!r}; its variants are {', '.join(names)}"
        )
    forced = _ForcedVariant(flag, variant, when, enabled, attributes)
    with client._layer({flag: forced}):
        yield client


class _ForcedVariant:
    """The `Wrapping` force_variant installs: rebuilt over each new document's flag."""

    def __init__(
        self,
        name: str,
        variant: str,
        when: Predicate | None,
        enabled: bool | None,
        attributes: Mapping[str, Any] | None,
    ) -> None:
        self._name, self._variant, self._when = name, variant, when
        self._enabled, self._attributes = enabled, attributes

    def over(self, flag: CompiledFlag | None) -> CompiledFlag:
        """The flag answering the forced variant where ``when`` holds, else as ``flag``."""
        declared = next(
            (
                v
                for v in stored_variants(None if flag is None else flag.definition)
                if v.get("name") == self._variant
            ),
            {},
        )
        enabled = self._enabled if self._enabled is not None else declared.get("enabled", True)
        attributes = self._attributes
        if attributes is None:
            attributes = declared.get("attributeValues", {}) if enabled else {}
        answer = Evaluation(
            self._name,
            bool(enabled),
            bool(enabled),
            attributes=MappingProxyType(dict(attributes)) if attributes else EMPTY_MAPPING,
            variant=self._variant,
            reason=TARGETING_MATCH,
        )
        return _ForcedFlag(self._name, flag, answer, self._when)


class _ForcedFlag:
    """``answer`` for the contexts ``when`` accepts; ``base`` (the document's flag) otherwise."""

    __slots__ = ("_answer", "_base", "_missing", "_when", "definition", "name")

    def __init__(
        self, name: str, base: CompiledFlag | None, answer: Evaluation, when: Predicate | None
    ) -> None:
        self.name = name
        self.definition = None if base is None else base.definition
        self._base, self._answer, self._when = base, answer, when
        self._missing = Evaluation(name, False, False, reason=ERROR, error=FLAG_NOT_FOUND)

    def _forced(self, context: Context) -> bool:
        return self._when is None or bool(self._when(context))

    def is_enabled(self, context: Context) -> bool:
        """The forced answer's ``enabled`` where it applies, else the document's."""
        if self._forced(context):
            return self._answer.enabled
        return False if self._base is None else self._base.is_enabled(context)

    def evaluate(self, context: Context) -> Evaluation:
        """The forced variant where it applies, else the document's evaluation."""
        if self._forced(context):
            return self._answer
        return self._missing if self._base is None else self._base.evaluate(context)

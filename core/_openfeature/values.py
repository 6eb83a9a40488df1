"""How the OpenFeature provider turns a snapshot's evaluations into typed values.

Kept apart from ``appconfig_core.openfeature`` so that the provider module holds the
lifecycle and events, and this one the conventions that docs/openfeature.md states: how a
key addresses a flag or an attribute, which value a typed read gets, which variant a plain
flag reports, and what flag metadata a snapshot knows. Nothing here imports ``openfeature``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from appconfig_core._evaluation.metadata import FlagInfo
from appconfig_core._evaluation.result import ERROR, FLAG_NOT_FOUND, PROVIDER_NOT_READY, Evaluation
from appconfig_core._evaluation.snapshot import Snapshot
from appconfig_core._formats.detect import is_stored_form
from appconfig_core._rules.syntax import Call, Node, Ref, parse_rule
from appconfig_core.errors import DocumentError

MetadataValue = bool | int | float | str
Metadata = Mapping[str, MetadataValue]

#: Markers `pick` returns instead of a value.
DISABLED_FLAG: Final = object()
NO_ATTRIBUTE: Final = object()
ON_OFF_FLAG: Final = object()
WRONG_TYPE: Final = object()

_MISSING: Final = frozenset({FLAG_NOT_FOUND, PROVIDER_NOT_READY})
EMPTY: Final[Metadata] = MappingProxyType({})
KINDS: Final = {
    "boolean": "a boolean",
    "string": "a string",
    "integer": "an integer",
    "float": "a number",
    "object": "an object or a list",
}


@dataclass(frozen=True, slots=True)
class FlagFacts:
    """What the provider reports about one flag of one snapshot, built once per snapshot."""

    metadata: Metadata
    #: Context keys that a ``split`` rule of this flag buckets by.
    split_keys: frozenset[str]
    #: False for a stored-form flag whose only variant is its default: nothing targets.
    targeted: bool = True
    #: A Powertools feature: its boolean value is a value, not an on/off switch.
    feature: bool = False


class FactsBySnapshot:
    """`FlagFacts` per flag name for the newest snapshot seen; rebuilt when the snapshot changes.

    Evaluations happen on many threads; a lost race only computes an entry twice.
    """

    def __init__(self) -> None:
        self._entry: tuple[Snapshot | None, dict[str, FlagFacts]] = (None, {})
        #: Whether the last `get` started over for a new snapshot.
        self.renewed = False

    def get(self, snapshot: Snapshot, name: str, version: str | None) -> FlagFacts:
        """The facts of flag ``name`` in ``snapshot``."""
        seen, infos = self._entry
        self.renewed = seen is not snapshot
        if self.renewed:
            infos = {}
            self._entry = (snapshot, infos)
        info = infos.get(name)
        if info is None:
            info = _build(snapshot, name, version)
            infos[name] = info
        return info


def _build(snapshot: Snapshot, name: str, version: str | None) -> FlagFacts:
    metadata: dict[str, MetadataValue] = {} if version is None else {"version": version}
    declared = snapshot.flag(name)
    if declared is not None:
        metadata.update(_declared(declared))
    split_keys: frozenset[str] = frozenset()
    targeted = True
    feature = False
    definition = snapshot.definition(name)
    if isinstance(definition, Mapping) and is_stored_form(snapshot.document):
        rules = _rules(definition.get("value"))
        targeted = bool(rules)
        split_keys = frozenset(key for rule in rules for key in _split_refs(rule))
    elif isinstance(definition, Mapping):
        feature = "default" in definition and "enabled" not in definition
    shown = MappingProxyType(metadata) if metadata else EMPTY
    return FlagFacts(shown, split_keys, targeted, feature)


def _declared(declared: FlagInfo) -> Iterator[tuple[str, MetadataValue]]:
    """What the document declares about a flag, as OpenFeature flag metadata (scalars)."""
    if declared.description:
        yield "description", declared.description
    if declared.deprecation is not None:
        yield "deprecation", declared.deprecation.status
        if declared.deprecation.date is not None:
            yield "deprecationDate", declared.deprecation.date.isoformat()


def _rules(value: Any) -> list[Call]:
    """The parsed rules of a stored-form flag's variants (none for plain flags)."""
    variants = value.get("_variants") if isinstance(value, Mapping) else None
    if not isinstance(variants, list):
        return []
    rules = []
    for variant in variants:
        rule = variant.get("rule") if isinstance(variant, Mapping) else None
        if not isinstance(rule, str) or not rule.strip():
            continue
        try:
            rules.append(parse_rule(rule))
        except DocumentError:
            continue  # the compiler refused it already; the flag would not exist
    return rules


def _split_refs(node: Node) -> Iterator[str]:
    if not isinstance(node, Call):
        return
    if node.op == "split":
        for name, param, _ in node.params:
            if name == "by" and isinstance(param, Ref):
                yield param.key
    for child in node.args:
        yield from _split_refs(child)


def locate(
    snapshot: Snapshot, key: str, context: Mapping[str, Any]
) -> tuple[Evaluation, str | None]:
    """The evaluation a key names and the attribute it asks for, if any.

    A flag named exactly ``key`` wins (Powertools feature names may hold dots); then
    ``flag:attribute`` (the .NET AppConfig provider's addressing), then ``flag.attribute``
    split at the last dot.
    """
    evaluation = snapshot.evaluate(key, context)
    if evaluation.error not in _MISSING:
        return evaluation, None
    for flag, separator, attribute in (key.partition(":"), key.rpartition(".")):
        if separator and flag and attribute:
            found = snapshot.evaluate(flag, context)
            if found.error not in _MISSING:
                return found, attribute
    return evaluation, None


def pick(
    evaluation: Evaluation, attribute: str | None, kind: str, value_attribute: str, *, feature: bool
) -> Any:
    """The raw value a read of ``kind`` gets, or one of the markers above."""
    attributes = evaluation.attributes
    if attribute is not None:
        if attribute in attributes:
            return attributes[attribute]
        return NO_ATTRIBUTE if evaluation.enabled else DISABLED_FLAG
    value = evaluation.value
    if not isinstance(value, bool):
        return value  # a non-boolean Powertools feature: its value, whatever was asked
    if kind == "boolean":
        return evaluation.enabled
    if feature:
        return value  # a boolean Powertools feature read as another type: a mismatch
    if value_attribute in attributes:
        return attributes[value_attribute]
    return ON_OFF_FLAG if evaluation.enabled else DISABLED_FLAG


def variant_of(evaluation: Evaluation) -> str:
    """The variant to report: the flag's own, else ``on``/``off``, else ``default``."""
    if evaluation.variant is not None:
        return evaluation.variant
    if isinstance(evaluation.value, bool):
        return "on" if evaluation.enabled else "off"
    return "default"


def is_error(evaluation: Evaluation) -> bool:
    """Whether the snapshot could not evaluate the flag at all."""
    return evaluation.reason == ERROR


def convert(raw: Any, kind: str) -> Any:
    """``raw`` as the type ``kind`` names (a deep mutable copy for objects), or `WRONG_TYPE`."""
    if kind == "boolean":
        return raw if isinstance(raw, bool) else WRONG_TYPE
    if kind == "string":
        return raw if isinstance(raw, str) else WRONG_TYPE
    if isinstance(raw, bool):
        return WRONG_TYPE
    if kind == "integer":
        return raw if isinstance(raw, int) else WRONG_TYPE
    if kind == "float":
        return float(raw) if isinstance(raw, int | float) else WRONG_TYPE
    return _plain(raw) if isinstance(raw, Mapping | list | tuple) else WRONG_TYPE


def _plain(value: Any) -> Any:
    """A deep, mutable copy: callers may change what they get without touching the snapshot."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def mismatch(key: str, raw: Any, kind: str, value_attribute: str) -> str:
    """Why ``raw`` cannot be read as ``kind``, with the key convention when it helps."""
    if raw is ON_OFF_FLAG:
        return (
            f"flag {key!r} is an on/off flag with no {value_attribute!r} attribute, not"
            f' {KINDS[kind]}; give it one, or read an attribute as "{key}.<attribute>"'
        )
    got = "null" if raw is None else type(raw).__name__
    return f"{key!r} holds a {got}, not {KINDS[kind]}"


def version_only(version: str | None) -> Metadata:
    """Flag metadata when nothing but the configuration version is known."""
    return EMPTY if version is None else MappingProxyType({"version": version})

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from appconfig_core import ConfigurationError, Deprecation, Evaluation, FlagInfo, Snapshot
from appconfig_core._evaluation.snapshot import compile_defaults
from appconfig_core._evaluation.usage import ReadLog
from appconfig_core._formats.powertools import compile_powertools
from appconfig_core._formats.retrieval import compile_retrieval
from appconfig_core._formats.stored import compile_stored

DOC = {"beta": {"enabled": True, "color": "red"}, "off": {"enabled": False}}


def make(document: object = DOC, defaults: dict | None = None, loaded: bool = True) -> Snapshot:  # type: ignore[type-arg]
    return Snapshot(
        document=document if loaded else None,
        flags=compile_retrieval(document, version="3") if loaded else {},
        defaults=compile_defaults(defaults),
        version="3" if loaded else None,
        content_type="application/json",
        loaded_at=datetime.now(timezone.utc) if loaded else None,
    )


class TestSnapshotReads:
    def test_flag_from_document(self) -> None:
        """A flag in the document answers with its value, attributes and the version."""
        evaluation = make().evaluate("beta")
        assert (True, "red", "STATIC", "3") == (
            evaluation.enabled,
            evaluation.attributes["color"],
            evaluation.reason,
            evaluation.version,
        )

    def test_attributes_are_read_only(self) -> None:
        """Callers cannot change an evaluation's attributes."""
        with pytest.raises(TypeError):
            make().evaluate("beta").attributes["color"] = "blue"  # type: ignore[index]

    def test_missing_flag_uses_the_callers_default(self) -> None:
        """A missing flag gives the caller's default and FLAG_NOT_FOUND."""
        snapshot = make()
        assert snapshot.is_enabled("nope", default=True)
        assert ("ERROR", "FLAG_NOT_FOUND") == (
            snapshot.evaluate("nope").reason,
            snapshot.evaluate("nope").error,
        )

    def test_not_loaded_says_not_ready(self) -> None:
        """Before any document, a missing flag reports PROVIDER_NOT_READY."""
        assert "PROVIDER_NOT_READY" == make(loaded=False).evaluate("beta").error

    def test_defaults_fill_in(self) -> None:
        """Code defaults answer for flags the document lacks, with reason DEFAULT."""
        snapshot = make(defaults={"later": True, "beta": False})
        assert snapshot.is_enabled("later")
        assert "DEFAULT" == snapshot.evaluate("later").reason
        assert snapshot.is_enabled("beta"), "the document wins over the defaults"

    def test_defaults_before_load(self) -> None:
        """Before any document, defaults answer."""
        assert make(defaults={"beta": True}, loaded=False).is_enabled("beta")

    def test_defaults_with_attributes(self) -> None:
        """A default can carry attributes."""
        snapshot = make(defaults={"x": {"enabled": True, "limit": 3}}, loaded=False)
        assert 3 == snapshot.evaluate("x").attributes["limit"]

    def test_bad_default_raises(self) -> None:
        """A default that is not a bool or an object with "enabled" is a ConfigurationError."""
        with pytest.raises(ConfigurationError, match=r"defaults\['x'\]"):
            compile_defaults({"x": "yes"})

    def test_wrong_context_type_gives_default(self) -> None:
        """A context that is not a mapping gives the default and INVALID_CONTEXT, never raises."""
        snapshot = make()
        assert snapshot.is_enabled("beta", ["not", "a", "mapping"], default=False) is False  # type: ignore[arg-type]
        assert "INVALID_CONTEXT" == snapshot.evaluate("beta", 42).error  # type: ignore[arg-type]

    def test_a_raising_flag_gives_error_and_default(self) -> None:
        """A compiled flag that raises still answers: ERROR/GENERAL, or the caller's default."""

        class Broken:
            definition = None

            def is_enabled(self, context: object) -> bool:
                raise RuntimeError("bug")

            def evaluate(self, context: object) -> Evaluation:
                raise RuntimeError("bug")

        snapshot = Snapshot(
            document={},
            flags={"b": Broken()},  # type: ignore[dict-item]
            defaults={},
            version="7",
            content_type=None,
            loaded_at=datetime.now(timezone.utc),
        )
        evaluation = snapshot.evaluate("b", {"k": 1})
        assert (evaluation.enabled, evaluation.reason, evaluation.error, evaluation.version) == (
            False,
            "ERROR",
            "GENERAL",
            "7",
        )
        assert snapshot.is_enabled("b", default=True) is True

    def test_flag_names_are_the_documents(self) -> None:
        """flag_names lists the document's flags, not the defaults."""
        assert ("beta", "off") == make(defaults={"d": True}).flag_names


class TestChangedFlags:
    def test_first_snapshot_changes_everything(self) -> None:
        """Against no previous snapshot every flag counts as changed."""
        assert frozenset({"beta", "off"}) == make().changed_flags(None)

    def test_only_redefined_added_and_removed(self) -> None:
        """Only flags whose definition differs, or that appeared or vanished, are changed."""
        old = make()
        new = make(
            {
                "beta": {"enabled": True, "color": "blue"},
                "off": {"enabled": False},
                "n": {"enabled": True},
            }
        )
        assert frozenset({"beta", "n"}) == new.changed_flags(old)
        assert frozenset({"beta", "n"}) == old.changed_flags(new)


#: A stored-form document whose order (zeta, alpha, mid) is not sorted order.
UNSORTED = {
    "version": "1",
    "flags": {
        "zeta": {
            "name": "Zeta",
            "description": "The last letter first",
            "attributes": {
                "color": {"description": "Banner colour", "constraints": {"type": "string"}},
                "size": {"constraints": {"type": "number"}},
            },
        },
        "alpha": {"name": "Alpha", "_deprecation": {"status": "planned", "date": "2030-01-31"}},
        "mid": {"name": "Mid"},
    },
    "values": {
        "zeta": {"enabled": True, "color": "red", "size": 2},
        "alpha": {"enabled": False},
        "mid": {"enabled": True},
    },
}


def stored_snapshot(defaults: dict | None = None) -> Snapshot:  # type: ignore[type-arg]
    return Snapshot(
        document=UNSORTED,
        flags=compile_stored(UNSORTED, version="7"),
        defaults=compile_defaults(defaults),
        version="7",
        content_type="application/json",
        loaded_at=datetime.now(timezone.utc),
    )


class TestDocumentOrder:
    def test_flag_names_follow_the_document(self) -> None:
        """flag_names is a tuple in the document's order, not sorted or hashed order."""
        assert ("zeta", "alpha", "mid") == stored_snapshot().flag_names

    def test_enabled_flags_in_document_order_then_defaults(self) -> None:
        """enabled_flags lists the document's flags that are on, in order, then the defaults'."""
        snapshot = stored_snapshot(defaults={"later": True, "zeta": False, "never": False})
        assert ("zeta", "mid", "later") == snapshot.enabled_flags()

    def test_enabled_flags_of_a_powertools_schema_keep_its_order(self) -> None:
        """Powertools' get_enabled_features equivalent keeps the schema's order and rules."""
        schema = {
            "zz": {"default": True},
            "rule": {
                "default": False,
                "rules": {
                    "pro": {
                        "when_match": True,
                        "conditions": [{"action": "EQUALS", "key": "plan", "value": "pro"}],
                    }
                },
            },
            "aa": {"default": True},
        }
        snapshot = Snapshot(
            document=schema,
            flags=compile_powertools(schema),
            defaults={},
            version="1",
            content_type=None,
            loaded_at=datetime.now(timezone.utc),
        )
        assert ("zz", "aa") == snapshot.enabled_flags({"plan": "free"})
        assert ("zz", "rule", "aa") == snapshot.enabled_flags({"plan": "pro"})


class TestMetadata:
    def test_flags_in_document_order_with_what_they_declare(self) -> None:
        """flags gives each flag's display name, description, deprecation and attributes."""
        zeta, alpha, mid = stored_snapshot().flags
        assert ("zeta", "Zeta", "The last letter first") == (
            zeta.name,
            zeta.display_name,
            zeta.description,
        )
        assert ["color", "size"] == list(zeta.attributes)
        assert ("Banner colour", {"type": "string"}) == (
            zeta.attributes["color"].description,
            zeta.attributes["color"].constraints,
        )
        assert Deprecation("planned", date(2030, 1, 31)) == alpha.deprecation
        assert (True, False) == (alpha.deprecated, mid.deprecated)

    def test_one_flag_by_name(self) -> None:
        """flag(name) is that flag's metadata, None for a name the document lacks."""
        snapshot = stored_snapshot(defaults={"d": True})
        assert "Mid" == snapshot.flag("mid").display_name  # type: ignore[union-attr]
        assert (None, None) == (snapshot.flag("d"), snapshot.flag("nope"))

    def test_other_formats_give_names_only(self) -> None:
        """A retrieval-form flag has a name and nothing declared."""
        assert (FlagInfo("beta"), FlagInfo("off")) == make().flags

    def test_as_dict_is_json_safe(self) -> None:
        """as_dict gives plain values: the date as ISO text."""
        record = stored_snapshot().flag("alpha").as_dict()  # type: ignore[union-attr]
        assert {"status": "planned", "date": "2030-01-31"} == record["deprecation"]
        assert json.loads(json.dumps(record)) == record


class TestReadsAreCounted:
    def test_reads_and_unknown_names_go_to_the_log(self, caplog: pytest.LogCaptureFixture) -> None:
        """is_enabled and evaluate count reads; peek does not; an unknown name is reported once."""
        reads = ReadLog(label="test document")
        snapshot = Snapshot(
            document=DOC,
            flags=compile_retrieval(DOC, version="3"),
            defaults={},
            version="3",
            content_type=None,
            loaded_at=datetime.now(timezone.utc),
            reads=reads,
        )
        snapshot.is_enabled("beta")
        snapshot.evaluate("beta")
        snapshot.peek("off")
        snapshot.is_enabled("bta")
        snapshot.evaluate("bta")
        usage = reads.usage(snapshot.flag_names, "3")
        assert {"beta": 2, "off": 0, "bta": 2} == {flag.name: flag.reads for flag in usage.flags}
        assert (("off",), ("bta",)) == (usage.never_read, usage.not_in_document)
        [warning] = [r.getMessage() for r in caplog.records if "'bta'" in r.getMessage()]
        assert "version 3 of test document" in warning
        assert "Did you mean 'beta'?" in warning

    def test_nothing_is_judged_before_a_document(self, caplog: pytest.LogCaptureFixture) -> None:
        """While only defaults serve, an unknown name is counted but neither reported nor raised."""
        reads = ReadLog(strict=True)
        snapshot = Snapshot(
            document=None,
            flags={},
            defaults=compile_defaults({"d": True}),
            version=None,
            content_type=None,
            loaded_at=None,
            reads=reads,
        )
        assert snapshot.is_enabled("typo", default=True) is True
        assert "FLAG_NOT_FOUND" != snapshot.evaluate("typo").error
        assert not [r for r in caplog.records if "typo" in r.getMessage()]
        assert ("typo",) == reads.usage((), None).not_in_document

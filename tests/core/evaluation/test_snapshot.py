from __future__ import annotations

from datetime import datetime, timezone

import pytest

from appconfig_core import ConfigurationError, Evaluation, Snapshot
from appconfig_core._evaluation.snapshot import compile_defaults
from appconfig_core._formats.retrieval import compile_retrieval

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

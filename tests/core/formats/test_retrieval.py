"""The AppConfig retrieval form: what GetLatestConfiguration and the Agent return."""

from __future__ import annotations

from typing import Any

import pytest

from appconfig_core._evaluation.result import STATIC
from appconfig_core._formats.retrieval import compile_retrieval
from appconfig_core.errors import DocumentError

DOC = {
    "ui_refresh": {"enabled": True, "color": "blue", "sizes": [1, 2]},
    "emergency_off": {"enabled": False},
    "tiers": {"enabled": True, "size": 1, "_variant": "Small"},
}


class TestFlags:
    def test_enabled_flag_with_attributes(self) -> None:
        """An enabled flag answers STATIC with its attributes and the document's version."""
        evaluation = compile_retrieval(DOC, version="4")["ui_refresh"].evaluate({})
        assert (evaluation.enabled, evaluation.value, evaluation.reason, evaluation.version) == (
            True,
            True,
            STATIC,
            "4",
        )
        assert dict(evaluation.attributes) == {"color": "blue", "sizes": [1, 2]}
        assert evaluation.variant is None

    def test_disabled_flag(self) -> None:
        """A disabled flag answers false with no attributes."""
        flag = compile_retrieval(DOC)["emergency_off"]
        assert flag.is_enabled({}) is False
        assert dict(flag.evaluate({}).attributes) == {}

    def test_agent_variant_is_passed_through(self) -> None:
        """The Agent's _variant becomes Evaluation.variant and is not an attribute."""
        evaluation = compile_retrieval(DOC)["tiers"].evaluate({})
        assert evaluation.variant == "Small"
        assert dict(evaluation.attributes) == {"size": 1}

    def test_attributes_are_read_only(self) -> None:
        """Callers cannot change the shared evaluation's attributes."""
        evaluation = compile_retrieval(DOC)["ui_refresh"].evaluate({})
        with pytest.raises(TypeError):
            evaluation.attributes["color"] = "red"  # type: ignore[index]

    def test_context_is_ignored(self) -> None:
        """A retrieval-form flag gives the same prebuilt answer whatever the context."""
        flag = compile_retrieval(DOC)["ui_refresh"]
        assert flag.evaluate({"userId": "u"}) is flag.evaluate({})

    def test_empty_document(self) -> None:
        """An empty object is a valid document with no flags."""
        assert compile_retrieval({}) == {}


class TestProblems:
    def test_not_an_object(self) -> None:
        """A document that is not an object is rejected at location "document"."""
        with pytest.raises(DocumentError) as info:
            compile_retrieval(["x"])
        assert info.value.problems == [("document", "expected an object of flags, got list")]

    @pytest.mark.parametrize(
        ("entry", "message"),
        [
            ("on", "expected an object, got str"),
            ({"color": "red"}, '"enabled" must be true or false'),
            ({"enabled": "true"}, '"enabled" must be true or false'),
        ],
    )
    def test_bad_entries(self, entry: Any, message: str) -> None:
        """Each bad entry is reported with the flag's name."""
        with pytest.raises(DocumentError) as info:
            compile_retrieval({"good": {"enabled": True}, "bad": entry})
        assert info.value.problems == [("flag 'bad'", message)]

    def test_every_bad_entry_is_listed(self) -> None:
        """All bad entries are reported at once."""
        with pytest.raises(DocumentError) as info:
            compile_retrieval({"a": 1, "b": {"enabled": None}})
        assert [location for location, _ in info.value.problems] == ["flag 'a'", "flag 'b'"]

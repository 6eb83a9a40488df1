from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from appconfig_core import FlagsView, Snapshot
from appconfig_core._evaluation.usage import ReadLog
from appconfig_core._formats.retrieval import compile_retrieval

DOC = {"beta": {"enabled": True, "color": "red"}, "off": {"enabled": False}}


def snapshot(document: dict = DOC, version: str = "1") -> Snapshot:  # type: ignore[type-arg]
    return Snapshot(
        document=document,
        flags=compile_retrieval(document, version=version),
        defaults={},
        version=version,
        content_type="application/json",
        loaded_at=datetime.now(timezone.utc),
    )


class TestFlagsView:
    def test_reads(self) -> None:
        """A view answers is_enabled, [], value, variant and `in` from its snapshot."""
        view = FlagsView(snapshot())
        assert (True, False, True) == (view.is_enabled("beta"), view["off"], "beta" in view)
        assert ("red", True, None) == (
            view.value("beta", "color"),
            view.value("beta"),
            view.variant("beta"),
        )
        assert "nope" not in view

    def test_missing_flag_uses_default(self) -> None:
        """A missing flag gives the caller's default for is_enabled and value."""
        view = FlagsView(snapshot())
        assert view.is_enabled("nope", default=True)
        assert "x" == view.value("nope", "color", default="x")

    def test_memoises_per_flag(self) -> None:
        """Each flag is evaluated once per view and listed in `evaluated`."""

        class CountingSnapshot:
            def __init__(self) -> None:
                self.inner = snapshot()
                self.calls: list[str] = []

            def evaluate(self, name: str, context: object) -> object:
                self.calls.append(name)
                return self.inner.evaluate(name, context)  # type: ignore[arg-type]

        counting = CountingSnapshot()
        view = FlagsView(counting)  # type: ignore[arg-type]
        for _ in range(5):
            view.is_enabled("beta")
            view.value("beta", "color")
        assert ["beta"] == counting.calls
        assert ["beta"] == list(view.evaluated)

    def test_context_function_is_called_lazily_once(self) -> None:
        """A context function runs on the first flag read only, and only once."""
        calls: list[int] = []
        view = FlagsView(snapshot(), lambda: (calls.append(1), {"user": "a"})[1])
        assert [] == calls
        view.is_enabled("beta")
        view.is_enabled("off")
        assert [1] == calls
        assert {"user": "a"} == dict(view.context)

    def test_context_function_that_raises_gives_empty_context(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A failing context function is logged and replaced by an empty context."""

        def broken() -> dict:  # type: ignore[type-arg]
            raise RuntimeError("db down")

        view = FlagsView(snapshot(), broken)
        with caplog.at_level(logging.ERROR, "appconfig_core"):
            assert view.is_enabled("beta")
        assert {} == dict(view.context)
        assert "context function raised" in caplog.text

    def test_context_function_returning_non_mapping(self, caplog: pytest.LogCaptureFixture) -> None:
        """A context function returning a non-mapping is logged and treated as empty."""
        view = FlagsView(snapshot(), lambda: ["x"])  # type: ignore[arg-type, return-value]
        with caplog.at_level(logging.ERROR, "appconfig_core"):
            assert {} == dict(view.context)
        assert "not a mapping" in caplog.text

    def test_pinned_to_its_snapshot(self) -> None:
        """A view keeps answering from the snapshot it was made with."""
        old = snapshot()
        view = FlagsView(old)
        assert view.snapshot is old
        assert "1" == view.evaluate("beta").version


class TestPrefetch:
    class Resolver:
        def __init__(self) -> None:
            self.calls = 0

        def applies(self, snapshot: Snapshot, name: str) -> bool:
            return name == "beta"

        def resolve(self, snapshot: Snapshot, context: object) -> dict[str, object]:
            self.calls += 1
            return {}

    def test_prefetch_does_the_io_once_up_front(self) -> None:
        """prefetch() asks the resolver before any read; later reads ask nothing more."""
        resolver = self.Resolver()
        view = FlagsView(snapshot(), resolver=resolver)  # type: ignore[arg-type]
        assert view.pending_io
        view.prefetch()
        assert (1, False) == (resolver.calls, view.pending_io)
        view.is_enabled("beta")
        view.prefetch()
        assert 1 == resolver.calls

    def test_no_resolver_flags_means_no_io(self) -> None:
        """Without flags the resolver answers for, nothing is pending and prefetch does nothing."""
        resolver = self.Resolver()
        view = FlagsView(snapshot({"off": {"enabled": False}}), resolver=resolver)  # type: ignore[arg-type]
        view.prefetch()
        assert (False, 0) == (view.pending_io, resolver.calls)


class TestEnabledFlags:
    def test_in_document_order_for_the_views_context(self) -> None:
        """enabled_flags answers for the view's context, in the document's order, memoised."""
        document = {"zz": {"enabled": True}, "mm": {"enabled": False}, "aa": {"enabled": True}}
        view = FlagsView(snapshot(document))
        assert ("zz", "aa") == view.enabled_flags()
        assert ["zz", "mm", "aa"] == list(view.evaluated)

    def test_a_view_counts_each_flag_once(self) -> None:
        """Reads through one view count once per flag (the memo answers the rest)."""
        reads = ReadLog()
        pinned = Snapshot(
            document=DOC,
            flags=compile_retrieval(DOC, version="1"),
            defaults={},
            version="1",
            content_type=None,
            loaded_at=datetime.now(timezone.utc),
            reads=reads,
        )
        for _ in range(2):
            view = FlagsView(pinned)
            for _ in range(5):
                view.is_enabled("beta")
        assert {"beta": 2, "off": 0} == {f.name: f.reads for f in reads.usage(DOC, "1").flags}

from __future__ import annotations

import threading

import pytest

from appconfig_core import DocumentError
from appconfig_core._runtime.store import Store
from tests.core.conftest import content


@pytest.fixture(name="store")
def _store() -> Store:
    return Store(format="auto", defaults={"d": True})


class TestStore:
    def test_starts_with_defaults_only(self, store: Store) -> None:
        """Before any load the status says defaults and not ready."""
        status = store.status()
        assert (False, "defaults", None) == (status.ready, status.origin, status.version)
        assert store.current.is_enabled("d")

    def test_load_swaps_and_reports_the_change(self, store: Store) -> None:
        """Loading content swaps the snapshot and names the changed flags."""
        event = store.load(content({"a": {"enabled": True}}, "1"), "network")
        assert event is not None
        assert (None, frozenset({"a"})) == (event.old, event.changed)
        event = store.load(
            content({"a": {"enabled": False}, "b": {"enabled": True}}, "2"), "network"
        )
        assert event is not None and event.old is not None
        assert frozenset({"a", "b"}) == event.changed
        assert ("2", "network", True) == (
            store.status().version,
            store.status().origin,
            store.status().ready,
        )

    def test_same_content_is_no_change(self, store: Store) -> None:
        """The same bytes and version again produce no event."""
        store.load(content({"a": {"enabled": True}}), "cache")
        assert store.load(content({"a": {"enabled": True}}), "network") is None
        assert "network" == store.status().origin

    def test_invalid_content_keeps_the_snapshot(self, store: Store) -> None:
        """A document the evaluator rejects raises and leaves the previous snapshot in place."""
        store.load(content({"a": {"enabled": True}}), "network")
        before = store.current
        with pytest.raises(DocumentError):
            store.load(content({"a": {"enabled": "yes"}}, "2"), "network")
        assert before is store.current

    def test_failures_are_counted_and_cleared(self, store: Store) -> None:
        """Failures count up with the last error, and a success clears both."""
        store.record_failure(RuntimeError("boom"))
        store.record_failure(RuntimeError("bang"))
        assert (2, "RuntimeError: bang") == (
            store.status().consecutive_failures,
            store.status().last_error,
        )
        store.record_unchanged()
        assert (0, None) == (store.status().consecutive_failures, store.status().last_error)

    def test_overrides_survive_a_reload(self, store: Store) -> None:
        """Overrides stay laid over the snapshot when new content arrives."""
        from appconfig_core._evaluation.snapshot import compile_defaults

        store.load(content({"a": {"enabled": True}}), "network")
        store.set_overrides(compile_defaults({"a": False}))
        store.load(content({"a": {"enabled": True}, "b": {"enabled": True}}, "2"), "network")
        assert (False, True) == (store.current.is_enabled("a"), store.current.is_enabled("b"))
        store.set_overrides({})
        assert store.current.is_enabled("a")

    def test_readers_only_see_whole_snapshots(self, store: Store) -> None:
        """Threads reading while the store swaps 200 times never see a half-applied document."""
        names = [f"f{i}" for i in range(50)]
        docs = [
            content({n: {"enabled": on} for n in names}, str(i))
            for i, on in enumerate([True, False] * 100)
        ]
        stop = threading.Event()
        torn: list[int] = []
        errors: list[BaseException] = []

        def read() -> None:
            try:
                while not stop.is_set():
                    snapshot = store.current
                    values = {snapshot.is_enabled(n) for n in names}
                    if len(values) != 1 and snapshot.loaded:
                        torn.append(1)
            except BaseException as exc:  # noqa: BLE001 - any failure in a reader is reported below
                errors.append(exc)

        readers = [threading.Thread(target=read) for _ in range(8)]
        for thread in readers:
            thread.start()
        for doc in docs:
            store.load(doc, "network")
        stop.set()
        for thread in readers:
            thread.join(10)
        assert ([], []) == (torn, errors)


class TestCacheLoad:
    def test_cache_never_replaces_a_loaded_document(self, store: Store) -> None:
        """Cached content offered once a network document is loaded is ignored, even when identical."""
        store.load(content({"a": {"enabled": True}}, "2"), "network")
        assert store.load(content({"a": {"enabled": False}}, "1"), "cache", if_empty=True) is None
        assert store.load(content({"a": {"enabled": True}}, "2"), "cache", if_empty=True) is None
        assert ("2", "network", True) == (
            store.status().version,
            store.status().origin,
            store.current.is_enabled("a"),
        )

    def test_cache_load_keeps_the_source_error_visible(self, store: Store) -> None:
        """Serving the cache after a failed fetch leaves the failure in the status."""
        store.record_failure(RuntimeError("down"))
        store.load(content({"a": {"enabled": True}}), "cache", if_empty=True)
        status = store.status()
        assert ("cache", 1, "RuntimeError: down") == (
            status.origin,
            status.consecutive_failures,
            status.last_error,
        )

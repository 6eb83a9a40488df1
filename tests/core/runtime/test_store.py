from __future__ import annotations

import json
import threading

import pytest

from appconfig_core import Content, DocumentError
from appconfig_core._runtime.store import Store
from appconfig_core.errors import FetchError
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


FLAGS = {"beta": {"enabled": True}, "gamma": {"enabled": False}}
FLAGS_JSON = json.dumps(FLAGS).encode()

#: Deployments that carry no flags, as ``(bytes, content type)``.
FLAGLESS = {
    "empty list": (b"[]", "application/json"),
    "empty object": (b"{}", "application/json"),
    "null": (b"null", "application/json"),
    "object of booleans": (b'{"beta": true}', "application/json"),
    "truncated JSON, no type": (FLAGS_JSON[:-7], None),
    "plain text": (b"maintenance window tonight", "text/plain"),
}


def raw(data: bytes, content_type: str | None, version: str) -> Content:
    return Content(data, content_type, version)


class TestFlaglessDeployments:
    @pytest.mark.parametrize(("data", "content_type"), FLAGLESS.values(), ids=FLAGLESS.keys())
    def test_refused_once_flags_are_served(
        self, data: bytes, content_type: str | None, store: Store
    ) -> None:
        """A version without flags after flags raises DocumentError and keeps every flag."""
        store.load(raw(FLAGS_JSON, "application/json", "1"), "network")
        before = store.current
        with pytest.raises(DocumentError, match="it has no flags: format auto read it as"):
            store.load(raw(data, content_type, "2"), "network")
        assert (before, "1") == (store.current, store.status().version)

    @pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", None])
    def test_flags_served_with_any_content_type_load(
        self, content_type: str | None, store: Store
    ) -> None:
        """The same JSON flags as text, as bytes or with no type load as flags, not as text."""
        store.load(raw(FLAGS_JSON, "application/json", "1"), "network")
        changed = json.dumps({**FLAGS, "gamma": {"enabled": True}}).encode()
        store.load(raw(changed, content_type, "2"), "network")
        assert ("2", True) == (store.status().version, store.current.is_enabled("gamma"))

    def test_another_format_is_refused(self, store: Store) -> None:
        """With format auto, a Powertools schema replacing AppConfig flags is refused."""
        store.load(raw(FLAGS_JSON, "application/json", "1"), "network")
        powertools = {"beta": {"default": True}}
        with pytest.raises(DocumentError, match="another format.*the Powertools schema"):
            store.load(content(powertools, "2"), "network")
        assert "1" == store.status().version

    def test_free_form_configuration_still_loads_before_any_flags(self, store: Store) -> None:
        """With format auto, a profile that never had flags serves free-form documents."""
        store.load(raw(b'{"greeting": "hello"}', "application/json", "1"), "network")
        store.load(raw(b"[1, 2]", "application/json", "2"), "network")
        assert ("2", [1, 2]) == (store.status().version, store.current.document)

    @pytest.mark.parametrize("fmt", ["appconfig", "powertools"])
    def test_explicit_flag_formats_refuse_an_empty_set_too(self, fmt: str) -> None:
        """With an explicit flag format, an empty flag set after flags is refused as well."""
        store = Store(format=fmt, defaults=None)
        doc = FLAGS if fmt == "appconfig" else {"beta": {"default": True}}
        store.load(content(doc, "1"), "network")
        with pytest.raises(DocumentError, match=f"it has no flags: format '{fmt}'"):
            store.load(content({}, "2"), "network")

    def test_explicit_raw_serves_raw_after_anything(self) -> None:
        """Only format="raw" serves whatever comes, flags-shaped or not."""
        store = Store(format="raw", defaults=None)
        store.load(raw(FLAGS_JSON, "application/json", "1"), "network")
        store.load(raw(b"[]", "application/json", "2"), "network")
        assert ("2", []) == (store.status().version, store.current.document)


class TestRejection:
    def test_a_rejection_stays_until_a_valid_version(self, store: Store) -> None:
        """Status.rejected (version, time, reason) survives unchanged answers and cache loads, health is degraded, and a valid version clears it."""
        store.load(raw(FLAGS_JSON, "application/json", "1"), "network")
        with pytest.raises(DocumentError) as info:
            store.load(raw(b"[]", "application/json", "2"), "network")
        store.record_rejection("2", info.value)
        store.record_unchanged()
        status = store.status()
        assert status.rejected is not None
        assert ("2", "degraded", 0) == (
            status.rejected.version,
            status.health,
            status.consecutive_failures,
        )
        assert "it has no flags" in status.rejected.reason
        assert "DocumentError" in (status.last_error or "")
        store.load(raw(FLAGS_JSON, "application/json", "1"), "cache", if_empty=True)
        assert store.status().rejected is not None
        store.load(raw(json.dumps({"beta": {"enabled": False}}).encode(), None, "3"), "network")
        status = store.status()
        assert (None, None, "ok") == (status.rejected, status.last_error, status.health)

    def test_private_error_classes_are_not_named(self, store: Store) -> None:
        """last_error names the nearest public class of an error, never an underscored one."""

        class _Hidden(FetchError):
            pass

        store.record_failure(_Hidden("token expired"))
        assert "FetchError: token expired" == store.status().last_error


class TestPreviousProcessFlags:
    def test_cache_is_asked_only_for_a_version_without_flags(self, store: Store) -> None:
        """A first version with flags installs without reading the cache; one without flags asks it, and is refused."""
        asked: list[int] = []

        def previous() -> Content:
            asked.append(1)
            return content({"beta": {"enabled": True}}, "cached")

        store.previous = previous
        store.load(content({"beta": {"enabled": False}}, "1"), "network")
        assert [] == asked
        fresh = Store(format="auto", defaults=None)
        fresh.previous = previous
        with pytest.raises(DocumentError, match="it has no flags"):
            fresh.load(content({}, "2"), "network")
        assert [1] == asked
        assert not fresh.loaded

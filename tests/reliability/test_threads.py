"""Many threads reading while the document changes: no exceptions, never a half-applied document."""

from __future__ import annotations

import threading
from typing import Any

from appconfig_core import FlagClient, StaticSource
from tests.support import wait_until

THREADS = 32
CHANGES = 100
FLAGS = [f"flag_{i:02d}" for i in range(40)]


def generation(n: int) -> dict[str, Any]:
    """Document ``n``: every flag enabled on even generations, all carrying ``gen: n``."""
    return {name: {"enabled": n % 2 == 0, "gen": n} for name in FLAGS}


class TestThreadStorm:
    def test_readers_only_ever_see_whole_snapshots(self) -> None:
        """32 threads read while the document flips 100 times; no read sees it half flipped."""
        source = StaticSource(generation(0), version="0", poll_interval=0.001)
        client = FlagClient(source, start_timeout=5)
        assert client.start()
        stop = threading.Event()
        failures: list[str] = []
        reads = [0] * THREADS
        seen: list[set[str]] = [set() for _ in range(THREADS)]

        def reader(slot: int) -> None:
            try:
                for _ in range(1_000_000):
                    if stop.is_set():
                        return
                    snapshot = client.snapshot()
                    enabled = {snapshot.is_enabled(name) for name in FLAGS}
                    gens = {snapshot.evaluate(name).attributes.get("gen") for name in FLAGS}
                    version = snapshot.version
                    if len(enabled) != 1 or gens != {int(version or -1)}:
                        failures.append(f"version {version}: enabled={enabled} gens={gens}")
                        return
                    if enabled != {int(version or -1) % 2 == 0}:
                        failures.append(f"version {version}: enabled={enabled}")
                        return
                    client.is_enabled(FLAGS[slot % len(FLAGS)], {"user": slot})
                    client.evaluate("missing", {"deep": [[{"x": slot}]]})
                    seen[slot].add(version or "")
                    reads[slot] += 1
                    stop.wait(
                        0.001
                    )  # yield the GIL so the writer keeps pace; not a synchronisation
            except BaseException as exc:  # noqa: BLE001 - any exception is the failure reported
                failures.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        try:
            for n in range(1, CHANGES + 1):
                source.update(generation(n), version=str(n))
                assert wait_until(lambda n=n: client.status.version == str(n), timeout=10)
                assert not failures, failures[:3]
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            client.close(timeout=2)
        assert not any(thread.is_alive() for thread in threads)
        assert not failures, failures[:3]
        assert all(count > 0 for count in reads)
        assert len(set().union(*seen)) > 2, "the readers overlapped with the changes"

    def test_raising_listener_does_not_stop_the_poller(self) -> None:
        """A change listener that raises is logged; the poller keeps installing new documents."""
        source = StaticSource(generation(0), version="0", poll_interval=0.001)
        client = FlagClient(source, start_timeout=5)
        calls: list[str] = []

        def broken(event: object) -> None:
            calls.append("called")
            raise RuntimeError("listener bug")

        client.on_change(broken)
        try:
            assert client.start()
            for n in range(1, 4):
                source.update(generation(n), version=str(n))
                assert wait_until(lambda n=n: client.status.version == str(n), timeout=10)
        finally:
            client.close(timeout=2)
        assert len(calls) >= 3

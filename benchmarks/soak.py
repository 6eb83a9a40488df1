"""Soak run: gunicorn serving a flag-rendering page under loopback load while flags change.

Runs the page twice, with the library (20 flag checks per request, the document rewritten
every few seconds on a local AppConfig server) and without it (constants), and reports
errors, p50/p99 latency, how many distinct pages were served (the library's must change
with the flags), and the workers' memory and thread counts at start and end. Exits 1 when
a request failed, the workers grew, or the library's page never changed. Traffic goes only
to 127.0.0.1.

    python benchmarks/soak.py [--duration 90] [--concurrency 8] [--change-every 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from appconfig_core.devserver import DevServer

FLAGS = [f"flag_{i:02d}" for i in range(20)]
WORKERS = 4
#: Allowed growth of a worker between the first and last sample (after warm-up).
MAX_RSS_GROWTH_KB = 20_000
#: gthread starts its 4 request threads lazily, so bound the count, not the growth: the
#: main thread, 4 request threads, the poller, and slack for gunicorn's own.
MAX_THREADS = 8
#: How long a run goes on past its duration, at most, waiting to see the flags change.
PAGES_WAIT = 60.0

APP = """
import logging
import os
logging.basicConfig(level=logging.INFO, format="%(process)d %(name)s %(levelname)s %(message)s")
FLAGS = [f"flag_{i:02d}" for i in range(20)]
if os.environ.get("SOAK_WITH_LIBRARY") == "1":
    from appconfig_core import AppConfigDataSource, FlagClient
    client = FlagClient(AppConfigDataSource("soak", "prod", "flags",
                        endpoint_url=os.environ["SOAK_URL"], region_name="us-east-1"))
    client.start()
    def flags(user):
        snapshot = client.snapshot()
        return [snapshot.is_enabled(name, {"user": user}) for name in FLAGS]
else:
    def flags(user):
        return [True] * len(FLAGS)

def app(environ, start_response):
    user = environ.get("QUERY_STRING", "")
    items = "".join(f"<li>{n}: {'on' if on else 'off'}</li>" for n, on in zip(FLAGS, flags(user)))
    body = f"<html><body><ul>{items}</ul></body></html>".encode()
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    return [body]
"""


def document(generation: int) -> dict[str, object]:
    return {name: {"enabled": (generation + i) % 2 == 0} for i, name in enumerate(FLAGS)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def sample(pids: list[int]) -> dict[int, tuple[int, int]]:
    """``pid -> (VmRSS kB, threads)`` from /proc."""
    found = {}
    for pid in pids:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
        found[pid] = (int(fields["VmRSS"].split()[0]), int(fields["Threads"]))
    return found


def load(
    port: int, seconds: float, concurrency: int, *, until_pages: int = 1
) -> tuple[list[float], int, set[bytes]]:
    """``(latencies, errors, distinct pages)``: the pages show the flags loaded and changing.

    Runs ``seconds``, then on (for at most `PAGES_WAIT` more) until ``until_pages`` distinct
    pages were served: a busy machine must not fail the run by being slow to show a change.
    """
    latencies: list[float] = []
    errors = [0]
    pages: set[bytes] = set()
    lock = threading.Lock()
    end = time.monotonic() + seconds
    give_up = end + PAGES_WAIT

    def going() -> bool:
        now = time.monotonic()
        return now < end or (now < give_up and len(pages) < until_pages)

    def run(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        seen: set[bytes] = set()
        n = 0
        while going() and n < 10_000_000:
            n += 1
            began = time.perf_counter()
            try:
                conn.request("GET", f"/?u{slot}-{n}")
                response = conn.getresponse()
                page = response.read()
                if page not in seen:
                    seen.add(page)
                    with lock:
                        pages.add(page)
                if response.status != 200:
                    raise OSError(response.status)
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + PAGES_WAIT + 60)
    return latencies, errors[0], pages


def run_variant(
    with_library: bool, args: argparse.Namespace, url: str, workdir: Path, profile: Path
) -> dict[str, object]:
    port = free_port()
    env = {
        **os.environ,
        "SOAK_URL": url,
        "SOAK_WITH_LIBRARY": "1" if with_library else "0",
        "AWS_ACCESS_KEY_ID": "soak",
        "AWS_SECRET_ACCESS_KEY": "soak",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "--preload",
            "-w",
            str(WORKERS),
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(workdir),
            "soakapp:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                stop.wait(0.1)
        warm = min(5.0, args.duration / 4)
        load(port, warm, args.concurrency)
        pids = worker_pids(proc.pid)
        before = sample(pids)

        def change() -> None:
            generation = 0
            while not stop.wait(args.change_every) and generation < 100_000:
                generation += 1
                tmp = profile.with_name(profile.name + ".tmp")
                tmp.write_text(json.dumps(document(generation)))
                tmp.replace(profile)

        changer = threading.Thread(target=change, daemon=True)
        changer.start()
        latencies, errors, pages = load(
            port, args.duration, args.concurrency, until_pages=args.pages if with_library else 1
        )
        after = sample([pid for pid in pids if Path(f"/proc/{pid}").exists()])
    finally:
        stop.set()
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    latencies.sort()
    growth_kb = max((after[p][0] - before[p][0] for p in after), default=0)
    threads_at_end = max((after[p][1] for p in after), default=0)
    return {
        "variant": "with appconfig-flags" if with_library else "constants (no library)",
        "requests": len(latencies),
        "errors": errors + (len(before) - len(after)),
        "distinct_pages": len(pages),
        # A page with a flag on: the document loaded (the code defaults are all off).
        "loaded": any(b": on</li>" in page for page in pages),
        "p50_ms": round(statistics.median(latencies) * 1000, 3) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3) if latencies else None,
        "rss_growth_kb": growth_kb,
        "threads_at_end": threads_at_end,
        "tracebacks": stderr.count("Traceback"),
        # What the workers logged, so a run whose page never changed says why.
        "log_tail": [line for line in stderr.splitlines() if "appconfig" in line][-12:]
        if with_library and len(pages) < args.pages
        else [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load per variant")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--change-every", type=float, default=3.0)
    parser.add_argument(
        "--pages",
        type=int,
        default=2,
        help="distinct pages the library's run must show (2: it followed a change)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        served = workdir / "served"
        served.mkdir()
        profile = served / "soak:prod:flags.json"
        profile.write_text(json.dumps(document(0)))
        (workdir / "soakapp.py").write_text(APP)
        with DevServer(served, port=0, poll_interval=1) as server:
            results = [
                run_variant(flag, args, server.url, workdir, profile) for flag in (False, True)
            ]
    failed = False
    for result in results:
        print(json.dumps(result))
        failed |= bool(result["errors"] or result["tracebacks"])
        failed |= int(result["rss_growth_kb"]) > MAX_RSS_GROWTH_KB  # type: ignore[call-overload]
        failed |= int(result["threads_at_end"]) > MAX_THREADS  # type: ignore[call-overload]
    # Without this a library that never loaded (defaults only) would pass unnoticed.
    failed |= not results[1]["loaded"]
    failed |= int(results[1]["distinct_pages"]) < args.pages  # type: ignore[call-overload]
    print("soak:", "FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

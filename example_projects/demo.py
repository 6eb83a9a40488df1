"""`make demo`: the local AppConfig server, and a client polling it through boto3.

Copies the example flags to .demo/served, serves them with the local AppConfig server (the
real AppConfigData API over HTTP), and prints the flags for two visitors every time the
configuration changes. Edit the served file to see a flag flip. Ctrl-C stops it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from pathlib import Path

from appconfig_core import AppConfigDataSource, FlagClient
from appconfig_core.devserver import DevServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVED = ROOT / ".demo" / "served"
PROFILE_FILE = "shop:demo:flags.json"
VISITORS = {"alice@example.com": "alice", "bob@mail.test": "bob"}


def show(client: FlagClient) -> None:
    snapshot = client.snapshot()
    print(f"\n--- configuration version {snapshot.version} ---", flush=True)
    for name in sorted(snapshot.flag_names):
        cells = []
        for email, user in VISITORS.items():
            evaluation = snapshot.evaluate(name, {"email": email, "user": user})
            state = "on " if evaluation.enabled else "off"
            variant = f" [{evaluation.variant}]" if evaluation.variant else ""
            cells.append(f"{user}: {state}{variant}")
        print(f"  {name:<16} " + "   ".join(cells), flush=True)


def main() -> int:
    SERVED.mkdir(parents=True, exist_ok=True)
    served_file = SERVED / PROFILE_FILE
    if not served_file.exists():
        shutil.copy(HERE / "appconfig" / PROFILE_FILE, served_file)
    # boto3 signs requests even for a local endpoint; any credentials will do.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    server = DevServer(SERVED, port=int(os.environ.get("DEMO_PORT", "0")), poll_interval=1).start()
    source = AppConfigDataSource(
        "shop", "demo", "flags", endpoint_url=server.url, region_name="us-east-1"
    )
    client = FlagClient(source, cache_path=ROOT / ".demo" / "flags.cache")
    client.on_change(lambda event: show(client))
    print(f"Local AppConfig server: {server.url} (serving {SERVED})")
    if not client.start():
        print(f"No flags yet: {client.status.last_error}", file=sys.stderr)
    print(
        "\nFlip a flag: edit the served file, e.g.\n"
        f"  sed -i 's/\"new_checkout\": {{\"enabled\": true}}/\"new_checkout\": {{\"enabled\": false}}/'"
        f" '{served_file}'\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    client.close()
    server.stop()
    print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

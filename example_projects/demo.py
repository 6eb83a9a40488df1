"""`make demo`: both example shops behind the local AppConfig server.

Copies the example flags to .demo/served (or $DEMO_DIR/served), serves them with the local AppConfig server (the
real AppConfigData API over HTTP, polled every second), and runs the Django and the Flask
shop as child processes that read their flags through boto3. Flip a flag with

    .venv/bin/python example_projects/demo.py flip new_checkout

and reload either shop: the change shows within about a second. Ctrl-C stops everything.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO = Path(os.environ.get("DEMO_DIR") or ROOT / ".demo").resolve()
SERVED = DEMO / "served"
PROFILE_FILE = "shop:demo:flags.json"
START_TIMEOUT = 30.0


class Shop:
    """One example app: how to start it, and where it answers once started."""

    def __init__(self, name: str, cwd: Path, port: int, command: list[str]) -> None:
        self.name = name
        self.cwd = cwd
        self.port = port
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, env: dict[str, str]) -> None:
        # A session of its own: Ctrl-C reaches the demo only, which then stops the shops in order.
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, start_new_session=True)

    def wait_until_serving(self, deadline: float) -> None:
        """Wait until the shop's flags health check answers 200 (it also starts its flags client)."""
        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.name} exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "health/flags", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {self.name} did not answer at {self.url} in time")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.2)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port(preferred: int) -> int:
    """``preferred`` when nothing listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen: int = probe.getsockname()[1]
            return chosen
    raise RuntimeError("no free port on 127.0.0.1")


def shown(path: str) -> str:
    """``path`` relative to the working directory when it is inside it, as a user would type it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def child_environment(endpoint: str) -> dict[str, str]:
    """The shops' environment: boto3 pointed at the local server, with dummy credentials."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "FLASK_APP"}}
    env.update(
        AWS_ENDPOINT_URL_APPCONFIGDATA=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        # boto3 signs requests even for a local endpoint; any credentials will do.
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",
        AWS_EC2_METADATA_DISABLED="true",
        SHOP_FLAGS_SOURCE="appconfig",
        PYTHONUNBUFFERED="1",
    )
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    return env


def flip_command(python: str, name: str) -> str:
    """The command that flips ``name`` in this demo's flags, as a user would type it here."""
    where = f"DEMO_DIR={shlex.quote(str(DEMO))} " if os.environ.get("DEMO_DIR") else ""
    return f"{where}{shlex.quote(shown(python))} {shlex.quote(shown(__file__))} flip {name}"


def run() -> int:
    from appconfig_core.devserver import DevServer

    SERVED.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "appconfig" / PROFILE_FILE, SERVED / PROFILE_FILE)
    server = DevServer(SERVED, port=int(os.environ.get("DEMO_PORT", "0")), poll_interval=1).start()
    python = sys.executable
    shops = [
        Shop(
            "Django shop",
            HERE / "django_shop",
            free_port(int(os.environ.get("DEMO_DJANGO_PORT", "8001"))),
            [python, "manage.py", "runserver", "--noreload"],
        ),
        Shop(
            "Flask shop",
            HERE / "flask_shop",
            free_port(int(os.environ.get("DEMO_FLASK_PORT", "8002"))),
            [python, "-m", "flask", "--app", "flask_shop", "run", "--host", "127.0.0.1"],
        ),
    ]
    shops[0].command.append(f"127.0.0.1:{shops[0].port}")
    shops[1].command += ["--port", str(shops[1].port)]

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    env = child_environment(server.url)
    try:
        for shop in shops:
            env["SHOP_FLAGS_CACHE"] = str(DEMO / f"{shop.cwd.name}.cache")
            shop.start(env)
        deadline = time.monotonic() + START_TIMEOUT
        for shop in shops:
            shop.wait_until_serving(deadline)
        print(
            f"\n  Local AppConfig server  {server.url}   (serving {SERVED})\n"
            f"  Django shop             {shops[0].url}   flags: {shops[0].url}flags/\n"
            f"  Flask shop              {shops[1].url}   flags: {shops[1].url}flags/\n"
            "\n  Flip a flag (in another terminal), then reload a shop:\n"
            f"    {flip_command(python, 'new_checkout')}\n"
            "\n  Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stop.wait(0.5):
            for shop in shops:
                if shop.process is not None and shop.process.poll() is not None:
                    print(f"The {shop.name} stopped; stopping the demo.", file=sys.stderr)
                    stop.set()
    except RuntimeError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        for shop in shops:
            shop.stop()
        server.stop()
    print("\nStopped.")
    return 0


def flip(name: str) -> int:
    """Turn flag ``name`` on if it is off, off if it is on, in the served file."""
    path = SERVED / PROFILE_FILE
    if not path.exists():
        print(f"{path} does not exist: start the demo first (make demo)", file=sys.stderr)
        return 1
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    value = document.get("values", {}).get(name)
    if name not in document.get("flags", {}) or not isinstance(value, dict):
        known = ", ".join(sorted(document.get("flags", {})))
        print(f"no flag {name!r} in {path}; flags: {known}", file=sys.stderr)
        return 2
    if "_variants" in value:
        print(f"{name!r} is a multi-variant flag; edit its variants in {path}", file=sys.stderr)
        return 2
    value["enabled"] = not value.get("enabled", False)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    print(f"{name} is now {'on' if value['enabled'] else 'off'} (in {path})")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        return run()
    if len(argv) == 2 and argv[0] == "flip":
        return flip(argv[1])
    print(
        "usage: demo.py            run both shops behind the local AppConfig server\n"
        "       demo.py flip NAME  turn a flag on or off in the served flags",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

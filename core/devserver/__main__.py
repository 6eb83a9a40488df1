"""``python -m appconfig_core.devserver --root DIR``: serve a directory until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from ._server import DevServer

#: The poll interval the command imposes unless told otherwise: on a developer's machine a
#: flag edit should show within about a second, not AppConfig's minute.
LOCAL_POLL_INTERVAL = 1.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m appconfig_core.devserver",
        description="Serve AppConfig profiles from files over the AppConfigData and Agent APIs.",
    )
    parser.add_argument("--root", required=True, help="directory of APP:ENV:PROFILE.<ext> files")
    parser.add_argument("--port", type=int, default=2772, help="port (default 2772; 0 = any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=LOCAL_POLL_INTERVAL,
        metavar="S",
        help=(
            f"poll interval imposed on every session, in seconds (default {LOCAL_POLL_INTERVAL:g},"
            " so an edit shows within about a second; 0 = what each client asks, else 60)"
        ),
    )
    parser.add_argument("--agent-token", default=None, help="bearer token the Agent API requires")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the server in the foreground; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    try:
        server = DevServer(
            args.root,
            host=args.host,
            port=args.port,
            poll_interval=args.poll_interval or None,
            agent_token=args.agent_token,
        ).start()
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stopped = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, _stop)
    print(f"AppConfig dev server serving {server.root} at {server.url}", flush=True)
    print(f"export AWS_ENDPOINT_URL_APPCONFIGDATA={server.url}", flush=True)
    if args.poll_interval:
        print(
            f"Clients poll every {args.poll_interval:g} s: an edit shows within that.", flush=True
        )
    print(f"Agent API: {server.url}/applications/APP/environments/ENV/configurations/PROFILE")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

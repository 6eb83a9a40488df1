"""`DevServer`: the local AppConfig server, its HTTP plumbing, faults and request log.

Standard library only, one daemon thread per connection. Every wait a fault imposes is on
an Event that `stop()` sets, so stopping is bounded even while a request hangs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from appconfig_core._sources.redact import redact
from appconfig_core.errors import ConfigurationError

from ._agent import Agent, parse_agent_path
from ._appconfigdata import Sessions, internal_error
from ._control import handle_control
from ._faults import AGENT, GET_LATEST, START_SESSION, Fault, FaultQueue
from ._http import Response, rest_json_error, text_error
from ._profiles import ProfileDirectory

log = logging.getLogger("appconfig_core.devserver")

MAX_HEADER_BYTES: Final = 64 * 1024
MAX_BODY_BYTES: Final = 64 * 1024
_LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_CONTROL_PREFIX: Final = "/_devserver/"
_GARBAGE: Final = b'\x8b\x00{"corrupt\xff\xfe: [\x00\x01garbage'


@dataclass(frozen=True)
class RequestRecord:
    """One API request the server saw (the control surface is not recorded).

    ``status`` is None when no response was sent (``drop``, ``hang``). ``token`` is the
    token a GetLatestConfiguration presented; ``next_token`` the token the answer handed out
    (for tests; ``path`` and the HTTP log show ``configuration_token=<redacted>``).
    """

    operation: str
    method: str
    path: str
    status: int | None
    token: str | None = None
    next_token: str | None = None


class DevServer:
    """A local AppConfigData + AppConfig Agent server over a directory of files."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        poll_interval: float | None = None,
        clock: Callable[[], float] | None = None,
        agent_token: str | None = None,
    ) -> None:
        if not Path(root).is_dir():
            raise ConfigurationError(f"DevServer root {os.fspath(root)!r} is not a directory")
        if poll_interval is not None and not poll_interval > 0:
            raise ConfigurationError(f"poll_interval must be > 0 seconds, not {poll_interval!r}")
        self.root: Path = Path(root)
        self.host = host
        self._port = port
        self._profiles = ProfileDirectory(root)
        self._sessions = Sessions(self._profiles, clock or time.monotonic, poll_interval)
        self._agent = Agent(self._profiles, agent_token)
        self._faults = FaultQueue()
        self._records: list[RequestRecord] = []
        self._records_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    def start(self) -> DevServer:
        """Bind and serve on a daemon thread; a stopped server restarts on the same port."""
        with self._lifecycle:
            if self._httpd is not None:
                return self
            if self.host not in _LOCAL_HOSTS:
                log.warning(
                    "DevServer is listening on %s: anyone who can reach it reads every "
                    "configuration in %s without authentication",
                    self.host,
                    self.root,
                )
            self._stopping = threading.Event()
            httpd = _HTTPServer(self, (self.host, self._port))
            self._port = httpd.server_address[1]
            self._httpd = httpd
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"appconfig-devserver-{self._port}",
                daemon=True,
            )
            self._thread.start()
            log.info("serving %s at %s", self.root, self.url)
            return self

    def stop(self) -> None:
        """Stop serving and close open connections; returns promptly even mid-fault."""
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
            if httpd is None:
                return
            self._stopping.set()
            httpd.shutdown()
            httpd.server_close()
            with self._records_lock:
                connections = list(self._connections)
            for conn in connections:
                _close_quietly(conn)
            if thread is not None:
                thread.join(timeout=2.0)

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start()`)."""
        return self._port

    @property
    def url(self) -> str:
        """The base URL for ``endpoint_url=`` and for the Agent API."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}"

    def inject(
        self,
        kind: str,
        count: int = 1,
        *,
        operation: str | None = None,
        seconds: float = 0.0,
    ) -> Fault:
        """Make the next ``count`` requests matching ``operation`` suffer ``kind``."""
        fault = Fault(kind, count, operation, seconds)
        self._faults.add(fault)
        return fault

    def add_fault(self, fault: Fault) -> None:
        """Queue an already built `Fault`."""
        self._faults.add(fault)

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """The pending faults with their remaining counts."""
        return self._faults.pending()

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the API requests seen so far, oldest first."""
        with self._records_lock:
            return list(self._records)

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self._records_lock:
            self._records.clear()

    def invalidate_tokens(self) -> None:
        """Make every outstanding token answer ``Expired`` (as after 24 h)."""
        self._sessions.invalidate()

    def _record(self, record: RequestRecord) -> None:
        with self._records_lock:
            self._records.append(record)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._records_lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], handler: _Handler, body: bytes
    ) -> tuple[str, Callable[[], Response]] | None:
        if method == "POST" and path == "/configurationsessions":
            return START_SESSION, lambda: self._sessions.start(body)
        if method == "GET" and path == "/configuration":
            tokens = query.get("configuration_token")
            token = tokens[0] if tokens else None
            return GET_LATEST, lambda: self._sessions.get_latest(token)
        names = parse_agent_path(path)
        if method == "GET" and names is not None:
            return AGENT, lambda: self._agent.handle(
                names,
                query.get("flag", []),
                handler.headers.get_all("Context") or [],
                handler.headers.get("Authorization"),
            )
        return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, dev: DevServer, address: tuple[str, int]) -> None:
        self.dev = dev
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.dev._track(self.connection, add=True)

    def finish(self) -> None:
        self.server.dev._track(self.connection, add=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), redact(format % args))

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        dev = self.server.dev
        header_bytes = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if header_bytes > MAX_HEADER_BYTES:
            self.close_connection = True
            self._send(text_error(431, "Request header fields too large"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            status = 413 if length > 0 else 400
            self._send(text_error(status, f"Request body must be at most {MAX_BODY_BYTES} bytes"))
            return
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = parse_qs(split.query)
        if split.path.startswith(_CONTROL_PREFIX):
            self._send(handle_control(dev, self.command, split.path, body))
            return
        route = dev._route(self.command, split.path, query, self, body)
        if route is None:
            self._send(text_error(404, f"No such API: {self.command} {split.path}"))
            return
        operation, answer = route
        fault = dev._faults.take(operation)
        kind = fault.kind if fault is not None else None
        if kind in ("hang", "drop") or (
            kind == "delay" and fault is not None and dev._stopping.wait(fault.seconds)
        ):
            dev._record(RequestRecord(operation, self.command, redact(self.path), None))
            if kind == "hang" and fault is not None:
                dev._stopping.wait(fault.seconds or None)
            self.close_connection = True
            return
        response = _fault_response(kind, operation) if kind else None
        if response is None:
            try:
                response = answer()
            except Exception:  # one bad request must not kill the server
                log.exception("DevServer failed answering %s", operation)
                response = (
                    text_error(500, "InternalServerException")
                    if operation == AGENT
                    else internal_error("The DevServer failed; see its log")
                )
        if kind == "corrupt" and response.status == 200:
            response.body = _GARBAGE
        dev._record(
            RequestRecord(
                operation,
                self.command,
                redact(self.path),
                response.status,
                response.token,
                response.next_token,
            )
        )
        self._send(response, truncate=kind == "truncate")

    def _send(self, response: Response, *, truncate: bool = False) -> None:
        body = response.body
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(max(len(body), 16) if truncate else len(body)))
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(body[: len(body) // 2] if truncate else body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True


def _fault_response(kind: str, operation: str) -> Response | None:
    agent = operation == AGENT
    if kind == "error500":
        return (
            text_error(500, "InternalServerException")
            if agent
            else internal_error("Injected fault: internal server error")
        )
    if kind == "throttle":
        if agent:
            return text_error(429, "ThrottlingException")
        return rest_json_error(429, "ThrottlingException", "Rate exceeded")
    if kind == "badgateway":
        return text_error(502, "BadGatewayException")
    if kind == "gatewaytimeout":
        return text_error(504, "GatewayTimeoutException")
    return None


def _close_quietly(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        conn.close()


__all__ = ["DevServer", "RequestRecord"]

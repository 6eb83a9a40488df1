"""The process's `FlagClient`: built from settings and started on first use, never before.

Nothing here runs at import or in ``AppConfig.ready()``, so ``manage.py migrate``,
``collectstatic`` and the autoreloader's parent process start no poller. After ``fork()``
the core restarts the poller in the child on its first read; at interpreter exit the core
closes every client.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from asgiref.sync import sync_to_async

from appconfig_core import ConfigurationError, FlagClient, build_client
from appconfig_core.integration import import_string

from . import conf
from .signals import connect_client

log = logging.getLogger("django_appconfig")

_lock = threading.Lock()
_client: FlagClient | None = None
_disconnect: Callable[[], None] | None = None


def get_client() -> FlagClient:
    """The process's client, created and started on the first call.

    The first call waits at most ``START_TIMEOUT`` for flags (then serves the disk cache or
    the defaults, and keeps polling). Raises `ConfigurationError` for invalid settings.
    """
    client = _client
    if client is not None:
        return client
    return _create()


async def aget_client() -> FlagClient:
    """`get_client` for async code: the first, blocking start runs in a worker thread."""
    client = _client
    if client is not None:
        return client
    return await sync_to_async(_create, thread_sensitive=False)()


def current_client() -> FlagClient | None:
    """The client if one was made already; never makes one."""
    return _client


def _create() -> FlagClient:
    global _client, _disconnect
    with _lock:
        if _client is not None:
            return _client
        client = _build()
        disconnect = connect_client(client)
        try:
            client.start()
        except BaseException:
            disconnect()
            raise
        _client, _disconnect = client, disconnect
        return client


def _build() -> FlagClient:
    conf.raise_for_problems()  # every settings problem, CONTEXT's included, stops it here
    config = conf.get_config()
    factory = config["CLIENT"]
    if not factory:
        return build_client(config, prefix="APPCONFIG.", extra_keys=conf.ADAPTER_KEYS)
    try:
        client = import_string(factory)()
    except Exception as exc:
        raise ConfigurationError(
            f"APPCONFIG['CLIENT'] = {factory!r} raised {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(client, FlagClient):
        raise ConfigurationError(
            f"APPCONFIG['CLIENT'] = {factory!r} returned {type(client).__name__},"
            " not a FlagClient; make it return FlagClient(...)"
        )
    return client


def _after_fork_in_child() -> None:
    # Another thread may have held the lock mid-creation at fork(); it does not exist here.
    global _lock  # noqa: PLW0603 - replaced, never rebound elsewhere
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@conf.on_reset
def reset_client() -> None:
    """Close and forget the client; the next `get_client` builds one from current settings."""
    global _client, _disconnect  # noqa: PLW0603 - the one process-wide client lives here
    with _lock:
        client, disconnect = _client, _disconnect
        _client = _disconnect = None
    if disconnect is not None:
        disconnect()
    if client is not None:
        client.close(timeout=2.0)

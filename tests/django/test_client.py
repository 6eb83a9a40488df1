"""The process client: lazy, one per settings, replaced and closed when settings change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from appconfig_core import ConfigurationError, FlagClient, StaticSource
from django_appconfig import get_client
from django_appconfig._client import current_client, reset_client

from .conftest import FlagsFile

ROOT = Path(__file__).resolve().parents[2]
made: list[FlagClient] = []


def factory() -> FlagClient:
    client = FlagClient(StaticSource({"from_factory": {"enabled": True}}))
    made.append(client)
    return client


def not_a_client() -> str:
    return "nope"


class TestGetClient:
    def test_started_once_and_shared(self, flags_file: FlagsFile) -> None:
        """The first call builds and starts the client; later calls return the same one."""
        reset_client()
        assert current_client() is None
        client = get_client()
        assert client.status.ready is True
        assert get_client() is client is current_client()

    def test_settings_change_replaces_and_closes(self, flags_file: FlagsFile) -> None:
        """override_settings(APPCONFIG=...) closes the old client; the next call builds anew."""
        old = get_client()
        closed = []
        old.source.close = lambda: closed.append(True)  # type: ignore[method-assign]
        with override_settings(APPCONFIG={"CLIENT": f"{__name__}.factory"}):
            assert closed == [True]
            new = get_client()
            assert new is made[-1]
            assert new.is_enabled("from_factory") is True
        assert get_client() is not new

    def test_factory_must_return_a_client(self) -> None:
        """A CLIENT factory returning something else is a ConfigurationError saying so."""
        with (
            override_settings(APPCONFIG={"CLIENT": f"{__name__}.not_a_client"}),
            pytest.raises(ConfigurationError, match="not a FlagClient"),
        ):
            get_client()

    def test_invalid_settings_raise(self) -> None:
        """Invalid settings raise ConfigurationError naming the key, and leave no client."""
        with (
            override_settings(APPCONFIG={"SOURCE": "file"}),
            pytest.raises(ConfigurationError, match=r"APPCONFIG\.FILE"),
        ):
            get_client()
        assert current_client() is None


SCRIPT = """
import threading, django
django.setup()
from django.core.management import call_command
call_command("check")
call_command("migrate", verbosity=0)
import django_appconfig._client as c
names = sorted(t.name for t in threading.enumerate())
print(json.dumps({"client": c.current_client() is not None, "threads": names}))
"""


class TestNothingAtStartup:
    def test_setup_check_and_migrate_start_no_poller(self, tmp_path: Path) -> None:
        """django.setup(), ``check`` and ``migrate`` build no client and start no thread."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.django.settings"}
        result = subprocess.run(
            [sys.executable, "-c", "import json\n" + SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        report = json.loads(result.stdout.splitlines()[-1])
        assert report == {"client": False, "threads": ["MainThread"]}

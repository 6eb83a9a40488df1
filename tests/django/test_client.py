"""The process client: lazy, one per settings, replaced and closed when settings change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from appconfig_core import ConfigurationError, FlagClient, StaticSource
from django_appconfig import get_client
from django_appconfig._client import current_client, reset_client

from .conftest import STORED, FlagsFile

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


def run_django(tmp_path: Path, script: str, settings: str = "") -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter on the test settings plus ``settings``.

    The script prints one JSON line last; that is returned.
    """
    (tmp_path / "subsettings.py").write_text("from tests.django.settings import *\n" + settings)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "subsettings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)]),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


STARTUP = """
import json, threading, django
django.setup()
from django.core.management import call_command
call_command("check")
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
import django_appconfig._client as c
names = sorted(t.name for t in threading.enumerate())
print(json.dumps({"client": c.current_client() is not None, "threads": names}))
"""


class TestNothingAtStartup:
    def test_setup_check_migrate_collectstatic_start_no_poller(self, tmp_path: Path) -> None:
        """``setup()``, ``check``, ``migrate`` and ``collectstatic`` build no client, start no thread."""
        static = (
            'INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.staticfiles"]\n'
            f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
        )
        report = run_django(tmp_path, STARTUP, static)
        assert report == {"client": False, "threads": ["MainThread"]}


FORK = """
import json, os, threading, django
django.setup()
import django_appconfig._client as c
from django_appconfig import get_client
from django_appconfig.signals import config_changed
from tests.django.conftest import STORED


def in_child(work):
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            result = work()
        except BaseException as exc:
            result = {"error": repr(exc)}
        os.write(out_w, json.dumps(result).encode())
        os._exit(0)
    os.close(out_w)
    return pid, out_r


def collect(pid, out_r):
    os.waitpid(pid, 0)
    with os.fdopen(out_r) as out:
        return json.loads(out.read())


# 1. Forked while another thread was creating the client (holding the creation lock).
held, release = threading.Event(), threading.Event()

def hold():
    with c._lock:
        held.set()
        release.wait(30)

holder = threading.Thread(target=hold)
holder.start()
held.wait(10)

def first_use_in_child():
    done = threading.Event()
    threading.Thread(target=lambda: (get_client(), done.set()), daemon=True).start()
    return {"created": done.wait(10)}

locked = collect(*in_child(first_use_in_child))
release.set()
holder.join()

# 2. Forked after the client started: the child's client polls again on its first read.
client = get_client()
before_fork = client.is_enabled("dark_mode")
ready_r, ready_w = os.pipe()

def follows_changes():
    changed = threading.Event()
    config_changed.connect(
        lambda event, **kwargs: "dark_mode" in event.changed and changed.set(), weak=False
    )
    child = get_client()
    before = child.is_enabled("dark_mode")
    os.write(ready_w, b"1")
    return {
        "same": child is client,
        "before": before,
        "changed": changed.wait(10),
        "after": get_client().is_enabled("dark_mode"),
    }

pid, out_r = in_child(follows_changes)
os.read(ready_r, 1)
document = json.loads(json.dumps(STORED))
document["values"]["dark_mode"] = {"enabled": True}
path = c.conf.get_config()["FILE"]
with open(path + ".tmp", "w") as f:
    json.dump(document, f)
os.replace(path + ".tmp", path)
forked = collect(pid, out_r)
print(json.dumps({"locked": locked, "before_fork": before_fork, "forked": forked}))
"""


class TestFork:
    def test_child_gets_a_working_client(self, tmp_path: Path) -> None:
        """After fork() the child's get_client() works, even if the fork caught a creation midway,
        and its client follows changes made after the fork."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(STORED))
        config = {"SOURCE": "file", "FILE": str(path), "POLL_INTERVAL": 0.05}
        report = run_django(tmp_path, FORK, f"APPCONFIG = {config!r}\n")
        assert report == {
            "locked": {"created": True},
            "before_fork": False,
            "forked": {"same": True, "before": False, "changed": True, "after": True},
        }

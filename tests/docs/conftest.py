"""The world the documentation's snippets run in: flag files and a local AppConfig server.

Served profiles (``DevServer`` root): ``shop:prod:flags.json`` (a stored-form document as a
free-form profile, so variant rules run in-process) and ``shop:prod:features.json`` (a
Powertools schema). Files in each snippet's working directory: ``flags.json`` (a Powertools
schema of 12 flags, as in docs/cli.md) and ``broken.json`` (two problems).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from appconfig_core.devserver import DevServer


def _variant(name: str, enabled: bool, rule: str | None = None, **attributes: Any) -> Any:
    variant: dict[str, Any] = {"name": name, "enabled": enabled}
    if rule:
        variant["rule"] = rule
    if attributes:
        variant["attributeValues"] = attributes
    return variant


SHOP_FLAGS: dict[str, Any] = {
    "version": "1",
    "flags": {
        "new_checkout": {"name": "New checkout"},
        "banner": {
            "name": "Banner",
            "attributes": {"color": {"constraints": {"type": "string", "enum": ["red", "blue"]}}},
        },
        "pricing": {"name": "Pricing page", "attributes": {"tier": {}}},
        "beta": {"name": "Beta area"},
        "v2": {"name": "Version 2"},
        "reports": {"name": "Reports"},
        "emergency_off": {"name": "Kill switch"},
    },
    "values": {
        "new_checkout": {
            "_variants": [
                _variant("Pro", True, '(eq $plan "pro")'),
                _variant("Everyone else", False),
            ]
        },
        "banner": {"enabled": True, "color": "blue"},
        "pricing": {
            "_variants": [
                _variant("Gold", True, '(eq $plan "gold")', tier="gold"),
                _variant("Sample", True, "(split pct::50 by::$user_id)", tier="sample"),
                _variant("Standard", True, tier="standard"),
            ]
        },
        "beta": {"enabled": True},
        "v2": {"enabled": False},
        "reports": {"enabled": True},
        "emergency_off": {"enabled": False},
    },
}

POWERTOOLS_FLAGS: dict[str, Any] = {
    "premium": {
        "default": False,
        "rules": {
            "vip": {
                "when_match": True,
                "conditions": [{"action": "EQUALS", "key": "tier", "value": "vip"}],
            }
        },
    },
    **{
        name: {"default": index % 2 == 0}
        for index, name in enumerate(
            [
                "search_v2",
                "dark_mode",
                "new_checkout",
                "banner",
                "reviews",
                "wishlist",
                "gift_cards",
                "live_chat",
                "one_click",
                "recommendations",
                "coupons",
            ]
        )
    },
}

BROKEN_FLAGS: dict[str, Any] = {
    "premium": {"default": "yes"},
    "night": {
        "default": False,
        "rules": {
            "late": {
                "when_match": True,
                "conditions": [
                    {
                        "action": "SCHEDULE_BETWEEN_TIME_RANGE",
                        "key": "CURRENT_TIME",
                        "value": {"START": "25:00", "END": "06:00"},
                    }
                ],
            }
        },
    },
}


@dataclass(frozen=True)
class DocsEnvironment:
    """Where a snippet runs: its own working directory and the environment variables."""

    cwd: Path
    env: dict[str, str]
    server_url: str


@pytest.fixture(scope="session", name="served")
def _served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A local AppConfig server for the whole docs run, asking for a poll every second."""
    root = tmp_path_factory.mktemp("served")
    (root / "shop:prod:flags.json").write_text(json.dumps(SHOP_FLAGS))
    (root / "shop:prod:features.json").write_text(json.dumps(POWERTOOLS_FLAGS))
    with DevServer(root, poll_interval=1) as server:
        yield server


@pytest.fixture(name="docs_env")
def _docs_env(tmp_path: Path, served: DevServer) -> DocsEnvironment:
    """A fresh working directory with the example files, and AWS variables for the server."""
    cwd = tmp_path / "work"
    cwd.mkdir()
    (cwd / "flags.json").write_text(json.dumps(POWERTOOLS_FLAGS, indent=2))
    (cwd / "broken.json").write_text(json.dumps(BROKEN_FLAGS, indent=2))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_", "FLASK_", "PYTEST_"))
    }
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        PATH=os.pathsep.join([bin_dir, env.get("PATH", "")]),
        PYTHONPATH=str(cwd),
        PYTHONUNBUFFERED="1",
        AWS_ENDPOINT_URL_APPCONFIGDATA=served.url,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
    )
    if shutil.which("appconfig-flags", path=env["PATH"]) is None:
        pytest.fail("the appconfig-flags console script is not installed beside this Python")
    return DocsEnvironment(cwd=cwd, env=env, server_url=served.url)

"""Suite-wide fixtures: logging state is restored after every test; a served directory."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """An empty directory for the local AppConfig server to serve."""
    root = tmp_path / "served"
    root.mkdir()
    return root


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    logger = logging.getLogger("appconfig_core")
    level, propagate = logger.level, logger.propagate
    yield
    logger.setLevel(level)
    logger.propagate = propagate

"""The wheel holds every package folder and data file, and building it prints no warning.

The build runs setuptools' PEP 517 backend directly (what ``pip wheel`` calls), offline and
on a copy of the sources, so the checkout gains no ``build/`` or ``*.egg-info`` folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Source folder -> the import name it ships as.
PACKAGES = {
    "core": "appconfig_core",
    "django_appconfig": "django_appconfig",
    "flask_appconfig": "flask_appconfig",
}
DATA_SUFFIXES = (".typed", ".html", ".txt", ".jinja")
BUILD_FILES = ("setup.py", "pyproject.toml", "README.md")


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name == "__pycache__" or name.endswith(".pyc")}


def expected_files() -> set[str]:
    """Every package's ``__init__.py`` and every data file, as wheel paths."""
    files: set[str] = set()
    for folder, name in PACKAGES.items():
        base = ROOT / folder
        for path in base.rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            relative = path.relative_to(base).as_posix()
            if path.name == "__init__.py" or path.name.endswith(DATA_SUFFIXES):
                files.add(f"{name}/{relative}")
    return files


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], str]:
    """Build the wheel from a copy of the sources: ``(files in the wheel, build output)``."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "src"
    source.mkdir()
    for name in BUILD_FILES:
        shutil.copy2(ROOT / name, source / name)
    for folder in PACKAGES:
        shutil.copytree(ROOT / folder, source / folder, ignore=_ignore)
    out = work / "dist"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    script = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist()), output


class TestWheel:
    def test_every_package_folder_and_data_file_ships(self, build: tuple[set[str], str]) -> None:
        """A subpackage or data file added to the tree is in the wheel without a list to edit."""
        files, _ = build
        expected = expected_files()
        assert {"appconfig_core/py.typed", "django_appconfig/py.typed"} <= expected
        assert any(path.endswith(".html") for path in expected)
        assert sorted(expected - files) == []

    def test_nothing_outside_the_packages_ships(self, build: tuple[set[str], str]) -> None:
        """Tests, benchmarks and examples stay out of the wheel."""
        files, _ = build
        tops = {path.split("/", 1)[0] for path in files if ".dist-info/" not in path}
        assert tops == set(PACKAGES.values())

    def test_build_prints_no_warning(self, build: tuple[set[str], str]) -> None:
        """setuptools accepts the metadata as written (SPDX license, package data) silently."""
        _, output = build
        warnings = [line for line in output.splitlines() if "warning" in line.lower()]
        assert warnings == []

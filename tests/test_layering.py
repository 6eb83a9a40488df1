"""The layers of docs/core.md, checked on every import statement of the shipped packages.

Each module's imports are read with `ast` (nothing is imported), relative imports resolved,
and checked against the rules below. Only imports of this package are layering: which
third-party libraries a layer may use is a dependency decision, made in pyproject.toml. `check` is the whole checker; the tests at the end
feed it synthetic sources to show it reports what it should.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Source folder -> import name.
PACKAGES = {
    "core": "appconfig_core",
    "django_appconfig": "django_appconfig",
    "flask_appconfig": "flask_appconfig",
}
CORE = "appconfig_core"
FRAMEWORKS = ("django", "flask")


@dataclass(frozen=True)
class Import:
    """One imported name: the module, and the submodule it may be (``from m import name``)."""

    module: str
    names: tuple[str, ...]
    line: int
    in_function: bool

    def targets(self) -> Iterator[str]:
        """The module and each ``module.name`` (a name may be a submodule)."""
        yield self.module
        for name in self.names:
            yield f"{self.module}.{name}"


def module_name(relative: str) -> str:
    """``core/_runtime/client.py`` -> ``appconfig_core._runtime.client``."""
    parts = Path(relative).with_suffix("").parts
    parts = (PACKAGES[parts[0]], *parts[1:])
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(relative: str, source: str) -> list[Import]:
    """Every import in ``source`` (the file at ``relative``), relative ones made absolute."""
    name = module_name(relative)
    package = name if relative.endswith("__init__.py") else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend(Import(a.name, (), child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    anchor = ".".join(parts[: len(parts) - child.level + 1])
                    base = f"{anchor}.{base}" if base else anchor
                names = tuple(a.name for a in child.names if a.name != "*")
                found.append(Import(base, names, child.lineno, in_function))
            visit(child, nested)

    visit(ast.parse(source), False)
    return found


def _within(target: str, *prefixes: str) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def _private(target: str) -> bool:
    return any(part.startswith("_") for part in target.split(".")[1:])


def check(relative: str, source: str) -> list[str]:
    """What ``source`` (the file at ``relative``) imports that its layer may not."""
    name = module_name(relative)
    problems: list[str] = []
    for found in imports(relative, source):
        where = f"{relative}:{found.line}"
        top = found.module.split(".")[0]
        targets = list(found.targets())
        ours = [t for t in targets if _within(t, CORE)]
        if name.startswith(CORE):
            if top in FRAMEWORKS:
                problems.append(f"{where}: the core imports {found.module}")
            if top == "jinja2" and _private(name):
                problems.append(f"{where}: {found.module} outside a public adapter module")
        if _within(name, f"{CORE}._rules", f"{CORE}._evaluation.result"):
            allowed = (f"{CORE}.errors",) + ((f"{CORE}._rules",) if "._rules" in name else ())
            if ours and not all(_within(t, *allowed) for t in ours):
                problems.append(f"{where}: {name} may import only {', '.join(allowed)}")
        elif _within(name, f"{CORE}._evaluation"):
            allowed = (f"{CORE}._evaluation", f"{CORE}._rules", f"{CORE}.errors")
            if ours and not all(_within(t, *allowed) for t in ours):
                problems.append(f"{where}: the read model imports {found.module} above it")
        elif _within(name, f"{CORE}._sources"):
            above = [
                f"{CORE}.{layer}"
                for layer in ("_evaluation", "_formats", "_runtime", "_rules", "_integration")
            ]
            if any(_within(t, *above) for t in ours):
                problems.append(
                    f"{where}: a source imports {found.module} (sources know nothing of flags)"
                )
        if not name.startswith(CORE) and any(_private(t) for t in ours):
            problems.append(f"{where}: an adapter imports the private {found.module}")
    return problems


def package_files() -> Iterator[Path]:
    """Every module of the three shipped packages."""
    for folder in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path


class TestTree:
    def test_every_module_keeps_to_its_layer(self) -> None:
        """No module of core/, django_appconfig/ or flask_appconfig/ imports across its layer."""
        problems = [
            problem
            for path in package_files()
            for problem in check(path.relative_to(ROOT).as_posix(), path.read_text())
        ]
        assert problems == []

    def test_importing_the_core_loads_no_framework(self) -> None:
        """``import appconfig_core`` and its integration API load neither Django, Flask nor Jinja."""
        script = (
            "import sys, appconfig_core, appconfig_core.integration, appconfig_core.errors;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'flask', 'jinja2'}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]"

    def test_docs_name_no_private_module(self) -> None:
        """The docs and README name public modules only: private paths change without notice."""
        pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        named = [
            f"{page.relative_to(ROOT)}:{number}"
            for page in pages
            for number, line in enumerate(page.read_text().splitlines(), 1)
            if f"{CORE}._" in line
        ]
        assert named == []


class TestChecker:
    def test_an_adapter_importing_a_private_core_module_is_reported(self) -> None:
        """``from appconfig_core._runtime.client import ...`` in an adapter is a violation."""
        source = "from appconfig_core._runtime.client import FlagClient\n"
        assert check("django_appconfig/_client.py", source) == [
            "django_appconfig/_client.py:1: an adapter imports the private"
            " appconfig_core._runtime.client"
        ]

    @pytest.mark.parametrize(
        "source",
        [
            "from appconfig_core import _runtime\n",
            "import appconfig_core._runtime.client\n",
            "def f():\n    from appconfig_core._integration import report\n",
        ],
    )
    def test_every_spelling_of_a_private_import_is_reported(self, source: str) -> None:
        """A private module is caught however it is imported, at any depth."""
        assert len(check("flask_appconfig/_state.py", source)) == 1

    def test_public_core_modules_are_fine_for_adapters(self) -> None:
        """The top-level names and the public modules are what adapters are meant to use."""
        source = (
            "from appconfig_core import FlagClient\n"
            "from appconfig_core.integration import status_report\n"
            "from appconfig_core.errors import DocumentError\n"
            "import appconfig_core.jinja\n"
        )
        assert check("flask_appconfig/_jinja.py", source) == []

    @pytest.mark.parametrize(
        ("relative", "source"),
        [
            (
                "core/_rules/compiler.py",
                "from appconfig_core._evaluation.result import Evaluation\n",
            ),
            (
                "core/_rules/syntax.py",
                "from appconfig_core._sources.content import parse_content\n",
            ),
            ("core/_evaluation/result.py", "from .flag import StaticFlag\n"),
            ("core/_evaluation/snapshot.py", "from appconfig_core._runtime.store import Store\n"),
            ("core/_sources/file.py", "from .._formats.detect import compile_document\n"),
            ("core/_sources/base.py", "from appconfig_core._evaluation import flagset\n"),
            ("core/_runtime/client.py", "import django.conf\n"),
            ("core/_integration/report.py", "from jinja2 import Environment\n"),
        ],
    )
    def test_a_lower_layer_importing_upwards_is_reported(self, relative: str, source: str) -> None:
        """Rules, results and sources stay leaves; the core never imports a framework."""
        assert len(check(relative, source)) == 1

    def test_relative_imports_resolve_to_their_package(self) -> None:
        """``from ..errors import x`` in core/_rules/ is appconfig_core.errors, which is allowed."""
        source = "from ..errors import RuleSyntaxError\nfrom .split import bucket\nimport re\n"
        assert check("core/_rules/compiler.py", source) == []

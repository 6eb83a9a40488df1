"""Where code and templates name flags: the scan behind ``refs``.

Python is read by its syntax tree, so a flag name in a comment or an unrelated string does not
count; templates by pattern. Only literal names can be checked: a read whose name is computed
is listed apart (``dynamic``), so that an unreferenced flag is not taken for dead when a
computed name might read it. Reads nothing but files; imports no framework.

What counts as a read, with a literal name:

- calls of ``is_enabled``, ``flag_required`` and ``override_flags`` on anything; of ``evaluate``,
  ``value``, ``variant``, ``set`` and ``override`` on a receiver whose name says flags, client
  or snapshot (``request.flags``, ``current_flags``, ``flags_for(request)``, ``get_client()``);
  the dict keys of those override calls;
- string subscripts of a receiver named for flags (``request.flags["x"]``,
  ``appconfig_flags["x"] = True``);
- a class attribute ``flag_name = "x"`` (`django_appconfig.mixins.FlagRequiredMixin`);
- in templates, ``{% flag "x" %}``, ``{% flag_value "x" ... %}``, ``{% variant "x" %}`` and
  the Jinja globals ``flag_enabled("x")``, ``flag_value("x")``, ``flag_variant("x")``.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

PYTHON: Final = "python"
TEMPLATE: Final = "template"
#: File name endings read as templates (Django and Jinja alike).
TEMPLATE_SUFFIXES: Final = (".html", ".htm", ".txt", ".xml", ".jinja", ".jinja2", ".j2")
#: Larger files are generated or vendored, not where flags are read; they are skipped.
MAX_FILE_BYTES: Final = 2_000_000
_SKIPPED_DIRS: Final = frozenset({"__pycache__", "node_modules", "site-packages"})

_ANY_RECEIVER: Final = frozenset({"is_enabled", "flag_required", "override_flags"})
_FLAG_RECEIVER: Final = frozenset({"evaluate", "value", "variant", "set", "override"})
_OVERRIDES: Final = frozenset({"override_flags", "override", "set"})
_RECEIVER_WORDS: Final = ("flag", "client", "snapshot")

_TAG_RE: Final = re.compile(
    r"""\{%-?\s*(?P<tag>flag|flag_value|variant)\s+(?:(?P<q>["'])(?P<name>[^"'\n]*)(?P=q)|(?P<expr>[^\s%]+))"""
)
_GLOBAL_RE: Final = re.compile(
    r"""\b(?P<fn>flag_enabled|flag_value|flag_variant)\(\s*(?:(?P<q>["'])(?P<name>[^"'\n]*)(?P=q)|(?P<expr>[^\s,)]+))"""
)


@dataclass(frozen=True, slots=True)
class Reference:
    """One read of a flag: ``name`` (None when computed), where, and through what."""

    name: str | None
    path: str
    line: int
    via: str
    kind: str

    @property
    def where(self) -> str:
        """``path:line``, as editors and CI annotations read it."""
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class Scan:
    """Everything a scan found: references, files read, files it could not read and why."""

    references: list[Reference] = field(default_factory=list)
    files: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def named(self) -> list[Reference]:
        """References with a literal name, the ones that can be checked."""
        return [ref for ref in self.references if ref.name is not None]

    @property
    def dynamic(self) -> list[Reference]:
        """References whose name is computed at run time."""
        return [ref for ref in self.references if ref.name is None]


def scan_paths(paths: Sequence[str | os.PathLike[str]], *, exclude: Sequence[str] = ()) -> Scan:
    """Scan files and directories (recursively) for flag references.

    Hidden directories, virtual environments (a ``pyvenv.cfg`` inside), ``__pycache__``,
    ``node_modules`` and ``site-packages`` are not entered; ``exclude`` holds glob patterns
    matched against each path as shown and against its file name. Raises `FileNotFoundError`
    for a path that does not exist.
    """
    scan = Scan()
    for root in paths:
        start = Path(root)
        if not start.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
        for path in _files(start):
            shown = os.path.normpath(path)
            if any(fnmatch.fnmatch(shown, p) or fnmatch.fnmatch(path.name, p) for p in exclude):
                continue
            _scan_file(path, shown, scan)
    scan.references.sort(key=lambda ref: (ref.path, ref.line, ref.name or ""))
    return scan


def _files(start: Path) -> Iterator[Path]:
    if start.is_file():
        yield start
        return
    for directory, dirs, files in os.walk(start):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIPPED_DIRS
            and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith((".py", *TEMPLATE_SUFFIXES)):
                yield Path(directory, name)


def _scan_file(path: Path, shown: str, scan: Scan) -> None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            scan.skipped.append((shown, f"larger than {MAX_FILE_BYTES} bytes"))
            return
        data = path.read_bytes()
    except OSError as exc:
        scan.skipped.append((shown, f"cannot be read: {exc.strerror or exc}"))
        return
    scan.files += 1
    if path.suffix == ".py":
        try:
            tree = ast.parse(data, filename=shown)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            scan.skipped.append((shown, f"is not valid Python (line {line or '?'})"))
            return
        scan.references += _PythonVisitor(shown).found(tree)
    else:
        scan.references += template_references(data.decode("utf-8", errors="replace"), shown)


def template_references(text: str, path: str) -> list[Reference]:
    """The flag reads in one template's source (Django or Jinja)."""
    found = []
    for pattern, via in ((_TAG_RE, "tag"), (_GLOBAL_RE, "fn")):
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            name = match["name"] if match["q"] else None
            shown = f"{{% {match[via]} %}}" if via == "tag" else f"{match[via]}()"
            found.append(Reference(name, path, line, shown, TEMPLATE))
    return found


class _PythonVisitor(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.references: list[Reference] = []

    def found(self, tree: ast.AST) -> list[Reference]:
        self.visit(tree)
        return self.references

    def add(self, node: ast.AST, name: str | None, via: str) -> None:
        line = getattr(node, "lineno", 0)
        self.references.append(Reference(name, self.path, line, via, PYTHON))

    def visit_Call(self, node: ast.Call) -> None:
        method, receiver = _callee(node.func)
        if method is not None and _reads_flags(method, receiver):
            if method in _OVERRIDES and node.args and isinstance(node.args[0], ast.Dict):
                for key in node.args[0].keys:
                    self.add(key or node, _literal(key), f"{method}()")
            elif method not in _OVERRIDES or method == "override_flags":
                argument = node.args[0] if node.args else _keyword(node, "name")
                if argument is not None and not isinstance(argument, ast.Starred):
                    self.add(argument, _literal(argument), f"{method}()")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        name = _literal(node.slice)
        if name is not None and _flaggy(node.value, words=("flag",)):
            self.add(node, name, "[]")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            target, value = _assignment(statement)
            if target == "flag_name" and value is not None:
                self.add(statement, _literal(value), "flag_name =")
        self.generic_visit(node)


def _callee(func: ast.expr) -> tuple[str | None, ast.expr | None]:
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        return func.attr, func.value
    return None, None


def _reads_flags(method: str, receiver: ast.expr | None) -> bool:
    if method in _ANY_RECEIVER:
        return True
    return method in _FLAG_RECEIVER and receiver is not None and _flaggy(receiver)


def _flaggy(node: ast.expr, words: tuple[str, ...] = _RECEIVER_WORDS) -> bool:
    """Whether an expression's own name holds one of ``words`` (its last name, or its callee)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return False
    lowered = name.lower()
    return any(word in lowered for word in words)


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


__all__ = ["PYTHON", "TEMPLATE", "Reference", "Scan", "scan_paths", "template_references"]

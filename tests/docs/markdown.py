"""Fenced code blocks and references, read out of the Markdown files the docs test covers.

A block is selected by its info string (```python, ```console ...). An HTML comment on the
line just before the fence may override how it is run: ``<!-- snippet: NAME -->``, where
NAME is a harness (``plain``, ``django``, ``django-settings``, ``flask``) or ``skip``
followed by a reason. Without a marker the harness is guessed from the block's imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<value>.*?)\s*-->\s*$")
HARNESSES = ("plain", "django", "django-settings", "flask")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text and its marker (if any)."""

    path: Path
    line: int
    language: str
    text: str
    marker: str | None

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        if self.marker and self.marker.startswith("skip"):
            return self.marker[len("skip") :].lstrip(" :-") or "marked skip"
        return None


def blocks(path: Path) -> list[Block]:
    """Every fenced block of ``path``, in order, with its indentation removed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence = len(match["indent"]), match["fence"]
        marker_match = _MARKER.match(lines[index - 1]) if index else None
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        found.append(
            Block(
                path=path,
                line=index + 1,
                language=match["info"].strip().split(" ")[0].lower(),
                text="\n".join(body) + "\n",
                marker=marker_match["value"] if marker_match else None,
            )
        )
        index = end + 1
    return found


def all_blocks(*languages: str) -> list[Block]:
    """The blocks of every covered document whose language is one of ``languages``."""
    return [b for path in DOCUMENTS for b in blocks(path) if b.language in languages]


def harness(block: Block) -> str:
    """How a Python block runs: its marker, else a guess from what it uses."""
    if block.marker in HARNESSES:
        return block.marker
    text = block.text
    if re.search(r"^\s*(INSTALLED_APPS|MIDDLEWARE|APPCONFIG)\s*\+?=", text, re.MULTILINE):
        return "django-settings"
    if re.search(r"^\s*(from|import) (django|django_appconfig)\b", text, re.MULTILINE):
        return "django"
    if re.search(r"^\s*(from|import) (flask|flask_appconfig)\b|@app\.|\bapp\.", text, re.MULTILINE):
        return "flask"
    return "plain"


def code_spans(path: Path) -> list[str]:
    """Every inline code span and every code line (fenced or indented) of ``path``."""
    text = path.read_text(encoding="utf-8")
    spans = re.findall(r"`([^`\n]+)`", text)
    spans += [line.strip() for line in text.splitlines() if line.startswith("    ")]
    for block in blocks(path):
        spans += [line.strip() for line in block.text.splitlines()]
    return spans


def links(path: Path) -> list[str]:
    """The relative link targets of ``path`` (no URLs, no in-page anchors)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:|#", t)]

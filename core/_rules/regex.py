"""Regular expressions that run in time linear in the value, on RE2.

A rule's ``matches`` pattern runs on the request path against values a visitor controls, and
a constraint pattern runs on the poller. Python's `re` backtracks, so one crafted pattern can
run for minutes while holding the GIL. RE2 (the `google-re2` package) never backtracks: its
work grows with the value's length times the pattern's size, and it releases the GIL while
matching. What it cannot do without backtracking (backreferences, lookaround, possessive
quantifiers, atomic groups) it refuses, and so do we: at load, naming the construct.

Patterns used to be Python `re` patterns, so the few constructs both engines accept but read
differently (``\\10`` and ``{,3}``) are refused too, rather than silently matching otherwise.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

_OPTIONS: Final = re2.Options()
# RE2's C++ logger would print every refused pattern to the process's stderr.
_OPTIONS.log_errors = False
# Only whether a pattern matches is ever asked; without groups RE2 can answer from its DFA.
_OPTIONS.never_capture = True

_NO_BACKTRACKING: Final = "RE2 runs in linear time and"
_BACKREFERENCE: Final = f"{_NO_BACKTRACKING} has no backreferences"
_LOOKAROUND: Final = f"{_NO_BACKTRACKING} has no lookaround"
_NAMED_REFERENCE: Final = re.compile(r"\(\?P[=>]\w*\)?")
_DIGITS: Final = re.compile(r"\d+")
_EMPTY_LOW_BOUND: Final = re.compile(r"\{,(\d*)\}")


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message names the construct and says what to write."""


class Pattern:
    """A compiled pattern that answers only whether it is found in a value (a search)."""

    __slots__ = ("_search", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._search = re2.compile(source, _OPTIONS).search

    def search(self, value: str) -> bool:
        """Whether the pattern matches anywhere in ``value``, as Python's `re.search` asks.

        The value is handed over as UTF-8 bytes: a lone surrogate, which a Python string may
        hold and strict UTF-8 cannot, must not make an evaluation raise.
        """
        return self._search(value.encode("utf-8", "surrogatepass")) is not None


@lru_cache(maxsize=512)
def compile_pattern(source: str) -> Pattern:
    """Compile ``source`` for RE2, or raise `PatternError` saying what cannot be run and why.

    Cached: documents often repeat one pattern across many flags.
    """
    problem = _read_differently(source)
    if problem is not None:
        raise PatternError(problem)
    try:
        return Pattern(source)
    except re2.error as exc:
        raise PatternError(_explain(source, exc)) from None
    except UnicodeEncodeError:
        raise PatternError(
            "holds an unpaired surrogate (\\ud800-\\udfff), which RE2 cannot read; remove it"
        ) from None


def _read_differently(source: str) -> str | None:
    """What in ``source`` both engines accept but read differently, or ``None``."""
    index, in_class = 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            following = source[index + 1 : index + 2]
            if following == "Q":
                end = source.find("\\E", index + 2)
                index = len(source) if end < 0 else end + 2
                continue
            if not in_class and following in tuple("123456789"):
                digits = _DIGITS.match(source, index + 1)
                number = digits.group() if digits else following
                return f"backreference \\{number} is not supported: {_BACKREFERENCE}"
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif source.startswith("[:", index):
                end = source.find(":]", index + 2)
                index = index + 1 if end < 0 else end + 2
                continue
        elif char == "[":
            in_class = True
            index += 1
            if source.startswith("^", index):
                index += 1
            if source.startswith("]", index):
                index += 1
            continue
        elif (bound := _EMPTY_LOW_BOUND.match(source, index)) is not None:
            text, high = bound.group(), bound.group(1)
            return (
                f"{text} reads as the text {text!r} in RE2 but as a repetition in Python's re;"
                f" write {{0,{high}}} for the repetition or \\{text} for the text"
            )
        index += 1
    return None


def _explain(source: str, exc: Exception) -> str:
    """A message for RE2's refusal of ``source`` that names the construct and a way out."""
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    code, _, fragment = text.partition(": ")
    if code == "invalid escape sequence":
        letter = fragment[1:2]
        if letter.isdigit() or letter in ("g", "k"):
            return f"backreference {fragment} is not supported: {_BACKREFERENCE}"
        if letter == "Z":
            return "\\Z is not supported; write \\z for the end of the value"
        if letter in ("u", "U", "N"):
            return (
                f"escape {fragment} is not supported; write the character itself,"
                " or its code point as \\x{00E9}"
            )
        return f"escape {fragment} is not supported by RE2"
    if code == "invalid perl operator":
        reference = _NAMED_REFERENCE.search(source) if fragment == "(?P" else None
        construct = reference.group() if reference else fragment
        if reference is not None:
            return f"backreference {construct} is not supported: {_BACKREFERENCE}"
        if construct in ("(?=", "(?!"):
            return f"lookahead {construct} is not supported: {_LOOKAROUND}"
        if construct in ("(?<=", "(?<!"):
            return f"lookbehind {construct} is not supported: {_LOOKAROUND}"
        if construct == "(?>":
            return (
                "atomic group (?> is not supported: RE2 never backtracks, so write the group"
                " without ?>"
            )
        if construct == "(?#":
            return "comment (?#...) is not supported by RE2; remove it"
        if construct == "(?(":
            return f"conditional (?(...) is not supported: {_BACKREFERENCE}"
        return f"{construct} is not supported; RE2's inline flags are i, m, s and U"
    if code == "bad repetition operator" and fragment.endswith("+") and len(fragment) > 1:
        return (
            f"possessive quantifier {fragment} is not supported: RE2 never backtracks,"
            f" so write {fragment[:-1]} instead of {fragment}"
        )
    return f"is not a valid regular expression for RE2 ({text})"


__all__ = ["Pattern", "PatternError", "compile_pattern"]

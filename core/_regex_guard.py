"""Refusing regular expressions that can backtrack catastrophically, at load.

Python's `re` has no timeout, and a rule's ``matches`` pattern runs on the request path
against values a visitor controls. The classic exponential patterns nest one repetition
inside another (``(a+)+``, ``(a*b?)*``, ``(\\w+\\s?)+$``); those are refused when the rule
is compiled, with a message that says how to rewrite them. Together with the cap on the
length of the value a pattern runs on, this bounds the work one evaluation can do.
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants, _parser
else:  # pragma: no cover - Python 3.10
    import sre_constants as _constants
    import sre_parse as _parser

_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT}


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack exponentially, or ``None`` when it cannot in this way."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - compiling reports syntax errors; this only judges risk
        return None
    if _has_nested_repeat(list(parsed.data), inside_repeat=False):
        return (
            "a repetition nested inside another repetition (like (a+)+), or alternatives"
            " that can start with the same character inside a repetition (like (a|ab)*),"
            " can take exponential time; rewrite it without the nesting, e.g. (a+)+ as a+"
            " and (a|b)* as [ab]*"
        )
    return None


def _has_nested_repeat(items: list[tuple[Any, Any]], *, inside_repeat: bool) -> bool:
    """Whether an unbounded repetition sits inside another repetition.

    Fixed or bounded inner counts (``(\\d{3}-)+``) are allowed: the exponential cases all
    nest an unbounded ``+`` or ``*``.
    """
    for op, arg in items:
        children: list[list[tuple[Any, Any]]] = []
        nested = inside_repeat
        if op in _REPEATS:
            _low, high, sub = arg
            unbounded = high is _constants.MAXREPEAT
            if unbounded and inside_repeat:
                return True
            nested = inside_repeat or unbounded or high > 1
            children = [list(sub)]
        elif op == _constants.SUBPATTERN:
            children = [list(arg[-1])]
        elif op == _constants.BRANCH:
            children = [list(branch.data) for branch in arg[1]]
            if inside_repeat and not _disjoint_starts(children):
                return True
        elif isinstance(arg, _parser.SubPattern):
            children = [list(arg.data)]
        if any(_has_nested_repeat(child, inside_repeat=nested) for child in children):
            return True
    return False


def _disjoint_starts(branches: list[list[tuple[Any, Any]]]) -> bool:
    """Whether every alternative starts with a known character that no other can start with."""
    seen: set[int] = set()
    for branch in branches:
        starts = _first_chars(branch)
        if starts is None or starts & seen:
            return False
        seen |= starts
    return True


def _first_chars(items: list[tuple[Any, Any]]) -> set[int] | None:
    """The characters a match of ``items`` can start with; ``None`` when not plainly known."""
    for op, arg in items:
        if op == _constants.AT:
            continue
        if op == _constants.LITERAL:
            return {arg}
        if op == _constants.IN:
            chars: set[int] = set()
            for kind, value in arg:
                if kind == _constants.LITERAL:
                    chars.add(value)
                elif kind == _constants.RANGE and value[1] - value[0] < 256:
                    chars.update(range(value[0], value[1] + 1))
                else:
                    return None
            return chars
        if op == _constants.SUBPATTERN:
            return _first_chars(list(arg[-1].data))
        if op in _REPEATS and arg[0] >= 1:
            return _first_chars(list(arg[2].data))
        return None
    return None

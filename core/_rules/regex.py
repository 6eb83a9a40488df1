"""Refusing regular expressions that can backtrack catastrophically, at load.

Python's `re` has no timeout, and a rule's ``matches`` pattern runs on the request path
against values a visitor controls. The classic exponential patterns nest one repetition
inside another (``(a+)+``, ``(a*b?)*``, ``(\\w+\\s?)+$``), or repeat a part of variable
length many times (``(a?){25}``, where 2**25 ways to split the input are tried); those are
refused when the rule is compiled, with a message that says how to rewrite them. Together
with the cap on the length of the value a pattern runs on, this bounds the work one
evaluation can do.
"""

from __future__ import annotations

import math
import sys
from functools import lru_cache
from typing import Any, Final

if sys.version_info >= (3, 11):
    from re import _constants, _parser
else:  # pragma: no cover - Python 3.10
    import sre_constants as _constants
    import sre_parse as _parser

_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT}

#: How many times a part of variable length may be repeated (``(\\d{1,3}\\.){3}`` is fine).
MAX_VARIABLE_REPEATS: Final = 10
#: How many unbounded repetitions (``*``, ``+``, ``{n,}``) one pattern may hold. Each one
#: can multiply the work of an unanchored search by the length of the value; two keep the
#: worst case near a few milliseconds on the longest value ``matches`` accepts.
MAX_UNBOUNDED: Final = 2

_NESTED: Final = (
    "a repetition nested inside another repetition (like (a+)+), or alternatives"
    " that can start with the same character inside a repetition (like (a|ab)*),"
    " can take exponential time; rewrite it without the nesting, e.g. (a+)+ as a+"
    " and (a|b)* as [ab]*"
)
_POLYNOMIAL: Final = (
    f"more than {MAX_UNBOUNDED} unbounded repetitions (*, +, {{n,}}) can take time growing"
    " with a power of the value's length (a*a*a*b); anchor the pattern or merge the"
    " repetitions, e.g. a*a*a*b as a*b"
)
_VARIABLE: Final = (
    f"a part of variable length repeated more than {MAX_VARIABLE_REPEATS} times (like"
    " (a?){25}) can take exponential time; give the part a fixed length, e.g. (a?){25}"
    " as a{0,25}"
)


@lru_cache(maxsize=512)
def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack exponentially, or ``None`` when it cannot in this way.

    Cached: documents often repeat one pattern across many flags, and parsing it is most of
    the cost of checking it.
    """
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - compiling reports syntax errors; this only judges risk
        return None
    if _count_unbounded(list(parsed.data)) > MAX_UNBOUNDED:
        return _POLYNOMIAL
    return _risk(list(parsed.data), repeats=1)


def _count_unbounded(items: list[tuple[Any, Any]]) -> int:
    """How many ``*``, ``+`` or ``{n,}`` repetitions ``items`` holds, at any depth."""
    count = 0
    for op, arg in items:
        if op in _REPEATS:
            count += arg[1] is _constants.MAXREPEAT
            count += _count_unbounded(list(arg[2].data))
        elif op == _constants.SUBPATTERN:
            count += _count_unbounded(list(arg[-1].data))
        elif op == _constants.BRANCH:
            count += sum(_count_unbounded(list(branch.data)) for branch in arg[1])
        elif isinstance(arg, _parser.SubPattern):
            count += _count_unbounded(list(arg.data))
    return count


def _risk(items: list[tuple[Any, Any]], *, repeats: float) -> str | None:
    """Why ``items``, matched up to ``repeats`` times in a row, can backtrack exponentially.

    An unbounded repetition inside another repetition is refused. Fixed counts inside a
    repetition (``(\\d{3}-)+``) are allowed, and so are variable bounded counts repeated
    at most `MAX_VARIABLE_REPEATS` times in all (``(\\d{1,3}\\.){3}``).
    """
    for op, arg in items:
        children: list[list[tuple[Any, Any]]] = []
        inner = repeats
        if op in _REPEATS:
            low, high, sub = arg
            unbounded = high is _constants.MAXREPEAT
            if unbounded and repeats > 1:
                return _NESTED
            if low < high and repeats > MAX_VARIABLE_REPEATS:
                return _VARIABLE
            inner = repeats * (math.inf if unbounded else high)
            children = [list(sub)]
        elif op == _constants.SUBPATTERN:
            children = [list(arg[-1])]
        elif op == _constants.BRANCH:
            children = [list(branch.data) for branch in arg[1]]
            if repeats > 1 and not _disjoint_starts(children):
                return _NESTED
        elif isinstance(arg, _parser.SubPattern):
            children = [list(arg.data)]
        for child in children:
            risk = _risk(child, repeats=inner)
            if risk is not None:
                return risk
    return None


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

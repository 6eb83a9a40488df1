"""AppConfig variant rules compiled once, at load, into plain closures over the context.

`compile_rule` parses a rule (see `syntax`), checks every operator's operands and
returns predicates that do no parsing, no regex compilation and no allocation beyond what
a comparison needs. Predicates never raise for any context value: a missing key or a value
that cannot be coerced to the literal's kind makes a comparison false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from appconfig_core.errors import RuleSyntaxError

from .coerce import BOOL, COERCE, NUM, STR, TIME, kind_of, to_str
from .regex import PatternError, compile_pattern
from .split import bucket, threshold
from .syntax import LIST, Call, Literal, Node, Ref, parse_rule

Context = Mapping[str, Any]
Predicate = Callable[[Context], bool]

#: Longest context value ``matches`` runs its pattern on; longer values do not match. RE2's
#: work is linear in the value but also grows with the pattern's size (a pattern like
#: ``(.{1,100}){1,10}z`` takes tens of milliseconds on 256 characters, a minute on a megabyte),
#: so the cap still bounds what one evaluation can cost.
MAX_MATCH_INPUT: Final = 256

OPERATORS: Final = (
    "eq",
    "gt",
    "gte",
    "lt",
    "lte",
    "and",
    "or",
    "not",
    "begins_with",
    "ends_with",
    "contains",
    "in",
    "matches",
    "exists",
    "split",
)
_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_FLIPPED: Final = {"eq": "eq", "gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}
_HINTS: Final = {
    "neq": "use (not (eq ...))",
    "ne": "use (not (eq ...))",
    "not_in": "use (not (in ...))",
    "starts_with": "use begins_with",
    "startswith": "use begins_with",
    "endswith": "use ends_with",
}
_NAMED: Final = {
    "matches": ({"in", "pattern"}, {"in", "pattern"}),
    "exists": ({"key"}, {"key"}),
    "split": ({"pct", "by", "seed"}, {"pct", "by"}),
}
_STRING_OPS: Final[dict[str, Callable[[str, str], bool]]] = {
    "begins_with": str.startswith,
    "ends_with": str.endswith,
    "contains": operator.contains,
}
_COLLECTIONS = (list, tuple, set, frozenset)


def _false(context: Context) -> bool:  # noqa: ARG001 - a predicate's signature
    return False


def _true(context: Context) -> bool:  # noqa: ARG001 - a predicate's signature
    return True


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A parsed rule: ``predicate`` answers it, ``settled`` says whether a split decided it.

    ``settled`` is ``None`` when the rule has no ``split``. Otherwise it is the same rule with
    every split answering against a match (false, or true under an odd number of ``not``):
    when the rule matches but ``settled`` does not, the split is what chose the variant.
    """

    source: str
    predicate: Predicate
    settled: Predicate | None


class _Problem(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def compile_rule(text: str, *, seed: str) -> CompiledRule:
    """Compile ``text``; ``seed`` is the split seed for splits that name none (the flag key)."""
    tree = parse_rule(text)
    try:
        compiler = _Compiler(seed, settle=False)
        predicate = compiler.node(tree, negated=False)
        settled = (
            _Compiler(seed, settle=True).node(tree, negated=False) if compiler.splits else None
        )
    except _Problem as problem:
        raise RuleSyntaxError(problem.message, rule=text, position=problem.pos) from None
    return CompiledRule(text, predicate, settled)


class _Compiler:
    def __init__(self, seed: str, *, settle: bool) -> None:
        self.seed = seed
        self.settle = settle
        self.splits = 0

    def node(self, node: Node, *, negated: bool) -> Predicate:
        if not isinstance(node, Call):
            raise _Problem("expected an expression in parentheses here", node.pos)
        op = node.op
        if op not in OPERATORS:
            hint = _HINTS.get(op, "operators are " + ", ".join(OPERATORS))
            raise _Problem(f"unknown operator {op!r}; {hint}", node.pos + 1)
        if op in _NAMED:
            return self.named(node, negated=negated)
        if node.params:
            raise _Problem(f"{op} takes no name:: parameters", node.params[0][2])
        if op in ("and", "or"):
            return self.logical(node, negated=negated)
        if op == "not":
            _arity(node, 1)
            inner = self.node(node.args[0], negated=not negated)
            return lambda context: not inner(context)
        _arity(node, 2)
        left, right = node.args
        for operand in node.args:
            if isinstance(operand, Call):
                raise _Problem(
                    f"{op} compares values; an expression cannot be an operand", operand.pos
                )
        if op in _COMPARE:
            return _comparison(op, left, right)
        if op == "in":
            return _membership(left, right)
        return _string_op(op, left, right)

    def logical(self, node: Call, *, negated: bool) -> Predicate:
        if len(node.args) < 2:
            raise _Problem(f"{node.op} needs at least 2 expressions", node.pos)
        parts = [self.node(arg, negated=negated) for arg in node.args]
        if node.op == "and":
            if len(parts) == 2:
                a, b = parts
                return lambda context: a(context) and b(context)
            return lambda context: all(part(context) for part in parts)
        if len(parts) == 2:
            a, b = parts
            return lambda context: a(context) or b(context)
        return lambda context: any(part(context) for part in parts)

    def named(self, node: Call, *, negated: bool) -> Predicate:
        allowed, required = _NAMED[node.op]
        if node.args:
            example = {
                "matches": 'in::$key pattern::"re"',
                "exists": 'key::"name"',
                "split": "pct::10 by::$key",
            }[node.op]
            raise _Problem(
                f"{node.op} takes named parameters only: ({node.op} {example})", node.args[0].pos
            )
        params: dict[str, Node] = {}
        for name, value, pos in node.params:
            if name not in allowed:
                raise _Problem(
                    f"{node.op} has no parameter {name}::; it takes {', '.join(sorted(allowed))}",
                    pos,
                )
            if name in params:
                raise _Problem(f"parameter {name}:: is given twice", pos)
            params[name] = value
        missing = sorted(required - params.keys())
        if missing:
            raise _Problem(f"{node.op} needs {', '.join(m + '::' for m in missing)}", node.pos)
        if node.op == "matches":
            return _matches(params["in"], params["pattern"])
        if node.op == "exists":
            return _exists(params["key"])
        self.splits += 1
        predicate = self.split(params)
        if self.settle:
            return _true if negated else _false
        return predicate

    def split(self, params: dict[str, Node]) -> Predicate:
        pct, by, seed = params["pct"], params["by"], params.get("seed")
        if not (isinstance(pct, Literal) and pct.kind == NUM and 0 <= pct.value <= 100):
            raise _Problem("pct:: must be a number from 0 to 100", pct.pos)
        if not isinstance(by, Ref):
            raise _Problem("by:: must be a context reference like $user_id", by.pos)
        if seed is not None and not (isinstance(seed, Literal) and seed.kind == STR):
            raise _Problem('seed:: must be a string like "2025-01"', seed.pos)
        key, cut = by.key, threshold(pct.value)
        seed_text = self.seed if seed is None else seed.value

        def predicate(context: Context) -> bool:
            value = context.get(key)
            if value.__class__ is not str:
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    return False
                value = to_str(value)
                if value is None:
                    return False
            return bucket(seed_text, value) < cut

        return predicate


def _arity(node: Call, count: int) -> None:
    if len(node.args) != count:
        raise _Problem(
            f"{node.op} takes {count} operand{'s' if count > 1 else ''}, got {len(node.args)}",
            node.pos,
        )


def _scalar(node: Node, op: str) -> None:
    if isinstance(node, Literal) and node.kind == LIST:
        raise _Problem(f"{op} cannot take a list; use (in $key [...])", node.pos)


def _comparison(op: str, left: Node, right: Node) -> Predicate:
    _scalar(left, op)
    _scalar(right, op)
    if isinstance(left, Literal) and isinstance(right, Ref):
        op, left, right = _FLIPPED[op], right, left
    compare = _COMPARE[op]
    if isinstance(left, Ref) and isinstance(right, Literal):
        if right.kind == BOOL and op != "eq":
            raise _Problem(f"{op} cannot order booleans; use eq", right.pos)
        return _against_literal(compare, left.key, right)
    get_left, get_right = _getter(left), _getter(right)
    if isinstance(left, Literal) and isinstance(right, Literal):
        answer = _dynamic(compare, left.value, right.value)
        return _true if answer else _false
    return lambda context: _dynamic(compare, get_left(context), get_right(context))


def _against_literal(compare: Callable[[Any, Any], bool], key: str, literal: Literal) -> Predicate:
    value = literal.value
    if literal.kind == STR:
        if compare is operator.eq:

            def equals(context: Context) -> bool:
                found = context.get(key)
                if found.__class__ is str:
                    return bool(found == value)
                return bool(to_str(found) == value)

            return equals

        def ordered(context: Context) -> bool:
            found = to_str(context.get(key))
            return found is not None and compare(found, value)

        return ordered
    coerce = COERCE[literal.kind]

    def coerced(context: Context) -> bool:
        found = coerce(context.get(key))
        return found is not None and compare(found, value)

    return coerced


def _dynamic(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    """Compare two values known only at evaluation; a string takes the other side's kind."""
    kind = kind_of(right) if kind_of(left) == STR else kind_of(left)
    if kind is None or kind_of(left) is None or kind_of(right) is None:
        return False
    if kind == BOOL and compare is not operator.eq:
        return False
    coerce = COERCE[kind]
    a, b = coerce(left), coerce(right)
    if a is None or b is None:
        return False
    try:
        return bool(compare(a, b))
    except TypeError:
        return False


def _getter(node: Node) -> Callable[[Context], Any]:
    if isinstance(node, Ref):
        key = node.key
        return lambda context: context.get(key)
    value = node.value  # type: ignore[union-attr]
    return lambda context: value  # noqa: ARG005 - a constant operand


def _membership(left: Node, right: Node) -> Predicate:
    if not (isinstance(right, Literal) and right.kind == LIST):
        raise _Problem('in needs a list as its second operand, like ["a", "b"]', right.pos)
    _scalar(left, "in")
    by_kind: dict[str, set[Any]] = {STR: set(), NUM: set(), BOOL: set(), TIME: set()}
    for item in right.value:
        by_kind[item.kind].add(item.value)
    checks = tuple((COERCE[kind], frozenset(items)) for kind, items in by_kind.items() if items)
    get = _getter(left)

    def member(context: Context) -> bool:
        found = get(context)
        if found is None:
            return False
        for coerce, items in checks:
            value = coerce(found)
            if value is not None and value in items:
                return True
        return False

    return member


def _string_op(op: str, left: Node, right: Node) -> Predicate:
    _scalar(left, op)
    _scalar(right, op)
    test = _STRING_OPS[op]
    if isinstance(right, Literal) and right.kind != STR:
        raise _Problem(f"{op} needs a string; put the value in double quotes", right.pos)
    get_left, get_right = _getter(left), _getter(right)

    def predicate(context: Context) -> bool:
        subject, needle = get_left(context), to_str(get_right(context))
        if needle is None:
            return False
        if op == "contains" and isinstance(subject, _COLLECTIONS):
            return any(to_str(item) == needle for item in subject)
        subject = to_str(subject)
        return subject is not None and test(subject, needle)

    if isinstance(left, Ref) and isinstance(right, Literal):
        key, needle = left.key, right.value
        if op == "contains":
            return predicate
        return lambda context: (
            (found := to_str(context.get(key))) is not None and test(found, needle)
        )
    return predicate


def _matches(subject: Node, pattern: Node) -> Predicate:
    if not (isinstance(pattern, Literal) and pattern.kind == STR):
        raise _Problem('pattern:: must be a string, like pattern::"^a.*z$"', pattern.pos)
    try:
        search = compile_pattern(pattern.value).search
    except PatternError as exc:
        raise _Problem(f"pattern:: {exc}", pattern.pos) from None
    _scalar(subject, "matches")
    get = _getter(subject)

    def predicate(context: Context) -> bool:
        value = to_str(get(context))
        return value is not None and len(value) <= MAX_MATCH_INPUT and search(value)

    return predicate


def _exists(key: Node) -> Predicate:
    if not (isinstance(key, Literal) and key.kind == STR):
        raise _Problem(
            'key:: takes the key\'s name in double quotes, without "$": key::"country"', key.pos
        )
    name = key.value
    return lambda context: context.get(name) is not None


__all__ = [
    "MAX_MATCH_INPUT",
    "OPERATORS",
    "CompiledRule",
    "Context",
    "Predicate",
    "compile_rule",
]

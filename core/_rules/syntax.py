"""Reading AppConfig's rule language: text to a small syntax tree, with exact error positions.

The language is the subset of Amazon Ion text that AWS documents for variant rules: prefix
s-expressions ``(op arg ...)``, ``name::value`` parameters, ``$key`` context references and
literals (double-quoted strings, integers, floats, booleans, timestamps, ``[...]`` lists).
Every problem raises `RuleSyntaxError` with the 0-based character position; nothing else
escapes, whatever the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from appconfig_core.errors import RuleSyntaxError

from .coerce import BOOL, NUM, STR, TIME, TIMESTAMP_PATTERN, timestamp_from_match

LIST: Final = "list"
#: AppConfig's limit on a rule's length, in characters.
MAX_RULE_LENGTH: Final = 16384
#: How deeply parentheses and brackets may nest; bounds recursion and evaluation depth.
MAX_DEPTH: Final = 32

_END = r"(?=[\s()\[\],]|\Z)"
_WS_RE = re.compile(r"\s+", re.ASCII)
#: The one tokenizer: every token kind is a named group, so one match both finds a token and
#: hands over its parts (a timestamp's fields, a number's fraction and exponent).
_TOKEN_RE = re.compile(
    r"\s*(?:"
    + "|".join(
        (
            r"(?P<eof>\Z)",
            r"(?P<punct>[()\[\],])",
            r'(?P<string>"(?:[^"\\]|\\.)*")',
            "(?P<time>" + TIMESTAMP_PATTERN + ")" + _END,
            r"(?P<number>-?\d+(?P<frac>\.\d*)?(?P<exp>[eE][+-]?\d+)?)" + _END,
            r"(?P<ref>\$[A-Za-z0-9_][A-Za-z0-9_.\-]*)" + _END,
            r"(?P<param>[A-Za-z_][A-Za-z0-9_]*[ \t]*::)",
            r"(?P<symbol>[A-Za-z_][A-Za-z0-9_]*)" + _END,
        )
    )
    + ")",
    re.ASCII | re.DOTALL,
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ESCAPE_RE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "'": "'",
    "?": "?",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\n": "",
}
_INT64 = 2**63


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: ``kind`` is string, number, boolean, timestamp or list (of `Literal`)."""

    value: Any
    kind: str
    pos: int


@dataclass(frozen=True, slots=True)
class Ref:
    """A ``$key`` reference to the evaluation context."""

    key: str
    pos: int


@dataclass(frozen=True, slots=True)
class Call:
    """An s-expression ``(op args... name::value...)``."""

    op: str
    args: tuple[Node, ...]
    params: tuple[tuple[str, Node, int], ...]
    pos: int


Node = Literal | Ref | Call


class _Token(NamedTuple):
    kind: str
    pos: int
    end: int
    value: Any = None


class _Tokenizer:
    """Splits a rule into tokens; raises at the first character that starts no token."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, pos: int) -> RuleSyntaxError:
        return RuleSyntaxError(message, rule=self.text, position=pos)

    def tokens(self) -> list[_Token]:
        text, pos, out = self.text, 0, []
        match_token = _TOKEN_RE.match
        while pos < len(text):
            match = match_token(text, pos)
            if match is None:
                space = _WS_RE.match(text, pos)
                raise self.no_token(pos if space is None else space.end())
            kind, end = match.lastgroup, match.end()
            pos = match.start(kind)  # type: ignore[arg-type]
            if kind == "punct":
                out.append(_Token(text[pos], pos, end))
            elif kind == "string":
                body = text[pos + 1 : end - 1]
                if "\\" in body or _SURROGATE_RE.search(body):
                    body = self.unescape(body, pos)
                out.append(_Token(STR, pos, end, body))
            elif kind == "ref":
                out.append(_Token("ref", pos, end, text[pos + 1 : end]))
            elif kind == "param":
                out.append(_Token("param", pos, end, text[pos : end - 2].rstrip(" \t")))
            elif kind == "symbol":
                out.append(_Token("symbol", pos, end, text[pos:end]))
            elif kind == "number":
                out.append(self.number(match, pos, end))
            elif kind == "time":
                stamp = timestamp_from_match(match)
                if stamp is None:
                    raise self.error(f"{text[pos:end]!r} is not a valid timestamp", pos)
                out.append(_Token(TIME, pos, end, stamp))
            elif kind == "eof":
                break
            pos = end
        return out

    def no_token(self, pos: int) -> RuleSyntaxError:
        """Why no token starts at ``pos``, told by its first character."""
        ch = self.text[pos]
        if ch == '"':
            return self.error("string is not closed: a '\"' is missing", pos)
        if ch == "$":
            return self.error("expected a context key after '$' (letters, digits, _ . -)", pos)
        if ch == "-" or "0" <= ch <= "9":
            return self.error("malformed number", pos)
        if ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
            return self.error("malformed word", pos)
        if ch == "'":
            return self.error("strings take double quotes, not single quotes", pos)
        return self.error(f"unexpected character {ch!r}", pos)

    def unescape(self, body: str, pos: int) -> str:
        """The string literal's ``body`` (opening quote at ``pos``) with escapes resolved."""
        if "\\" in body:
            body = _ESCAPE_RE.sub(lambda m: self.escape(m, pos + 1), body)
        if _SURROGATE_RE.search(body):
            try:
                body = body.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                raise self.error("string holds an unpaired surrogate escape", pos) from None
        return body

    def escape(self, match: re.Match[str], offset: int) -> str:
        escape = match.group()
        if escape[1] in "uUx" and len(escape) > 2:
            code = int(escape[2:], 16)
            if code > 0x10FFFF:
                raise self.error(f"escape {escape} is beyond Unicode", offset + match.start())
            return chr(code)
        if escape[1] in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape[1]]
        raise self.error(f"unknown escape {escape!r} in string", offset + match.start())

    def number(self, match: re.Match[str], pos: int, end: int) -> _Token:
        digits = self.text[pos:end]
        if match.group("frac") is None and match.group("exp") is None:
            number = int(digits) if len(digits) <= 20 else _INT64
            if not -_INT64 <= number < _INT64:
                raise self.error("integer is out of the 64-bit range", pos)
            return _Token(NUM, pos, end, number)
        value = float(digits)
        if value in (float("inf"), float("-inf")):
            raise self.error("float is out of the 64-bit range", pos)
        return _Token(NUM, pos, end, value)


class _Parser:
    """Recursive descent over the token list, bounded by `MAX_DEPTH`."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def error(self, message: str, pos: int) -> RuleSyntaxError:
        return RuleSyntaxError(message, rule=self.text, position=pos)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def rule(self) -> Call:
        token = self.peek()
        if token is None:
            raise self.error("rule is empty", 0)
        if token.kind != "(":
            raise self.error(
                'a rule is an expression in parentheses, like (eq $key "value")', token.pos
            )
        node = self.call(0)
        extra = self.peek()
        if extra is not None:
            raise self.error("unexpected text after the rule's closing ')'", extra.pos)
        return node

    def call(self, depth: int) -> Call:
        opener = self.take()
        if depth >= MAX_DEPTH:
            raise self.error(f"expressions nest deeper than {MAX_DEPTH} levels", opener.pos)
        head = self.peek()
        if head is None or head.kind != "symbol":
            where = len(self.text) if head is None else head.pos
            raise self.error("expected an operator name after '('", where)
        self.take()
        args: list[Node] = []
        params: list[tuple[str, Node, int]] = []
        while True:
            token = self.peek()
            if token is None:
                raise self.error(
                    f"missing ')' to close the '(' at character {opener.pos}", len(self.text)
                )
            if token.kind == ")":
                self.take()
                return Call(head.value, tuple(args), tuple(params), opener.pos)
            if token.kind == "param":
                self.take()
                following = self.peek()
                if following is None or following.kind in (")", "param"):
                    raise self.error(f"parameter {token.value}:: has no value", token.end)
                params.append((token.value, self.value(depth), token.pos))
            else:
                args.append(self.value(depth))

    def value(self, depth: int) -> Node:
        token = self.peek()
        assert token is not None
        kind = token.kind
        if kind == "(":
            return self.call(depth + 1)
        if kind == "[":
            return self.list(depth + 1)
        self.take()
        if kind in (STR, NUM, TIME):
            return Literal(token.value, kind, token.pos)
        if kind == "ref":
            return Ref(token.value, token.pos)
        if kind == "symbol":
            if token.value in ("true", "false"):
                return Literal(token.value == "true", BOOL, token.pos)
            if token.value == "null":
                raise self.error('null is not supported; use (exists key::"name")', token.pos)
            raise self.error(
                f"unexpected word {token.value!r}: strings need double quotes, context keys a '$'",
                token.pos,
            )
        raise self.error(f"unexpected {kind!r}", token.pos)

    def list(self, depth: int) -> Literal:
        opener = self.take()
        if depth >= MAX_DEPTH:
            raise self.error(f"expressions nest deeper than {MAX_DEPTH} levels", opener.pos)
        items: list[Literal] = []
        expect_item = True
        while True:
            token = self.peek()
            if token is None:
                raise self.error(
                    f"missing ']' to close the '[' at character {opener.pos}", len(self.text)
                )
            if token.kind == "]":
                self.take()
                return Literal(tuple(items), LIST, opener.pos)
            if token.kind == ",":
                if expect_item:
                    raise self.error("expected a list item before ','", token.pos)
                self.take()
                expect_item = True
                continue
            item = self.value(depth)
            if not isinstance(item, Literal) or item.kind == LIST:
                raise self.error(
                    "list items must be strings, numbers, booleans or timestamps", _pos(item)
                )
            items.append(item)
            expect_item = False


def _pos(node: Node) -> int:
    return node.pos


def parse_rule(text: str) -> Call:
    """Parse ``text`` into its syntax tree; raise `RuleSyntaxError` on any problem."""
    if len(text) > MAX_RULE_LENGTH:
        raise RuleSyntaxError(
            f"rule is {len(text)} characters long; AppConfig allows {MAX_RULE_LENGTH}",
            rule=text,
            position=MAX_RULE_LENGTH,
        )
    return _Parser(text, _Tokenizer(text).tokens()).rule()


__all__ = ["LIST", "MAX_DEPTH", "MAX_RULE_LENGTH", "Call", "Literal", "Node", "Ref", "parse_rule"]

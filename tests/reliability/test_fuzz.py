"""Hostile and malformed input: only the library's documented errors, in bounded time.

Hypothesis feeds every input the library parses (documents in all formats, rules,
constraints, evaluation contexts, the Agent's HTTP answer, the flags file). The promise:
parsing raises only `DocumentError` (or `FetchError` from a source), evaluation never
raises, and nothing stalls.
"""

from __future__ import annotations

import contextlib
import http.server
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appconfig_core import AgentSource, Content, FetchResult, FileSource
from appconfig_core._evaluation.result import Evaluation
from appconfig_core._formats.constraints import compile_constraint, value_shape_problem
from appconfig_core._formats.detect import FORMATS, compile_document
from appconfig_core._formats.powertools_actions import ACTIONS
from appconfig_core._rules.compiler import compile_rule
from appconfig_core._rules.syntax import MAX_DEPTH, MAX_RULE_LENGTH
from appconfig_core._runtime.store import Store
from appconfig_core._sources.content import parse_content
from appconfig_core.errors import DocumentError, FetchError, RuleSyntaxError

from .conftest import make_poller

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ERROR_CODES = {
    None,
    "FLAG_NOT_FOUND",
    "PROVIDER_NOT_READY",
    "TYPE_MISMATCH",
    "PARSE_ERROR",
    "GENERAL",
    "INVALID_CONTEXT",
}

names = st.sampled_from(["a", "b", "beta", "x-y", "", "1", "ünï", "_variants", "enabled"])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["2024-01-01T00:00:00Z", "10", "1.5", "true", "x" * 2000]),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=20,
)

RULE_TOKENS = [
    "(",
    ")",
    "[",
    "]",
    ",",
    "and",
    "or",
    "not",
    "eq",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "contains",
    "begins_with",
    "ends_with",
    "matches",
    "exists",
    "split",
    "$a",
    "$b",
    '"x"',
    '"2024-01-01"',
    "1",
    "-2.5",
    "true",
    "false",
    "null",
    "in::$a",
    'pattern::"^a.c$"',
    'pattern::"("',
    'key::"a"',
    "pct::50",
    "pct::101",
    "by::$a",
    'seed::"s"',
    '"',
    "::",
    "\\",
    " ",
]
token_rules = st.lists(st.sampled_from(RULE_TOKENS), max_size=30).map(" ".join)
literal = st.sampled_from(['"x"', '"abc"', "1", "2.5", "true", '"2024-06-01T00:00:00Z"'])
leaf_rules = st.one_of(
    st.builds(lambda op, lit: f"({op} $a {lit})", st.sampled_from(["eq", "gt", "lte"]), literal),
    st.builds(lambda lit: f"(in $b [{lit}, 3])", literal),
    st.sampled_from(
        [
            '(matches in::$a pattern::"^a.c$")',
            '(exists key::"b")',
            "(split pct::50 by::$a)",
            '(begins_with $a "x")',
            '(contains $c "x")',
            "(eq $a $b)",
        ]
    ),
)
valid_rules = st.recursive(
    leaf_rules,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"(and {a} {b})", inner, inner),
        st.builds(lambda a, b: f"(or {a} {b})", inner, inner),
        st.builds(lambda a: f"(not {a})", inner),
    ),
    max_leaves=8,
)
rules = st.one_of(valid_rules, token_rules, st.text(max_size=60))


class Evil:
    """A context value whose every dunder raises, as a hostile caller's object might."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no eq")

    def __hash__(self) -> int:
        raise RuntimeError("no hash")

    def __lt__(self, other: object) -> bool:
        raise RuntimeError("no lt")


def deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


context_values = st.one_of(
    json_like,
    st.just("a" * 1_000_000),
    st.just(deep(5_000)),
    st.just(10**400),
    st.just(b"\xff\x00bytes"),
    st.just(datetime(2024, 6, 1, tzinfo=timezone.utc)),
    st.builds(Evil),
    st.sets(st.integers(), max_size=3),
)
contexts = st.dictionaries(st.sampled_from(["a", "b", "c", "userId"]), context_values, max_size=4)

constraints = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "number", "boolean", "array", "object", 7])},
    optional={
        "required": json_like,
        "pattern": st.one_of(st.sampled_from(["^a+$", "(", "[a-", "x{999999999}"]), st.text()),
        "enum": json_like,
        "minimum": json_like,
        "maximum": json_like,
        "elements": json_like,
    },
)
retrieval_docs = st.dictionaries(
    names,
    st.one_of(json_like, st.dictionaries(names, json_like).map(lambda d: {"enabled": True, **d})),
)
variant = st.fixed_dictionaries(
    {"name": st.one_of(st.text(max_size=8), json_like)},
    optional={"enabled": st.booleans(), "rule": rules, "attributeValues": json_like},
)
stored_docs = st.fixed_dictionaries(
    {
        "version": st.just("1"),
        "flags": st.dictionaries(
            names,
            st.one_of(
                json_like,
                st.fixed_dictionaries(
                    {"name": st.text(max_size=8)},
                    optional={
                        "attributes": st.dictionaries(
                            names, st.fixed_dictionaries({"constraints": constraints})
                        )
                    },
                ),
            ),
            max_size=3,
        ),
        "values": st.dictionaries(
            names,
            st.one_of(
                json_like,
                st.dictionaries(names, json_like).map(lambda d: {"enabled": True, **d}),
                st.lists(variant, max_size=3).map(lambda v: {"_variants": v}),
            ),
            max_size=3,
        ),
    }
)
condition = st.fixed_dictionaries(
    {
        "action": st.one_of(st.sampled_from(ACTIONS), st.text(max_size=5)),
        "key": st.one_of(st.sampled_from(["a", "b", "CURRENT_TIME"]), json_like),
        "value": json_like,
    }
)
powertools_docs = st.dictionaries(
    names,
    st.fixed_dictionaries(
        {"default": json_like},
        optional={
            "boolean_type": json_like,
            "rules": st.dictionaries(
                names,
                st.fixed_dictionaries(
                    {"when_match": json_like, "conditions": st.lists(condition, max_size=3)}
                ),
                max_size=3,
            ),
        },
    ),
    max_size=3,
)
documents = st.one_of(json_like, retrieval_docs, stored_docs, powertools_docs)


def check_evaluation(result: Evaluation) -> None:
    assert isinstance(result, Evaluation)
    assert isinstance(result.enabled, bool)
    assert result.error in ERROR_CODES


class TestDocuments:
    @FUZZ
    @given(
        raw=st.binary(max_size=200),
        content_type=st.one_of(
            st.none(),
            st.sampled_from(
                [
                    "application/json",
                    "application/x-yaml",
                    "text/plain",
                    "application/json; charset=utf-8",
                    "application/vnd+json",
                ]
            ),
            st.text(max_size=20),
        ),
    )
    def test_parse_content_raises_only_document_error(
        self, raw: bytes, content_type: str | None
    ) -> None:
        """Any bytes with any content type parse or raise DocumentError, nothing else."""
        with contextlib.suppress(DocumentError):
            parse_content(raw, content_type)

    @FUZZ
    @given(document=documents, fmt=st.sampled_from(FORMATS), context=contexts)
    def test_compile_document_raises_only_document_error(
        self, document: Any, fmt: str, context: Mapping[str, Any]
    ) -> None:
        """Any document in any format compiles or raises DocumentError; its flags then never raise."""
        try:
            flags = compile_document(document, format=fmt, version="1")
        except DocumentError as exc:
            assert exc.problems  # noqa: PT017 - a fuzz target may raise or not
            return
        for flag in flags.values():
            check_evaluation(_safe(flag, context))

    @FUZZ
    @given(document=documents, context=contexts)
    def test_store_keeps_last_good_on_any_document(
        self, document: Any, context: Mapping[str, Any]
    ) -> None:
        """Whatever arrives as JSON, the store either installs it or keeps the previous snapshot."""
        import json

        store = Store(format="auto", defaults={"beta": True})
        store.load(Content(b'{"beta": {"enabled": true}}', "application/json", "1"), "network")
        try:
            data = json.dumps(document).encode()
        except ValueError:
            return
        try:
            store.load(Content(data, "application/json", "2"), "network")
        except DocumentError:
            assert store.status().version == "1"
        for name in ("beta", "a", "b"):
            check_evaluation(store.current.evaluate(name, context))
            assert isinstance(store.current.is_enabled(name, context), bool)

    @pytest.mark.parametrize(
        ("data", "content_type"),
        [
            (b"[" * 100_000, "application/json"),
            (b"[" * 100_000 + b"]" * 100_000, "application/json"),
            (b"[" * 50_000, "application/x-yaml"),
            (b"- " * 50_000 + b"x", "application/x-yaml"),
        ],
        ids=["json-open", "json-closed", "yaml-flow", "yaml-block"],
    )
    def test_deep_nesting_is_a_document_error(self, data: bytes, content_type: str) -> None:
        """A document nested far past the recursion limit is a DocumentError, not a RecursionError."""
        with pytest.raises(DocumentError):
            Store(format="auto", defaults=None).load(Content(data, content_type, "1"), "network")


def _safe(flag: Any, context: Mapping[str, Any]) -> Evaluation:
    """A compiled flag's own evaluate, read through a snapshot as callers do."""
    from appconfig_core._evaluation.snapshot import Snapshot

    snapshot = Snapshot(
        document=None,
        flags={"f": flag},
        defaults={},
        version="1",
        content_type=None,
        loaded_at=datetime.now(timezone.utc),
    )
    assert isinstance(snapshot.is_enabled("f", context), bool)
    return snapshot.evaluate("f", context)


class TestRules:
    @FUZZ
    @given(text=rules, context=contexts)
    def test_rule_parser_raises_only_rule_syntax_error(
        self, text: str, context: Mapping[str, Any]
    ) -> None:
        """Any rule text compiles or raises RuleSyntaxError with a position inside it; predicates never raise."""
        try:
            compiled = compile_rule(text, seed="flag")
        except RuleSyntaxError as exc:
            assert 0 <= exc.position <= max(len(text), MAX_RULE_LENGTH)  # noqa: PT017 - may raise or not
            return
        assert isinstance(compiled.predicate(context), bool)
        if compiled.settled is not None:
            assert isinstance(compiled.settled(context), bool)

    def test_rule_length_is_bounded(self) -> None:
        """A rule longer than AppConfig's limit is refused before it is parsed."""
        text = "(or " + " ".join(['(eq $a "x")'] * (MAX_RULE_LENGTH // 10)) + ")"
        with pytest.raises(RuleSyntaxError, match="characters long"):
            compile_rule(text, seed="f")

    def test_rule_nesting_is_bounded(self) -> None:
        """Nesting deeper than the parser's bound is refused, not recursed into."""
        text = "(not " * (MAX_DEPTH + 5) + '(eq $a "x")' + ")" * (MAX_DEPTH + 5)
        with pytest.raises(RuleSyntaxError, match="nest deeper"):
            compile_rule(text, seed="f")


class TestConstraints:
    @FUZZ
    @given(raw=st.one_of(constraints, json_like), value=json_like)
    def test_constraint_validation_never_raises(self, raw: Any, value: Any) -> None:
        """Any constraint definition yields problems or a constraint; checking any value never raises."""
        problems: list[tuple[str, str]] = []
        constraint = compile_constraint(raw, "flags.f.attributes.a.constraints", problems)
        assert (constraint is None) == bool(problems) or constraint is None
        if constraint is not None and value_shape_problem(value) is None:
            issue = constraint.problem(value)
            assert issue is None or isinstance(issue, str)


# -- sources ---------------------------------------------------------------------------------


class _Canned(http.server.BaseHTTPRequestHandler):
    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")

    def do_GET(self) -> None:
        status, headers, body = type(self).answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(name="canned", scope="module")
def _canned() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
bodies = st.one_of(
    st.binary(max_size=300),
    documents.map(lambda d: __import__("json").dumps(d).encode()),
)


class TestSources:
    @FUZZ
    @given(
        status=st.sampled_from([200, 200, 200, 204, 301, 400, 401, 403, 404, 429, 500, 502, 504]),
        content_type=st.one_of(
            st.sampled_from(["application/json", "application/x-yaml", "text/plain"]), header_text
        ),
        version=header_text,
        body=bodies,
    )
    def test_agent_answer_raises_only_documented_errors(
        self, canned: str, status: int, content_type: str, version: str, body: bytes
    ) -> None:
        """Any Agent answer becomes content, FetchError or DocumentError; the store keeps its snapshot."""
        _Canned.answer = (
            status,
            {"Content-Type": content_type, "Configuration-Version": version},
            body,
        )
        source = AgentSource("shop", "prod", "flags", url=canned, timeout=5)
        store = Store(format="auto", defaults=None)
        try:
            result = source.fetch()
        except FetchError:
            return
        if result.content is not None:
            try:
                store.load(result.content, "network")
            except DocumentError:
                assert not store.loaded

    @FUZZ
    @given(data=bodies, suffix=st.sampled_from([".json", ".yaml", ".yml", ".txt"]))
    def test_flags_file_raises_only_documented_errors(
        self, tmp_path: Path, data: bytes, suffix: str
    ) -> None:
        """Any file content becomes content or DocumentError; FileSource itself never raises otherwise."""
        path = tmp_path / f"flags{suffix}"
        path.write_bytes(data)
        source = FileSource(path)
        result = source.fetch()
        assert result.content is not None
        with contextlib.suppress(DocumentError):
            Store(format="auto", defaults=None).load(result.content, "network")


class _Delivers:
    """A source that hands the poller whatever content it is given."""

    description = "fuzzed source"

    def __init__(self, content: Content) -> None:
        self.content = content

    def fetch(self) -> FetchResult:
        return FetchResult(self.content, 30.0)

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


class TestPoller:
    @FUZZ
    @given(
        data=st.one_of(bodies, st.sampled_from([b"[" * 500 + b"]" * 500, b"a: &x [1]\nb: *x\n"])),
        content_type=st.one_of(
            st.none(), st.sampled_from(["application/json", "application/x-yaml", "text/plain"])
        ),
    )
    def test_any_content_leaves_the_poller_running(
        self, data: bytes, content_type: str | None
    ) -> None:
        """Whatever a source delivers, a poll returns a wait and the flags are the old or the new."""
        store = Store(format="auto", defaults=None)
        good = Content(b'{"beta": {"enabled": true}}', "application/json", "1")
        make_poller(_Delivers(good), store).poll_once()
        poller = make_poller(_Delivers(Content(data, content_type, "2")), store)
        assert poller.poll_once() == 30.0
        status = store.status()
        if status.version == "1":
            assert store.current.is_enabled("beta") is True
        else:
            assert status.version == "2" and status.last_error is None
        assert poller.poll_once() == 30.0

    def test_too_deep_json_of_unknown_type_is_reported(self) -> None:
        """A body nested past the recursion limit, with no content type, loads or is reported."""
        store = Store(format="auto", defaults=None)
        good = Content(b'{"beta": {"enabled": true}}', "application/json", "1")
        make_poller(_Delivers(good), store).poll_once()
        poller = make_poller(_Delivers(Content(b"[" * 100_000, None, "2")), store)
        assert poller.poll_once() == 30.0
        status = store.status()
        assert status.version == "2" or status.last_error is not None


# -- bounded work ------------------------------------------------------------------------------

#: A document or a context designed to make the library work for minutes must be refused or
#: answered within this bound. Run in a child process, so a stall is killed, not waited out.
STALL_BOUND = 3.0


def finishes_in_time(code: str) -> bool:
    try:
        subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            timeout=STALL_BOUND,
            check=True,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        return False
    return True


class TestBoundedWork:
    def test_safe_pattern_on_huge_input_is_cheap(self) -> None:
        """The control case: a pattern run on a megabyte value stays cheap (input is capped)."""
        assert finishes_in_time("""
            from appconfig_core._rules.compiler import compile_rule
            rule = compile_rule('(matches in::$a pattern::"a.*b.*c")', seed="f")
            for _ in range(1000):
                rule.predicate({"a": "a" * 1_000_000})
        """)

    def test_backtracking_rule_pattern_does_not_stall_evaluation(self) -> None:
        """A rule regex built to backtrack cannot stall a flag evaluation."""
        assert finishes_in_time("""
            from appconfig_core._rules.compiler import compile_rule
            from appconfig_core.errors import RuleSyntaxError
            try:
                rule = compile_rule('(matches in::$a pattern::"^(a|a)*$")', seed="f")
            except RuleSyntaxError:
                raise SystemExit(0)  # refusing the pattern at load is a fine answer
            rule.predicate({"a": "a" * 60 + "!"})
        """)

    def test_backtracking_constraint_pattern_does_not_stall_loading(self) -> None:
        """A constraint regex built to backtrack cannot stall loading a document on the poller."""
        assert finishes_in_time("""
            from appconfig_core._formats.stored import compile_stored
            from appconfig_core.errors import DocumentError
            doc = {"version": "1",
                   "flags": {"f": {"name": "f", "attributes": {"s": {"constraints": {
                       "type": "string", "pattern": "^(a+)+$"}}}}},
                   "values": {"f": {"enabled": True, "s": "a" * 60 + "!"}}}
            try:
                compile_stored(doc)
            except DocumentError:
                pass
        """)

    def test_yaml_alias_bomb_does_not_stall_loading(self) -> None:
        """A YAML document built from nested aliases is refused or loaded in bounded time."""
        assert finishes_in_time("""
            from appconfig_core import Content
            from appconfig_core._runtime.store import Store
            from appconfig_core.errors import DocumentError
            def doc(z):
                lines = ["beta:", "  enabled: true", '  a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
                lines += [f"  a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 12)]
                return ("\\n".join(lines) + f"\\n  z: {z}\\n").encode()
            store = Store(format="auto", defaults=None)
            try:
                store.load(Content(doc(1), "application/x-yaml", "1"), "network")
                store.load(Content(doc(2), "application/x-yaml", "2"), "network")
            except DocumentError:
                pass
        """)


class TestPolynomialPatterns:
    def test_worst_accepted_pattern_on_the_longest_value_is_fast(self) -> None:
        """Two overlapping unbounded repetitions on the longest value matches accepts stay fast."""
        assert finishes_in_time("""
            from appconfig_core._rules.compiler import MAX_MATCH_INPUT, compile_rule
            rule = compile_rule('(matches in::$a pattern::"a*a*b")', seed="f")
            for _ in range(100):
                rule.predicate({"a": "a" * MAX_MATCH_INPUT})
        """)

"""Patterns on RE2: linear time, constructs RE2 cannot run refused by name, re.search kept."""

from __future__ import annotations

import pytest

from appconfig_core._rules.regex import PatternError, compile_pattern

HOSTILE = "^(a{1,10}){1,10}$"
#: 100 characters no split into at most ten runs of at most ten can cover, plus a stopper:
#: Python's backtracking `re` tries every split of the 100 `a`s before failing.
HOSTILE_VALUE = "a" * 100 + "!"


class TestLinearTime:
    @pytest.mark.timeout(10)
    def test_nested_bounded_repeats_finish_on_a_hostile_value(self) -> None:
        """The pattern that backtracks for minutes under re answers at once under RE2."""
        pattern = compile_pattern(HOSTILE)
        assert pattern.search(HOSTILE_VALUE) is False
        assert pattern.search("a" * 100) is True

    @pytest.mark.timeout(10)
    @pytest.mark.parametrize(
        "source", ["^(a+)+$", "^(a|a)*$", r"^(\w+\s?)+$", "a*a*a*b", "^(a?){25}a{25}$"]
    )
    def test_patterns_the_old_guard_refused_now_load_and_finish(self, source: str) -> None:
        """Classic catastrophic patterns are accepted: RE2 runs them in linear time."""
        assert compile_pattern(source).search("a" * 200 + "!") is False


class TestRefused:
    @pytest.mark.parametrize(
        ("source", "message"),
        [
            (
                r"^(a)\1$",
                r"backreference \1 is not supported: RE2 runs in linear time and has no"
                " backreferences",
            ),
            (r"(a)(b)\10", r"backreference \10 is not supported"),
            (r"(?P<x>a)(?P=x)", r"backreference (?P=x) is not supported"),
            (r"\g<1>", r"backreference \g is not supported"),
            (
                "a(?=b)",
                "lookahead (?= is not supported: RE2 runs in linear time and has no lookaround",
            ),
            ("a(?!b)", "lookahead (?! is not supported"),
            ("(?<=a)b", "lookbehind (?<= is not supported"),
            ("(?<!a)b", "lookbehind (?<! is not supported"),
            ("a++", "possessive quantifier ++ is not supported: RE2 never backtracks, so write +"),
            ("a{2}+", "possessive quantifier {2}+ is not supported"),
            ("(?>ab)", "atomic group (?> is not supported"),
            (r"a\Z", r"\Z is not supported; write \z"),
            (r"\u00e9", r"escape \u is not supported; write the character itself"),
            ("(?x)a b", "(?x is not supported; RE2's inline flags are i, m, s and U"),
            ("(", "is not a valid regular expression for RE2 (missing ): ()"),
        ],
    )
    def test_construct_is_named(self, source: str, message: str) -> None:
        """Each construct RE2 cannot run is refused with its name and the reason."""
        with pytest.raises(PatternError) as info:
            compile_pattern(source)
        assert message in str(info.value)

    @pytest.mark.parametrize("source", ["a{,3}", "x{,}"])
    def test_empty_lower_bound_is_refused_rather_than_read_as_text(self, source: str) -> None:
        """{,n} is a repetition for re but text for RE2, so it is refused with both spellings."""
        with pytest.raises(PatternError, match=r"write \{0,\d*\} for the repetition"):
            compile_pattern(source)

    @pytest.mark.parametrize("source", [r"[{,3}]", r"\{,3}", r"\Q{,3}\1\E", r"[\d]\d"])
    def test_look_alikes_in_classes_and_quotes_are_accepted(self, source: str) -> None:
        """Text inside a class, an escape or a \\Q...\\E quote is not taken for those constructs."""
        compile_pattern(source)

    def test_unpaired_surrogate_in_the_pattern_is_refused(self) -> None:
        """A pattern holding a lone surrogate (JSON can carry one) is refused, not a crash."""
        with pytest.raises(PatternError, match="unpaired surrogate"):
            compile_pattern("a\ud800")

    def test_refusal_writes_nothing_to_stderr(self, capfd: pytest.CaptureFixture[str]) -> None:
        """RE2's C++ logger stays silent on a refused pattern (no line on file descriptor 2)."""
        compile_pattern.cache_clear()
        for source in [r"(a)\1", "(?=a)", "(", "a{1001}"]:
            with pytest.raises(PatternError):
                compile_pattern(source)
        assert "" == capfd.readouterr().err


class TestSemantics:
    @pytest.mark.parametrize(
        ("source", "value", "found"),
        [
            ("h.*y", "oh hey!", True),
            ("^h.*y$", "oh hey!", False),
            ("^beta$", "beta", True),
            ("^beta$", "beta\n", False),
            (r"^[a-z]+@example\.com$", "ann@example.com", True),
            (r"^[a-z]+@example\.com$", "ann@exampleXcom", False),
            (r"^\d{1,3}(\.\d{1,3}){3}$", "10.0.0.1", True),
            ("(?i)^BETA", "beta-users", True),
            ("^é.$", "éü", True),
            (r"^\p{L}+$", "héllo", True),
            (r"^\d+$", "١٢٣", False),
            (r"\bbot\b", "a bot here", True),
            ("", "anything", True),
        ],
    )
    def test_search_semantics(self, source: str, value: str, found: bool) -> None:
        """A pattern is searched for anywhere (re.search); $ is the end; \\d is ASCII digits."""
        assert found is compile_pattern(source).search(value)

    def test_lone_surrogate_does_not_raise(self) -> None:
        """A string UTF-8 cannot encode is still answered, never an exception."""
        assert compile_pattern("^x").search("x\ud800") is True


class TestInDocuments:
    def test_refusals_name_the_flag_the_location_and_the_construct(self) -> None:
        """A stored document reports a rule's and a constraint's refused pattern where they are."""
        from appconfig_core._formats.stored import compile_stored
        from appconfig_core.errors import DocumentError

        constraints = {"type": "string", "pattern": "^(?=a)"}
        variants = [
            {"name": "V", "enabled": True, "rule": r'(matches in::$g pattern::"(a)\\1")'},
            {"name": "D", "enabled": False},
        ]
        document = {
            "version": "1",
            "flags": {"f": {"name": "F", "attributes": {"a": {"constraints": constraints}}}},
            "values": {"f": {"_variants": variants}},
        }
        with pytest.raises(DocumentError) as info:
            compile_stored(document)
        assert [
            (
                "flags.f.attributes.a.constraints.pattern",
                "lookahead (?= is not supported: RE2 runs in linear time and has no lookaround",
            ),
            (
                "values.f._variants[0].rule",
                "rule of variant 'V' in flag 'f' does not parse: pattern:: backreference \\1 is"
                " not supported: RE2 runs in linear time and has no backreferences at character 25",
            ),
        ] == info.value.problems

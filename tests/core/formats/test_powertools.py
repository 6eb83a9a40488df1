"""The Powertools schema: validation at load, evaluation, and parity with the real package."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from aws_lambda_powertools.utilities.feature_flags import FeatureFlags
from aws_lambda_powertools.utilities.feature_flags.base import StoreProvider
from aws_lambda_powertools.warnings import PowertoolsUserWarning
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appconfig_core._evaluation.flag import StaticFlag
from appconfig_core._evaluation.result import DEFAULT, STATIC, TARGETING_MATCH
from appconfig_core._evaluation.snapshot import Snapshot
from appconfig_core._formats.detect import compile_document
from appconfig_core._formats.powertools import PowertoolsFlag, compile_powertools, feature_location
from appconfig_core.errors import DocumentError

UTC = timezone.utc


def cond(action: str, key: str, value: Any) -> dict[str, Any]:
    return {"action": action, "key": key, "value": value}


def feature(*conditions: dict[str, Any], default: Any = False, when: Any = True) -> dict[str, Any]:
    """A boolean feature with one rule ``r`` holding ``conditions``."""
    return {
        "default": default,
        "rules": {"r": {"when_match": when, "conditions": list(conditions)}},
    }


def problems_of(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as info:
        compile_powertools(document)
    return info.value.problems


class DictStore(StoreProvider):
    """A Powertools store that hands out one document, for the differential tests."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    @property
    def get_raw_configuration(self) -> dict[str, Any]:
        return self.document

    def get_configuration(self) -> dict[str, Any]:
        return self.document


class TestCompile:
    def test_feature_without_rules_is_static(self) -> None:
        """A feature with no rules compiles to a StaticFlag answering its default, reason STATIC."""
        flags = compile_powertools({"a": {"default": True}, "b": {"default": False, "rules": {}}})
        assert isinstance(flags["a"], StaticFlag)
        assert (
            flags["a"].evaluate({}).enabled,
            flags["a"].evaluate({}).value,
            flags["a"].evaluate({}).reason,
        ) == (True, True, STATIC)
        assert flags["b"].is_enabled({}) is False

    def test_first_matching_rule_wins(self) -> None:
        """Rules are tried in document order; the first match gives its value and name."""
        doc = {
            "price": {
                "default": "standard",
                "boolean_type": False,
                "rules": {
                    "vip": {"when_match": "vip", "conditions": [cond("EQUALS", "tier", "vip")]},
                    "eu": {"when_match": "eu", "conditions": [cond("EQUALS", "region", "eu")]},
                },
            }
        }
        flag = compile_powertools(doc, version="7")["price"]
        both = flag.evaluate({"tier": "vip", "region": "eu"})
        assert (
            both.value,
            both.variant,
            both.reason,
            both.version,
        ) == ("vip", "vip", TARGETING_MATCH, "7")
        assert flag.evaluate({"region": "eu"}).variant == "eu"

    def test_no_match_gives_default(self) -> None:
        """Without a matching rule the feature default answers, with reason DEFAULT."""
        flag = compile_powertools({"f": feature(cond("EQUALS", "tier", "vip"))})["f"]
        evaluation = flag.evaluate({"tier": "free"})
        assert (
            evaluation.enabled,
            evaluation.value,
            evaluation.variant,
            evaluation.reason,
        ) == (False, False, None, DEFAULT)

    def test_conditions_are_anded(self) -> None:
        """Every condition of a rule must hold for it to match."""
        flag = compile_powertools(
            {
                "f": feature(
                    cond("EQUALS", "tier", "vip"),
                    cond("KEY_GREATER_THAN_VALUE", "age", 17),
                    cond("STARTSWITH", "email", "a"),
                )
            }
        )["f"]
        assert flag.is_enabled({"tier": "vip", "age": 18, "email": "ann"}) is True
        assert flag.is_enabled({"tier": "vip", "age": 18, "email": "bob"}) is False
        assert flag.is_enabled({"tier": "vip", "age": 17, "email": "ann"}) is False

    def test_two_conditions(self) -> None:
        """The two-condition fast path is an AND as well."""
        flag = compile_powertools({"f": feature(cond("EQUALS", "a", 1), cond("EQUALS", "b", 2))})[
            "f"
        ]
        assert [
            flag.is_enabled({"a": 1, "b": 2}),
            flag.is_enabled({"a": 1, "b": 3}),
            flag.is_enabled({"b": 2}),
        ] == [True, False, False]

    def test_non_boolean_values(self) -> None:
        """Non-boolean features return any JSON value; enabled is its truthiness."""
        doc = {
            "limits": {
                "default": {"rpm": 10},
                "boolean_type": False,
                "rules": {
                    "zero": {"when_match": 0, "conditions": [cond("EQUALS", "tier", "banned")]},
                    "list": {"when_match": ["a"], "conditions": [cond("EQUALS", "tier", "x")]},
                },
            }
        }
        flag = compile_powertools(doc)["limits"]
        assert (flag.evaluate({}).value, flag.is_enabled({})) == ({"rpm": 10}, True)
        assert (
            flag.evaluate({"tier": "banned"}).value,
            flag.is_enabled({"tier": "banned"}),
        ) == (0, False)
        assert flag.evaluate({"tier": "x"}).value == ["a"]

    def test_non_boolean_static_zero(self) -> None:
        """A non-boolean default of 0 is kept as 0, not turned into a boolean."""
        flag = compile_powertools({"n": {"default": 0, "boolean_type": False}})["n"]
        assert (flag.evaluate({}).value, flag.evaluate({}).enabled) == (0, False)

    def test_missing_when_match_in_non_boolean(self) -> None:
        """As in Powertools, a non-boolean rule without when_match answers None."""
        doc = {
            "n": {
                "default": 1,
                "boolean_type": False,
                "rules": {"r": {"conditions": [cond("EQUALS", "a", 1)]}},
            }
        }
        assert compile_powertools(doc)["n"].evaluate({"a": 1}).value is None

    def test_definition_is_the_feature(self) -> None:
        """The flag's definition is the feature object, so edits show up as changes."""
        doc = {"f": feature(cond("EQUALS", "a", 1)), "g": {"default": True}}
        flags = compile_powertools(doc)
        assert doc["f"] == flags["f"].definition
        assert doc["g"] == flags["g"].definition
        assert isinstance(flags["f"], PowertoolsFlag)

    def test_evaluations_are_shared(self) -> None:
        """A rule's Evaluation is built once at load and reused (no allocation per call)."""
        flag = compile_powertools({"f": feature(cond("EQUALS", "a", 1))})["f"]
        assert flag.evaluate({"a": 1}) is flag.evaluate({"a": 1})

    def test_injected_clock(self) -> None:
        """SCHEDULE_* actions read the injected clock on every call."""
        now = [datetime(2024, 3, 4, 8, 0, tzinfo=UTC)]
        window = {"START": "09:00", "END": "10:00"}
        doc = {"f": feature(cond("SCHEDULE_BETWEEN_TIME_RANGE", "CURRENT_TIME", window))}
        flag = compile_powertools(doc, clock=lambda: now[0])["f"]
        assert flag.is_enabled({}) is False
        now[0] += timedelta(hours=1, minutes=30)
        assert flag.is_enabled({}) is True

    def test_default_clock_is_wall_clock(self) -> None:
        """Without a clock the wall clock in UTC is used."""
        doc = {
            "f": feature(
                cond(
                    "SCHEDULE_BETWEEN_DATETIME_RANGE",
                    "CURRENT_DATETIME",
                    {"START": "2024-01-01T00:00:00", "END": "2024-01-01T23:59:59"},
                )
            )
        }
        flag = compile_powertools(doc)["f"]
        with freeze_time("2024-01-01 12:00:00"):
            assert flag.is_enabled({}) is True
        with freeze_time("2024-01-02 00:00:01"):
            assert flag.is_enabled({}) is False

    def test_empty_document(self) -> None:
        """An empty object is a valid document with no flags."""
        assert compile_powertools({}) == {}

    def test_through_compile_document(self) -> None:
        """format="auto" detects the schema from "default" and compiles it here."""
        flags = compile_document({"f": {"default": True}})
        assert flags["f"].is_enabled({}) is True
        flags = compile_document({"f": {"default": True}}, format="powertools", version="3")
        assert flags["f"].evaluate({}).version == "3"


class TestValidation:
    def test_not_an_object(self) -> None:
        """A document that is not an object is rejected as a whole."""
        assert (problems_of([1])) == [
            ("document", "a Powertools document is an object of features, not list")
        ]

    def test_every_problem_collected_with_location(self) -> None:
        """All problems are reported at once, each with the path to its value."""
        doc = {
            "a": {"default": "yes"},
            "b": {
                "default": False,
                "rules": {
                    "beta testers": {
                        "when_match": True,
                        "conditions": [
                            cond("EQUALS", "tier", "x"),
                            {"action": "EQUALS", "key": "tier", "value": None},
                        ],
                    }
                },
            },
            "c": {"default": True, "rules": {"r": {"when_match": "no", "conditions": []}}},
        }
        assert problems_of(doc) == [
            (
                "a.default",
                'must be true or false (set "boolean_type": false for a non-boolean feature)',
            ),
            ('b.rules["beta testers"].conditions[1].value', "is required and must not be null"),
            ('c.rules["r"].when_match', "must be true or false in a boolean feature"),
            ('c.rules["r"].conditions', "must be a non-empty list of conditions"),
        ]

    @pytest.mark.parametrize(
        ("document", "expected"),
        [
            ({"f": {}}, ("f", 'a feature must be a non-empty object with a "default"')),
            ({"f": True}, ("f", 'a feature must be a non-empty object with a "default"')),
            ({"f": {"rules": {}}}, ("f.default", "is required and must not be null")),
            (
                {"f": {"default": None, "boolean_type": False}},
                ("f.default", "is required and must not be null"),
            ),
            (
                {"f": {"default": True, "rules": [1]}},
                ("f.rules", "must be an object of named rules"),
            ),
            (
                {"f": {"default": True, "rules": {"": {"when_match": True}}}},
                ("f.rules", "rule names must be non-empty strings"),
            ),
            (
                {"f": {"default": True, "rules": {"r": {}}}},
                ('f.rules["r"]', 'a rule must be an object with "when_match" and "conditions"'),
            ),
            (
                {"f": {"default": True, "rules": {"r": {"when_match": True, "conditions": [1]}}}},
                (
                    'f.rules["r"].conditions[0]',
                    'a condition must be an object with "action", "key" and "value"',
                ),
            ),
            (
                {"f": feature(cond("EQUALS", "", 1))},
                (
                    'f.rules["r"].conditions[0].key',
                    "must be a non-empty string naming a context key",
                ),
            ),
            (
                {"f": feature(cond("MODULO_RANGE", "id", {"BASE": 2, "START": 0, "END": 2}))},
                (
                    'f.rules["r"].conditions[0].value',
                    "MODULO_RANGE needs 0 <= START <= END <= BASE-1, got BASE=2, START=0, END=2",
                ),
            ),
            (
                {"f": feature(cond("SCHEDULE_BETWEEN_TIME_RANGE", "NOW", {}))},
                (
                    'f.rules["r"].conditions[0].key',
                    "SCHEDULE_BETWEEN_TIME_RANGE needs the key 'CURRENT_TIME', not 'NOW'",
                ),
            ),
            (
                {"my feature": {"default": 1}},
                (
                    '["my feature"].default',
                    'must be true or false (set "boolean_type": false for a non-boolean feature)',
                ),
            ),
        ],
    )
    def test_rule(self, document: Any, expected: tuple[str, str]) -> None:
        """Each schema rule Powertools enforces is enforced at load, with its location."""
        assert [expected] == problems_of(document)

    def test_unknown_action_lists_the_actions(self) -> None:
        """An unknown action names itself and every valid action."""
        [(location, message)] = problems_of({"f": feature(cond("EQUAL", "a", 1))})
        assert location == 'f.rules["r"].conditions[0].action'
        assert message.startswith("'EQUAL' is not an action; use one of EQUALS, NOT_EQUALS,")
        assert message.endswith("MODULO_RANGE")

    def test_feature_location_quotes_odd_names(self) -> None:
        """Plain feature names stay bare in locations; others are quoted in brackets."""
        assert feature_location("new_checkout-v2") == "new_checkout-v2"
        assert feature_location('a.b "c"') == '["a.b \\"c\\""]'


class TestDeliberateDifferences:
    """Each difference from Powertools documented in docs/powertools.md."""

    def test_boolean_type_must_be_boolean(self) -> None:
        """boolean_type must be true or false (Powertools uses any value's truthiness)."""
        assert problems_of({"f": {"default": 1, "boolean_type": 0}}) == [
            ("f.boolean_type", "must be true or false")
        ]

    @pytest.mark.parametrize("zone", ["GMT+3", "UTC+3", "utc", "/etc/localtime"])
    def test_only_iana_zone_names(self, zone: str) -> None:
        """TIMEZONE takes IANA names only; dateutil's POSIX strings and paths are rejected."""
        value = {"START": "09:00", "END": "10:00", "TIMEZONE": zone}
        [(location, message)] = problems_of(
            {"f": feature(cond("SCHEDULE_BETWEEN_TIME_RANGE", "CURRENT_TIME", value))}
        )
        assert location == 'f.rules["r"].conditions[0].value'
        assert "is not an IANA time zone name" in message

    @pytest.mark.parametrize(
        ("zone", "kind"), [([], "a list"), ({}, "an object"), (0, "a number"), (False, "a boolean")]
    )
    def test_zone_of_the_wrong_type_is_a_load_error(self, zone: Any, kind: str) -> None:
        """A TIMEZONE that is no string is refused at the rule's condition, naming the type.

        Powertools lets these falsy values through its validation as UTC, then fails on them at
        every evaluation so that the rule never matches.
        """
        value = {"START": "09:00", "END": "10:00", "TIMEZONE": zone}
        document = {"f": feature(cond("SCHEDULE_BETWEEN_TIME_RANGE", "CURRENT_TIME", value))}
        assert [
            (
                'f.rules["r"].conditions[0].value',
                f'TIMEZONE must be a string naming an IANA time zone, like "Europe/Paris", not {kind}',
            )
        ] == problems_of(document)
        with pytest.raises(DocumentError, match=r'rules\["r"\].*TIMEZONE must be a string'):
            compile_powertools(document)

    @pytest.mark.parametrize("zone", ["", None])
    def test_empty_or_null_zone_is_utc(self, zone: str | None) -> None:
        """An empty or null TIMEZONE means UTC when evaluating too (not the server's zone)."""
        value = {"DAYS": ["MONDAY"], "TIMEZONE": zone}
        monday_utc = datetime(2024, 3, 4, 0, 30, tzinfo=UTC)
        doc = {"f": feature(cond("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value))}
        assert compile_powertools(doc, clock=lambda: monday_utc)["f"].is_enabled({}) is True

    def test_day_names_do_not_depend_on_the_locale(self) -> None:
        """Days are matched by weekday number, not by strftime("%A"), which follows the locale."""

        class GermanDatetime(datetime):
            def strftime(self, fmt: str) -> str:
                return "Montag" if fmt == "%A" else super().strftime(fmt)

        monday = GermanDatetime(2024, 3, 4, 12, 0, tzinfo=UTC)
        assert monday.strftime("%A") == "Montag"
        value = {"DAYS": ["MONDAY"]}
        doc = {"f": feature(cond("SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", value))}
        assert compile_powertools(doc, clock=lambda: monday)["f"].is_enabled({}) is True

    def test_missing_feature_answers_the_callers_default(self) -> None:
        """A feature the document lacks gives the caller's default, or ERROR/FLAG_NOT_FOUND."""
        document = {"f": {"default": True}}
        snapshot = Snapshot(
            document=document,
            flags=compile_document(document, format="powertools"),
            defaults={},
            version="1",
            content_type="application/json",
            loaded_at=datetime.now(UTC),
        )
        assert snapshot.is_enabled("missing", default=True) is True
        assert snapshot.is_enabled("missing", default=False) is False
        evaluation = snapshot.evaluate("missing")
        assert (evaluation.reason, evaluation.error) == ("ERROR", "FLAG_NOT_FOUND")

    def test_feature_names_must_be_strings(self) -> None:
        """A YAML document with a non-string feature name is rejected."""
        assert problems_of({1: {"default": True}}) == [
            ("1", "feature names must be non-empty strings")
        ]

    def test_invalid_document_rejected_at_load(self) -> None:
        """A bad rule rejects the whole document at load instead of raising from evaluate()."""
        doc = {"good": {"default": True}, "bad": feature(cond("EQUALS", "a", None))}
        with pytest.raises(DocumentError):
            compile_powertools(doc)

    def test_comparator_errors_have_no_handler_hook(self) -> None:
        """Comparator errors are always a non-match and emit no warning."""
        flag = compile_powertools({"f": feature(cond("STARTSWITH", "n", "1"))})["f"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert flag.evaluate({"n": 12}).value is False

    def test_empty_rules_do_not_warn(self) -> None:
        """An empty rules object is accepted silently (Powertools warns)."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert compile_powertools({"f": {"default": True, "rules": {}}})["f"].is_enabled({})


class _Raises:
    """A context value whose comparisons and truthiness all raise."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    def __gt__(self, other: object) -> bool:
        raise RuntimeError("gt")

    def __bool__(self) -> bool:
        raise RuntimeError("bool")

    __hash__ = object.__hash__


KEYS = ["tier", "age", "email", "region", "tenant_id", "tags"]
WORDS = [
    "premium",
    "free",
    "eu",
    "us",
    "cn",
    "admin@example.com",
    "bob@test.org",
    "beta",
    "alpha",
    "4",
    "",
]
EDGES = [0, 1, 4, 5, 10, 10.5, 17, 18, 18.0, 19, True, False]
SCALARS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(EDGES),
    st.integers(-3, 30),
    st.floats(-5, 30, allow_nan=False),
    st.booleans(),
    st.none(),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.sampled_from(WORDS), SCALARS, max_size=2),
)
CONTEXTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)

CORPUS: dict[str, Any] = {
    "equals": feature(cond("EQUALS", "tier", "premium")),
    "equals_zero": feature(cond("EQUALS", "age", 0)),
    "equals_false": feature(cond("EQUALS", "tier", False), default=True, when=False),
    "not_equals": feature(cond("NOT_EQUALS", "tier", "free")),
    "gt": feature(cond("KEY_GREATER_THAN_VALUE", "age", 18)),
    "gte": feature(cond("KEY_GREATER_THAN_OR_EQUAL_VALUE", "age", 18)),
    "lt": feature(cond("KEY_LESS_THAN_VALUE", "age", 10.5)),
    "lte": feature(cond("KEY_LESS_THAN_OR_EQUAL_VALUE", "age", 10)),
    "startswith": feature(cond("STARTSWITH", "email", "admin")),
    "startswith_int": feature(cond("STARTSWITH", "email", 4)),
    "endswith": feature(cond("ENDSWITH", "email", "@example.com")),
    "in": feature(cond("IN", "region", ["eu", "us"])),
    "not_in": feature(cond("NOT_IN", "region", ["cn"])),
    "key_in_value": feature(cond("KEY_IN_VALUE", "tenant_id", [1, 2, 3, "4"])),
    "key_in_string": feature(cond("KEY_IN_VALUE", "tier", "premium-free")),
    "key_not_in_value": feature(cond("KEY_NOT_IN_VALUE", "tenant_id", [1, 2])),
    "value_in_key": feature(cond("VALUE_IN_KEY", "tags", "beta")),
    "value_not_in_key": feature(cond("VALUE_NOT_IN_KEY", "tags", "alpha")),
    "all_in": feature(cond("ALL_IN_VALUE", "tags", ["beta", "alpha", 1])),
    "any_in": feature(cond("ANY_IN_VALUE", "tags", ["beta", 4])),
    "none_in": feature(cond("NONE_IN_VALUE", "tags", ["cn", None])),
    "modulo": feature(cond("MODULO_RANGE", "tenant_id", {"BASE": 10, "START": 0, "END": 4})),
    "two_conditions": feature(cond("EQUALS", "tier", "premium"), cond("IN", "region", ["eu"])),
    "many_rules": {
        "default": {"plan": "basic"},
        "boolean_type": False,
        "rules": {
            "admins": {
                "when_match": ["all"],
                "conditions": [cond("ENDSWITH", "email", "@example.com")],
            },
            "young": {
                "when_match": 0,
                "conditions": [
                    cond("KEY_LESS_THAN_VALUE", "age", 5),
                    cond("NOT_EQUALS", "tier", "premium"),
                ],
            },
            "tagged": {"when_match": None, "conditions": [cond("ANY_IN_VALUE", "tags", ["beta"])]},
            "bucket": {
                "when_match": "b",
                "conditions": [cond("MODULO_RANGE", "age", {"BASE": 3, "START": 1, "END": 2})],
            },
        },
    },
    "static_true": {"default": True},
    "static_json": {"default": [1, {"a": None}], "boolean_type": False},
}

TIME_CORPUS: dict[str, Any] = {
    "office_hours": feature(
        cond(
            "SCHEDULE_BETWEEN_TIME_RANGE",
            "CURRENT_TIME",
            {"START": "09:00", "END": "17:30", "TIMEZONE": "Europe/Copenhagen"},
        )
    ),
    "night": feature(
        cond("SCHEDULE_BETWEEN_TIME_RANGE", "CURRENT_TIME", {"START": "22:15", "END": "04:00"})
    ),
    "campaign": feature(
        cond(
            "SCHEDULE_BETWEEN_DATETIME_RANGE",
            "CURRENT_DATETIME",
            {
                "START": "2024-03-30T12:00:00",
                "END": "2024-04-02T08:30:00",
                "TIMEZONE": "America/New_York",
            },
        )
    ),
    "weekend": feature(
        cond(
            "SCHEDULE_BETWEEN_DAYS_OF_WEEK",
            "CURRENT_DAY_OF_WEEK",
            {"DAYS": ["SATURDAY", "SUNDAY"], "TIMEZONE": "Asia/Tokyo"},
        )
    ),
    "weekend_night_premium": feature(
        cond(
            "SCHEDULE_BETWEEN_DAYS_OF_WEEK", "CURRENT_DAY_OF_WEEK", {"DAYS": ["FRIDAY", "SATURDAY"]}
        ),
        cond(
            "SCHEDULE_BETWEEN_TIME_RANGE",
            "CURRENT_TIME",
            {"START": "20:00", "END": "23:59", "TIMEZONE": "Australia/Sydney"},
        ),
        cond("EQUALS", "tier", "premium"),
    ),
}


def both_values(
    document: dict[str, Any], name: str, context: dict[str, Any], clock: Any = None
) -> tuple[Any, Any]:
    sentinel = "caller-default"
    theirs = FeatureFlags(DictStore(document)).evaluate(
        name=name, context=context, default=sentinel
    )
    ours = compile_powertools(document, clock=clock)[name].evaluate(context).value
    return (type(theirs), theirs), (type(ours), ours)


FLAGS = compile_powertools(CORPUS)
POWERTOOLS = FeatureFlags(DictStore(CORPUS))


class TestDifferential:
    """Same value as aws-lambda-powertools' FeatureFlags.evaluate for the same schema."""

    def test_corpus_covers_every_action(self) -> None:
        """Between them the corpora use all 21 actions."""
        from appconfig_core._formats.powertools_actions import ACTIONS

        used = {
            c["action"]
            for doc in (CORPUS, TIME_CORPUS)
            for f in doc.values()
            for r in f.get("rules", {}).values()
            for c in r["conditions"]
        }
        assert set(ACTIONS) == used

    def test_every_single_value(self) -> None:
        """Each interesting value under each key gives Powertools' value, for every feature."""
        values: list[Any] = [
            *WORDS,
            *EDGES,
            None,
            -1,
            2.5,
            [],
            ["beta"],
            ["beta", "alpha"],
            ["cn"],
            [1, "4"],
            ["alpha", 1, "beta"],
            [None],
            {"beta": 1},
            "beta-x",
        ]
        contexts = [{}] + [{key: value} for key in KEYS for value in values]
        contexts.append({"tier": "premium", "region": "eu", "age": 3, "tags": ["beta"]})
        for context in contexts:
            for name in CORPUS:
                theirs = POWERTOOLS.evaluate(name=name, context=context, default="caller-default")
                ours = FLAGS[name].evaluate(context).value
                assert (type(theirs), theirs) == (type(ours), ours), (name, context)

    @settings(max_examples=300, deadline=None)
    @given(context=CONTEXTS)
    def test_same_values(self, context: dict[str, Any]) -> None:
        """For any context, every corpus feature gives Powertools' value (and type)."""
        for name in CORPUS:
            theirs = POWERTOOLS.evaluate(name=name, context=context, default="caller-default")
            ours = FLAGS[name].evaluate(context)
            assert (type(theirs), theirs) == (type(ours.value), ours.value), name
            assert bool(theirs) is ours.enabled is FLAGS[name].is_enabled(context)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        moment=st.datetimes(
            min_value=datetime(2024, 3, 28), max_value=datetime(2024, 4, 4), timezones=st.just(UTC)
        ),
        tier=st.sampled_from(["premium", "free"]),
    )
    def test_same_values_over_time(self, moment: datetime, tier: str) -> None:
        """Time actions agree with Powertools at any instant (DST changes included)."""
        flags = compile_powertools(TIME_CORPUS, clock=lambda: moment)
        powertools = FeatureFlags(DictStore(TIME_CORPUS))
        with freeze_time(moment):
            for name in TIME_CORPUS:
                theirs = powertools.evaluate(name=name, context={"tier": tier}, default=None)
                assert theirs == flags[name].evaluate({"tier": tier}).value, (name, moment)

    @pytest.mark.parametrize(
        "moment",
        [
            datetime(2024, 3, 29, 21, 14, 59, tzinfo=UTC),
            datetime(2024, 3, 29, 22, 15, tzinfo=UTC),
            datetime(2024, 3, 30, 4, 0, 59, tzinfo=UTC),
            datetime(2024, 3, 31, 0, 59, tzinfo=UTC),
            datetime(2024, 4, 2, 12, 30, tzinfo=UTC),
            datetime(2024, 4, 2, 12, 31, tzinfo=UTC),
            datetime(2024, 3, 29, 9, 30, tzinfo=UTC),
        ],
    )
    def test_time_edges(self, moment: datetime) -> None:
        """Window edges (first and last minute, midnight, DST night) agree with Powertools."""
        flags = compile_powertools(TIME_CORPUS, clock=lambda: moment)
        powertools = FeatureFlags(DictStore(TIME_CORPUS))
        with freeze_time(moment):
            for name in TIME_CORPUS:
                theirs = powertools.evaluate(name=name, context={"tier": "premium"}, default=None)
                assert theirs == flags[name].evaluate({"tier": "premium"}).value, name

    def test_powertools_warns_where_we_do_not(self) -> None:
        """Empty rules: Powertools warns and answers the default; so do we, silently."""
        doc = {"f": {"default": True, "rules": {}}}
        with pytest.warns(PowertoolsUserWarning):
            theirs = FeatureFlags(DictStore(doc)).evaluate(name="f", default=False)
        assert theirs is compile_powertools(doc)["f"].evaluate({}).value


class TestNeverRaises:
    @settings(max_examples=200, deadline=None)
    @given(
        context=st.dictionaries(
            st.sampled_from(KEYS),
            st.one_of(VALUES, st.builds(_Raises), st.builds(object), st.binary(max_size=3)),
            max_size=6,
        )
    )
    def test_any_context(self, context: dict[str, Any]) -> None:
        """Evaluation and is_enabled never raise, whatever the context holds."""
        for flag in FLAGS.values():
            flag.evaluate(context)
            flag.is_enabled(context)

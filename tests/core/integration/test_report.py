from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from appconfig_core import (
    ConfigurationError,
    Evaluation,
    FlagClient,
    Rejection,
    StaticSource,
    Status,
)
from appconfig_core.errors import FetchError
from appconfig_core.integration import (
    describe_evaluation,
    evaluation_record,
    list_lines,
    loaded_validation,
    parse_context_pairs,
    status_report,
    unconfigured_report,
    validation_report,
)
from tests.core.conftest import ScriptedSource
from tests.support import STATUS_KEYS

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def status(**changes: object) -> Status:
    fields: dict[str, object] = {
        "ready": True,
        "origin": "network",
        "version": "7",
        "updated_at": NOW - timedelta(seconds=90),
        "last_error": None,
        "consecutive_failures": 0,
    }
    fields.update(changes)
    return Status(**fields)  # type: ignore[arg-type]


class TestParseContextPairs:
    def test_json_values_and_strings(self) -> None:
        """Values that parse as JSON are JSON; the rest stay strings."""
        assert {"n": 5, "ok": True, "s": "pro", "e": "a=b"} == parse_context_pairs(
            ["n=5", "ok=true", "s=pro", "e=a=b"]
        )

    def test_pair_without_equals(self) -> None:
        """A pair without '=' is a ConfigurationError quoting it."""
        with pytest.raises(ConfigurationError, match="'plan'"):
            parse_context_pairs(["plan"])


class TestStatusReport:
    def test_ok(self) -> None:
        """A healthy status is 200 and exit 0, with its age measured at ``now``."""
        report = status_report(status(), now=NOW)
        assert STATUS_KEYS == list(report.body)
        assert ("ok", 200, 0) == (report.health, report.http_status, report.exit_status)
        assert (90.0, "7", None) == (
            report.body["age_seconds"],
            report.body["version"],
            report.body["rejected"],
        )
        json.dumps(report.body)

    def test_rejected_version_is_degraded(self) -> None:
        """A rejected version is degraded: still 200 (flags are served), exit 1, and says what."""
        rejection = Rejection(version="8", at=NOW, reason="values.a: bad rule")
        report = status_report(status(rejected=rejection), now=NOW)
        assert ("degraded", 200, 1) == (report.health, report.http_status, report.exit_status)
        assert {
            "version": "8",
            "at": NOW.isoformat(),
            "reason": "values.a: bad rule",
        } == report.body["rejected"]
        assert "rejected: version 8, at 2026-05-01T12:00:00+00:00, reason values.a: bad rule" in (
            report.lines()
        )

    def test_nothing_loaded_is_unavailable(self) -> None:
        """With no document the report is 503 and exit 2, and says why."""
        report = status_report(
            status(ready=False, origin="defaults", version=None, updated_at=None, last_error="x")
        )
        assert ("unavailable", 503, 2) == (report.health, report.http_status, report.exit_status)
        assert report.body["age_seconds"] is None

    def test_lines(self) -> None:
        """Each field is one ``key: value`` line; None is ``-`` and booleans are yes/no."""
        lines = status_report(status(), now=NOW).lines()
        assert [line.split(":", 1)[0] for line in lines] == STATUS_KEYS
        assert ["health: ok", "ready: yes"] == lines[:2]
        assert "rejected: -" == lines[-1]

    def test_unconfigured_has_the_same_fields(self) -> None:
        """Invalid settings give the same keys, unavailable, with the message as last error."""
        report = unconfigured_report("APPCONFIG.FILE: required")
        assert STATUS_KEYS == list(report.body)
        assert ("unavailable", "defaults", "APPCONFIG.FILE: required") == (
            report.health,
            report.body["origin"],
            report.body["last_error"],
        )

    def test_from_a_real_client(self) -> None:
        """A client that never loaded anything reports unavailable with its fetch error."""
        client = FlagClient(ScriptedSource(FetchError("down")), start_timeout=1)
        client.start()
        report = status_report(client.status)
        client.close()
        assert (503, False, "FetchError: down") == (
            report.http_status,
            report.body["ready"],
            report.body["last_error"],
        )


class TestListLines:
    def test_flags_in_document_order(self) -> None:
        """Every list command prints the flags in the order the document gives them."""
        document = {
            "zeta": {"enabled": True},
            "alpha": {"enabled": False},
            "mid": {"enabled": True},
        }
        with FlagClient(StaticSource(document)) as client:
            lines = list_lines(client.snapshot())
        assert ["zeta", "alpha", "mid"] == [line.split(":")[0] for line in lines]

    def test_no_flags_says_so(self) -> None:
        """A document without flags is one line naming its version, not silence."""
        with FlagClient(StaticSource("text", version="7"), format="raw") as client:
            assert ["no flags (version 7)"] == list_lines(client.snapshot())


class TestDescribeEvaluation:
    def test_line(self) -> None:
        """One line with state, variant, reason and attributes."""
        evaluation = Evaluation("ui", True, True, {"c": 1}, variant="QA", reason="TARGETING_MATCH")
        assert "ui: on (variant 'QA', TARGETING_MATCH) {\"c\": 1}" == describe_evaluation(
            evaluation
        )

    def test_error_and_value(self) -> None:
        """Errors and non-boolean values are shown."""
        evaluation = Evaluation("x", False, "blue", reason="ERROR", error="FLAG_NOT_FOUND")
        assert 'x: off (ERROR, FLAG_NOT_FOUND) value="blue"' == describe_evaluation(evaluation)

    def test_record_has_every_field(self) -> None:
        """The ``--json`` record holds every Evaluation field, attributes as a plain dict."""
        evaluation = Evaluation("ui", True, True, {"c": 1}, variant="QA", version="3")
        assert {
            "name": "ui",
            "enabled": True,
            "value": True,
            "variant": "QA",
            "reason": "STATIC",
            "error": None,
            "version": "3",
            "attributes": {"c": 1},
        } == evaluation_record(evaluation)


class TestValidationReport:
    def test_valid_stored_form(self) -> None:
        """A valid document is one OK line naming its form and flag count."""
        raw = b'{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"a": {"enabled": true}}}'
        assert (True, ["OK f.json: AppConfig stored form, 1 flag"]) == validation_report(
            "f.json", raw, "application/json"
        )

    def test_problems_one_per_line(self) -> None:
        """Each problem is a line with its location, then a count."""
        ok, lines = validation_report(
            "f.json", b'{"a": {"enabled": 1}, "b": {"enabled": "x"}}', "application/json"
        )
        assert not ok
        assert [
            "f.json: flag 'a': \"enabled\" must be true or false",
            "f.json: flag 'b': \"enabled\" must be true or false",
            "f.json: invalid (2 problems)",
        ] == [line for line in lines if "format auto" not in line]

    def test_raw_when_asked_for(self) -> None:
        """Free-form configuration is valid, with no flags, when raw is asked for."""
        assert (True, ["OK c.yaml: raw configuration, no flags"]) == validation_report(
            "c.yaml", b"db: {host: x}", "application/x-yaml", "raw"
        )

    @pytest.mark.parametrize(
        ("raw", "content_type", "guess", "why"),
        [
            (b"[]", "application/json", "raw configuration", "it is a list"),
            (b"{}", "application/json", "the AppConfig retrieval form", "it is an empty object"),
            (b"null", "application/json", "raw configuration", "it is null"),
            (b'{"beta": true}', "application/json", "raw configuration", "no entry is an object"),
            (b"db: {host: x}", "application/x-yaml", "raw configuration", "no entry is an object"),
            (b"just some text", "text/plain", "raw configuration", "it is text"),
            (
                b'{"version": "1", "flags": {}, "values": {}}',
                "application/json",
                "the AppConfig stored form",
                'top-level "version" but defines no flags',
            ),
        ],
    )
    def test_no_flags_fails_under_auto(
        self, raw: bytes, content_type: str, guess: str, why: str
    ) -> None:
        """With auto, a document yielding no flags fails, saying what auto guessed and why."""
        ok, lines = validation_report("d", raw, content_type)
        assert not ok
        assert lines[0].startswith(f"d: format auto read this document as {guess} with no flags")
        assert why in lines[0]
        assert lines[0].endswith("validate it with --format raw")
        assert "d: invalid (no flags)" == lines[-1]

    def test_no_flags_fails_for_an_explicit_flags_format(self) -> None:
        """An explicit flags format that finds no flags fails too."""
        ok, lines = validation_report("d", b"{}", "application/json", "appconfig")
        assert (False, "d: format appconfig found no flags in this document") == (
            ok,
            lines[0].split(";")[0],
        )

    def test_auto_says_which_format_it_guessed(self) -> None:
        """A document auto read as flags but meant as configuration gets a hint to use raw."""
        ok, lines = validation_report(
            "c.json", b'{"db": {"default": "x", "host": "h"}}', "application/json"
        )
        assert not ok
        assert (
            'c.json: format auto read this document as the Powertools schema, because an entry holds "default"; if it is free-form configuration, set format="raw"'
            == lines[-2]
        )

    def test_unreadable_bytes(self) -> None:
        """Bytes that are not UTF-8 are a reported problem, not an exception."""
        ok, lines = validation_report("b.json", b"\xff\xfe", "application/json")
        assert not ok
        assert "b.json: invalid (1 problem)" == lines[-1]


class TestLoadedValidation:
    def test_loaded_document(self) -> None:
        """A source that served a valid document is OK, with its version and flag count."""
        with FlagClient(StaticSource({"a": {"enabled": True}}, version="4")) as client:
            ok, lines = loaded_validation(client)
        assert (True, [f"OK {client.source.description}: version 4 (static), 1 flag"]) == (
            ok,
            lines,
        )

    def test_nothing_loaded(self) -> None:
        """A source that served nothing valid fails with its last error."""
        client = FlagClient(ScriptedSource(FetchError("down")), start_timeout=1)
        ok, lines = loaded_validation(client)
        client.close()
        assert (False, ["scripted source: no valid document was loaded: FetchError: down"]) == (
            ok,
            lines,
        )

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from appconfig_core import ConfigurationError, Evaluation, FlagClient, StaticSource
from appconfig_core._integration.report import (
    describe_evaluation,
    import_string,
    parse_context_pairs,
    status_payload,
    validation_report,
)
from appconfig_core.errors import FetchError
from tests.core.conftest import ScriptedSource


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


class TestStatusPayload:
    def test_ready(self) -> None:
        """A loaded client is 200 with its version and origin."""
        with FlagClient(StaticSource({}, version="v9")) as client:
            body, code = status_payload(client)
        assert (200, True, "v9", "network") == (
            code,
            body["ready"],
            body["version"],
            body["origin"],
        )
        json.dumps(body)

    def test_not_ready(self) -> None:
        """A client with nothing loaded is 503 and says why."""
        client = FlagClient(ScriptedSource(FetchError("down")), start_timeout=1)
        client.start()
        body, code = status_payload(client)
        client.close()
        assert (503, False, "FetchError: down") == (code, body["ready"], body["last_error"])


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


class TestImportString:
    def test_imports(self) -> None:
        """A dotted path gives the object."""
        assert datetime is import_string("datetime.datetime")
        assert timezone is import_string("datetime.timezone")

    @pytest.mark.parametrize("dotted", ["nodots", "no_such_module.x", "datetime.nope"])
    def test_errors(self, dotted: str) -> None:
        """Bad paths are ConfigurationErrors."""
        with pytest.raises(ConfigurationError):
            import_string(dotted)


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

    def test_raw(self) -> None:
        """Free-form configuration is valid and has no flags."""
        assert (True, ["OK c.yaml: raw configuration, no flags"]) == validation_report(
            "c.yaml", b"db: {host: x}", "application/x-yaml"
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

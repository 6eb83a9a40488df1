"""A scan compared with a document: findings, lines, JSON and the exit status CI reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from appconfig_core._integration.refs import scan_paths
from appconfig_core._integration.refs_report import (
    document_flags,
    file_flags,
    references_report,
    refs_output,
)
from appconfig_core.errors import DocumentError

from .test_refs import SAMPLE


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample tree copied into a temporary folder that is the working directory."""
    shutil.copytree(SAMPLE, tmp_path / "sample")
    monkeypatch.chdir(tmp_path / "sample")
    return tmp_path / "sample"


class TestFindings:
    def test_missing_deprecated_and_unreferenced(self, sample: Path) -> None:
        """The two typos are missing, legacy_search is deprecated yet read, beta_search is unread."""
        report = references_report(scan_paths(["."]), file_flags("flags.json"), label="flags.json")
        assert [
            ("shop/templates/shop/page.html", 5, "gift_card"),
            ("shop/views.py", 16, "new_chekout"),
        ] == [(ref.path, ref.line, ref.name) for ref in report.missing]
        assert ["shop/jinja/page.jinja:2", "shop/views.py:22"] == [
            ref.where for ref in report.deprecated
        ]
        assert ["beta_search"] == report.unreferenced
        assert 1 == report.exit_status

    def test_text_lines(self, sample: Path) -> None:
        """Lines read ``path:line: level: message``, with a suggestion, then a summary."""
        status, lines = refs_output(["."], file_flags("flags.json"), label="flags.json")
        assert 1 == status
        assert [
            "shop/templates/shop/page.html:5: error: flag 'gift_card' is not in flags.json;"
            " did you mean 'gift_cards'? [{% flag %}]",
            "shop/views.py:16: error: flag 'new_chekout' is not in flags.json; did you mean"
            " 'new_checkout'? [is_enabled()]",
            "shop/jinja/page.jinja:2: warning: flag 'legacy_search' is planned for deprecation"
            " on 2027-03-31 [{% flag %}]",
            "shop/views.py:22: warning: flag 'legacy_search' is planned for deprecation on"
            " 2027-03-31 [flag_name =]",
            "flags.json: warning: flag 'beta_search' is defined but nothing references it",
            "note: 2 reads with a computed name not checked: shop/templates/shop/page.html:4,"
            " shop/views.py:27",
            "5 files scanned against flags.json (6 flags): 2 missing, 2 deprecated still"
            " referenced, 1 unreferenced",
        ] == lines

    def test_clean_code_exits_0_unless_strict(self, sample: Path) -> None:
        """Without missing references the exit is 0; --strict fails on the warnings too."""
        (sample / "shop" / "views.py").write_text(
            (sample / "shop" / "views.py").read_text().replace("new_chekout", "new_checkout")
        )
        (sample / "shop/templates/shop/page.html").unlink()
        flags = file_flags("flags.json")
        assert 0 == refs_output(["."], flags, label="flags.json")[0]
        assert 1 == refs_output(["."], flags, label="flags.json", strict=True)[0]

    def test_json_body(self, sample: Path) -> None:
        """JSON carries every finding as data, with the suggestion and the deprecation date."""
        status, lines = refs_output(
            ["."], file_flags("flags.json"), label="flags.json", as_json=True
        )
        body = json.loads("\n".join(lines))
        assert 1 == status == body["exit_status"]
        assert {
            "name": "new_chekout",
            "path": "shop/views.py",
            "line": 16,
            "via": "is_enabled()",
            "kind": "python",
            "suggestion": "new_checkout",
        } == body["missing"][1]
        assert ["2027-03-31", "2027-03-31"] == [item["date"] for item in body["deprecated"]]
        assert ["beta_search"] == body["unreferenced"]
        assert 2 == len(body["dynamic"])


class TestDocuments:
    def test_flags_in_document_order(self) -> None:
        """Names keep the document's order; deprecations map to their date, or "" without one."""
        document = {
            "version": "1",
            "flags": {
                "zeta": {"name": "Z", "_deprecation": {"status": "planned"}},
                "alpha": {"name": "A"},
            },
            "values": {},
        }
        flags = document_flags(document)
        assert ("zeta", "alpha") == flags.names
        assert {"zeta": ""} == dict(flags.deprecated)

    def test_a_document_with_no_flags_is_refused(self, tmp_path: Path) -> None:
        """Comparing code with a document of no flags would call every read missing: refused."""
        path = tmp_path / "empty.json"
        path.write_text("{}")
        with pytest.raises(DocumentError, match="defines no flags"):
            file_flags(str(path))

"""``manage.py appconfig usage``: a running site's reads through its health view, or its own."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from django_appconfig import get_client

from .conftest import FlagsFile

pytestmark = pytest.mark.django_db(transaction=True)


class TestUsageCommand:
    def test_reads_a_running_site(
        self, flags_file: FlagsFile, live_server: Any, settings: Any
    ) -> None:
        """--url reads the site's health view: a misspelt flag read by a page makes it exit 1."""
        settings.APPCONFIG = {**settings.APPCONFIG, "REPORT_USAGE": True}
        get_client().is_enabled("new_checkout")
        get_client().is_enabled("dark_mdoe")
        out = io.StringIO()
        with pytest.raises(CommandError) as raised:
            call_command(
                "appconfig",
                "usage",
                "--url",
                f"{live_server.url}/health/flags",
                "--json",
                stdout=out,
            )
        assert 1 == raised.value.returncode
        usage = json.loads(out.getvalue())
        assert 1 == usage["flags"]["new_checkout"]["reads"]
        assert (["dark_mode", "vip"], ["dark_mdoe"]) == (
            usage["never_read"],
            usage["not_in_document"],
        )

    def test_a_site_without_report_usage(self, flags_file: FlagsFile, live_server: Any) -> None:
        """Without REPORT_USAGE the command names the setting and exits 2."""
        with pytest.raises(CommandError, match="REPORT_USAGE") as raised:
            call_command("appconfig", "usage", "--url", f"{live_server.url}/health/flags")
        assert 2 == raised.value.returncode

    def test_its_own_process(self, flags_file: FlagsFile) -> None:
        """Without --url it says the counts are its own, lists the flags in document order."""
        out = io.StringIO()
        call_command("appconfig", "usage", stdout=out)
        text = out.getvalue()
        assert text.startswith("# reads of this command's own process only")
        assert "never read: new_checkout, dark_mode, vip" in text

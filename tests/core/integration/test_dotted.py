from __future__ import annotations

from datetime import datetime, timezone

import pytest

from appconfig_core import ConfigurationError
from appconfig_core.integration import import_string


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

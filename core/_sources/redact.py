"""Session tokens never leave the process: not in logs, status, health bodies or errors.

An AppConfigData token is a bearer credential for one poll of one configuration, and botocore
puts it in its error text (``...configuration?configuration_token=AYADe...``). `redact`
replaces every token it recognises with ``<redacted>``: after a ``configuration_token=`` (the
query parameter), after a ``ConfigurationToken``-like name (``Next-Poll-Configuration-Token:``,
``"InitialConfigurationToken": "..."``, ``parameter ConfigurationToken, value: ...``), and
any long ``AYAD...`` string, the form AWS's tokens take. The package logger also redacts each
record it emits (message and traceback), as a net for paths nobody thought of.
"""

from __future__ import annotations

import logging
import re
from typing import Final

REDACTED: Final = "<redacted>"

_NAMED: Final = re.compile(
    r"""(?ix)
    (configuration[-_]?token          # configuration_token, Next-Poll-Configuration-Token,
     ["']?                            # "InitialConfigurationToken" ...
     (?:\s*[:=]\s*|,\s*value:\s*)     # = or : or botocore's ", value: "
     ["']?)
    [^\s"'&,;<>)\]}]+
    """
)
_BARE: Final = re.compile(r"AYAD[A-Za-z0-9+/=_%-]{40,}")


def redact(text: str) -> str:
    """``text`` with every AppConfigData session token replaced by ``<redacted>``."""
    if "oken" not in text and "AYAD" not in text:
        return text
    return _BARE.sub(REDACTED, _NAMED.sub(rf"\1{REDACTED}", text))


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback text) without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is the handler's to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER: Final = RedactingFilter()


def install(logger: logging.Logger) -> None:
    """Redact every record ``logger`` itself emits (idempotent)."""
    logger.addFilter(_FILTER)


install(logging.getLogger("appconfig_core"))
install(logging.getLogger("appconfig_core.devserver"))

"""``python -m appconfig_core``: the ``appconfig-flags`` command line."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Settings for the shop's tests: the example flags file instead of AppConfig, so the tests
need no server and no AWS account, and see the flags the shop is deployed with."""

from .settings import *  # noqa: F403
from .settings import APPCONFIG, EXAMPLE_FLAGS

APPCONFIG = {**APPCONFIG, "SOURCE": "file", "FILE": str(EXAMPLE_FLAGS)}

"""Feature flags from AWS AppConfig, kept fresh in the background and evaluated locally.

The public names live here; everything else is private and may change.
"""

from ._agent import AgentSource
from ._appconfigdata import AppConfigDataSource
from ._client import FlagClient
from ._evaluation import Evaluation, Status
from ._events import ChangeEvent
from ._file import FileSource
from ._settings import SettingProblem, build_client, merged_settings, settings_problems
from ._snapshot import Snapshot
from ._source import Content, FetchResult, Source
from ._static import StaticSource
from ._view import FlagsView
from .errors import (
    AppConfigFlagsError,
    ConfigurationError,
    DocumentError,
    FetchError,
    ResourceNotFoundError,
    RuleSyntaxError,
)

__all__ = [
    "FlagClient",
    "Snapshot",
    "Evaluation",
    "ChangeEvent",
    "Status",
    "FlagsView",
    "AppConfigDataSource",
    "AgentSource",
    "FileSource",
    "StaticSource",
    "Source",
    "Content",
    "FetchResult",
    "build_client",
    "merged_settings",
    "settings_problems",
    "SettingProblem",
    "AppConfigFlagsError",
    "ConfigurationError",
    "DocumentError",
    "FetchError",
    "ResourceNotFoundError",
    "RuleSyntaxError",
]

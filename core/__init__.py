"""Feature flags from AWS AppConfig, kept fresh in the background and evaluated locally.

The public names live here; everything else is private and may change.
"""

from ._evaluation.metadata import AttributeInfo, Deprecation, FlagInfo
from ._evaluation.result import (
    DEFAULT,
    ERROR,
    FLAG_NOT_FOUND,
    GENERAL,
    OVERRIDE,
    PARSE_ERROR,
    PROVIDER_NOT_READY,
    SPLIT,
    STATIC,
    TARGETING_MATCH,
    TYPE_MISMATCH,
    Evaluation,
    FlagUsage,
    Health,
    Rejection,
    Status,
    Usage,
)
from ._evaluation.snapshot import Snapshot
from ._evaluation.usage import MissingFlag
from ._evaluation.view import ContextSource, FlagsView
from ._integration.settings import SettingProblem, build_client, merged_settings, settings_problems
from ._runtime.client import FlagClient
from ._runtime.events import ChangeEvent
from ._sources.agent import AgentSource
from ._sources.appconfigdata import AppConfigDataSource
from ._sources.base import Content, FetchResult, Source
from ._sources.file import FileSource
from ._sources.static import StaticSource
from .errors import (
    AppConfigFlagsError,
    ConfigurationError,
    DocumentError,
    FetchError,
    ResourceNotFoundError,
    RuleSyntaxError,
    UnknownFlagError,
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
    "UnknownFlagError",
    "FlagInfo",
    "AttributeInfo",
    "Deprecation",
    "MissingFlag",
    "Usage",
    "FlagUsage",
    "ContextSource",
    "Rejection",
    "Health",
    "STATIC",
    "TARGETING_MATCH",
    "SPLIT",
    "DEFAULT",
    "ERROR",
    "OVERRIDE",
    "FLAG_NOT_FOUND",
    "PROVIDER_NOT_READY",
    "TYPE_MISMATCH",
    "PARSE_ERROR",
    "GENERAL",
]

"""Feature flags from AWS AppConfig for Flask: ``AppConfigFlags(app)`` and ``current_flags``."""

from ._decorators import flag_required
from ._extension import AppConfigFlags
from ._flags_page import flags_page_blueprint
from ._proxy import current_flags
from ._visitor import visitor_id
from .signals import config_changed, flag_changed

__all__ = [
    "AppConfigFlags",
    "current_flags",
    "flag_required",
    "flags_page_blueprint",
    "config_changed",
    "flag_changed",
    "visitor_id",
]

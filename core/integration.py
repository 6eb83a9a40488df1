"""Everything a framework adapter needs from the core, and the only core module besides the
top-level names that ``django_appconfig`` and ``flask_appconfig`` import.

Third-party adapters (Starlette, a job runner, a custom CLI) may use it too: these names are
public and follow the package's compatibility rules. The rest of the core is private.

- Settings: `DEFAULTS` (every shared key with its default), `merged_settings`,
  `settings_problems` (each a `SettingProblem` with a stable code), `configuration_error`
  (the errors as one exception), `build_client`; for settings naming a function,
  `resolve_callable`, `callable_problem` and `guard_context` (a context function that
  cannot fail a request); `container_problem` for a settings object that is not a dict.
- Status: `status_report` turns a `Status` into the one payload every health endpoint and
  ``status`` command prints (`StatusReport`: ``body``, ``http_status``, ``exit_status``,
  ``lines()``); `unconfigured_report` is the same payload while settings are invalid.
- Command lines: `FORMATS` (the ``--format`` choices), `describe_evaluation`, `list_lines`,
  `unknown_flag_message`, `evaluation_record`, `validation_report`,
  `loaded_validation`, `parse_context_pairs`, `content_type_for_path`, and
  `unexpected_error`, the one line a command prints instead of a traceback.
- Signals: `change_signals` gives the one order both adapters send their signals in
  (``flags_removed`` included), `missing_signal` the arguments of ``flag_missing``, and
  `report_receiver_error` the one log line for a receiver that raised.
- Usage (docs/hygiene.md): `usage_lines` and `usage_summary` print a status payload's
  ``usage`` section, and `fetch_usage` reads it from a running app's health endpoint.
- `import_string` resolves the dotted paths settings name.
- Flags for the browser: `browser_flags` (the ``BROWSER_FLAGS`` allow-list), `browser_payload`
  (the JSON both adapters serve and embed), `BROWSER_ELEMENT_ID`, `BROWSER_CACHE_CONTROL`.
- QA overrides: `resolve_overrides` (a request's cookie and parameters -> `OverrideOutcome`),
  `forced_overrides` (for `FlagsView.with_overrides`), `has_override_params`,
  `OVERRIDE_COOKIE`, `OVERRIDE_SALT`, `OVERRIDE_PARAM_PREFIX`.
- Anonymous visitors: `LazyContext`, `new_visitor_id`, `is_visitor_id`, `targeting_key`,
  `VISITOR_KEYS`, `VISITOR_SALT`.
- Flag hygiene: `refs_output` is what every ``refs`` command prints (a scan of code and
  templates, `scan_paths`, compared by `references_report` with `document_flags`,
  `file_flags`, `snapshot_flags` or `loaded_flags`; `served_label` names what a client
  serves). `SuppliedKeys` and `declared_context_keys` describe what a context function
  supplies, and `context_key_warnings` (`file_context_warnings` for a file) names the rule
  keys it never does (`validation_report` and `loaded_validation` take ``supplied=`` to add
  them).

The request-scoped view comes from `appconfig_core.FlagClient.view`; the Jinja ``{% flag %}``
extension lives in `appconfig_core.jinja`, so that importing this module never imports Jinja.
"""

from ._formats.detect import FORMATS
from ._integration.browser import CACHE_CONTROL as BROWSER_CACHE_CONTROL
from ._integration.browser import ELEMENT_ID as BROWSER_ELEMENT_ID
from ._integration.browser import browser_flags, browser_payload
from ._integration.context import guard_context
from ._integration.context_keys import (
    SuppliedKeys,
    context_key_warnings,
    declared_context_keys,
    file_context_warnings,
)
from ._integration.dotted import import_string
from ._integration.flags_page import TEMPLATE as FLAGS_PAGE_TEMPLATE
from ._integration.flags_page import FlagRow, FlagsPage, flags_page
from ._integration.overrides import COOKIE as OVERRIDE_COOKIE
from ._integration.overrides import PARAM_PREFIX as OVERRIDE_PARAM_PREFIX
from ._integration.overrides import SALT as OVERRIDE_SALT
from ._integration.overrides import Outcome as OverrideOutcome
from ._integration.overrides import forced as forced_overrides
from ._integration.overrides import has_params as has_override_params
from ._integration.overrides import resolve as resolve_overrides
from ._integration.refs import Reference, scan_paths
from ._integration.refs_report import (
    DocumentFlags,
    RefsReport,
    document_flags,
    file_flags,
    loaded_flags,
    references_report,
    refs_output,
    served_label,
    snapshot_flags,
)
from ._integration.report import (
    EXIT_STATUS,
    HTTP_STATUS,
    StatusReport,
    describe_evaluation,
    evaluation_record,
    list_lines,
    loaded_validation,
    parse_context_pairs,
    status_report,
    unconfigured_report,
    unexpected_error,
    unknown_flag_message,
    validation_report,
)
from ._integration.settings import (
    DEFAULTS,
    SettingProblem,
    build_client,
    callable_problem,
    configuration_error,
    container_problem,
    merged_settings,
    resolve_callable,
    settings_problems,
)
from ._integration.signals import (
    CONFIG_CHANGED,
    FLAG_CHANGED,
    FLAG_MISSING,
    FLAGS_REMOVED,
    change_signals,
    missing_signal,
    receiver_name,
    report_receiver_error,
)
from ._integration.usage import LOCAL_NOTE as USAGE_LOCAL_NOTE
from ._integration.usage import fetch_usage, usage_lines, usage_output, usage_summary
from ._integration.visitor import SALT as VISITOR_SALT
from ._integration.visitor import (
    VISITOR_KEYS,
    LazyContext,
    is_visitor_id,
    new_visitor_id,
    targeting_key,
)
from ._sources.content import content_type_for_path

__all__ = [
    "FLAG_MISSING",
    "FLAGS_REMOVED",
    "missing_signal",
    "fetch_usage",
    "usage_lines",
    "usage_summary",
    "usage_output",
    "USAGE_LOCAL_NOTE",
    "FLAGS_PAGE_TEMPLATE",
    "FlagRow",
    "FlagsPage",
    "flags_page",
    "BROWSER_CACHE_CONTROL",
    "BROWSER_ELEMENT_ID",
    "OVERRIDE_COOKIE",
    "OVERRIDE_PARAM_PREFIX",
    "OVERRIDE_SALT",
    "VISITOR_KEYS",
    "VISITOR_SALT",
    "LazyContext",
    "OverrideOutcome",
    "browser_flags",
    "browser_payload",
    "forced_overrides",
    "has_override_params",
    "is_visitor_id",
    "new_visitor_id",
    "resolve_overrides",
    "targeting_key",
    "CONFIG_CHANGED",
    "DEFAULTS",
    "DocumentFlags",
    "EXIT_STATUS",
    "FLAG_CHANGED",
    "FORMATS",
    "HTTP_STATUS",
    "Reference",
    "RefsReport",
    "SettingProblem",
    "StatusReport",
    "SuppliedKeys",
    "build_client",
    "callable_problem",
    "change_signals",
    "configuration_error",
    "container_problem",
    "content_type_for_path",
    "context_key_warnings",
    "declared_context_keys",
    "describe_evaluation",
    "document_flags",
    "evaluation_record",
    "file_context_warnings",
    "file_flags",
    "guard_context",
    "import_string",
    "list_lines",
    "loaded_flags",
    "loaded_validation",
    "merged_settings",
    "parse_context_pairs",
    "receiver_name",
    "references_report",
    "refs_output",
    "report_receiver_error",
    "resolve_callable",
    "scan_paths",
    "served_label",
    "settings_problems",
    "snapshot_flags",
    "status_report",
    "unconfigured_report",
    "unexpected_error",
    "unknown_flag_message",
    "validation_report",
]

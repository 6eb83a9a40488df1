"""``flask appconfig status|list|eval|validate|refs|usage``: look at the flags an app would serve.

The commands send none of the app's change signals: its receivers are for the app serving.

The same reports as ``manage.py appconfig`` and ``appconfig-flags`` (`appconfig_core.integration`):
``status`` exits 0 ok, 1 degraded, 2 unavailable; ``validate`` exits 1 for an invalid
document, or one with no flags unless ``--format raw``; ``eval`` exits 1 for a flag the
loaded document lacks; ``refs`` exits 1 for a reference to a missing flag (``--strict``: any
finding) and 2 when it has nothing to compare with; ``usage [--url URL]`` exits 1 when
code read names the document lacks (without ``--url`` it shows this command's own reads).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from appconfig_core.errors import ConfigurationError, DocumentError
from appconfig_core.integration import (
    FORMATS,
    USAGE_LOCAL_NOTE,
    DocumentFlags,
    SuppliedKeys,
    content_type_for_path,
    declared_context_keys,
    describe_evaluation,
    fetch_usage,
    file_flags,
    list_lines,
    loaded_flags,
    loaded_validation,
    parse_context_pairs,
    refs_output,
    resolve_callable,
    served_label,
    status_report,
    unexpected_error,
    unknown_flag_message,
    usage_output,
    validation_report,
)

from ._config import read_settings
from ._state import DEFAULT_CONTEXT_KEYS, AppState, state_for

appconfig_cli = AppGroup("appconfig", help="Inspect the app's AppConfig feature flags.")

F = TypeVar("F", bound=Callable[..., Any])


def _reported(command: F) -> F:
    """Turn an error nobody foresaw into one line and exit status 1, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            raise click.ClickException(unexpected_error(exc)) from exc

    return cast(F, run)


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


#: Apps a ``flask appconfig`` command ran in. Their change signals are not sent: a command
#: is not the app serving, and the app's receivers (cache purges, notices) must not run
#: because someone looked at the flags.
_QUIET: weakref.WeakSet[Flask] = weakref.WeakSet()


def signals_muted(app: Flask) -> bool:
    """Whether a ``flask appconfig`` command ran in ``app``, so its signals stay unsent."""
    return app in _QUIET


def _started_state() -> AppState:
    app = _app()
    _QUIET.add(app)
    state = state_for(app)
    state.ensure_started()
    return state


@appconfig_cli.command("status")
@_reported
def status_command() -> None:
    """Health, origin, version and errors; exit 0 ok, 1 degraded, 2 unavailable."""
    report = status_report(_started_state().client.status)
    for line in report.lines():
        click.echo(line)
    if report.exit_status:
        raise click.exceptions.Exit(report.exit_status)


@appconfig_cli.command("list")
@_reported
def list_command() -> None:
    """Every flag the loaded configuration defines, evaluated for an empty context."""
    for line in list_lines(_started_state().client.snapshot()):
        click.echo(line)


@appconfig_cli.command("eval")
@click.argument("name")
@click.option(
    "-c", "--context", "pairs", multiple=True, metavar="KEY=VALUE", help="Context entry; repeat."
)
@_reported
def eval_command(name: str, pairs: tuple[str, ...]) -> None:
    """Evaluate flag NAME for the context given with -c key=value (values may be JSON)."""
    try:
        context = parse_context_pairs(pairs)
    except ConfigurationError as exc:
        raise click.BadParameter(str(exc), param_hint="'-c' / '--context'") from None
    client = _started_state().client
    # A view, so that a flag the Agent evaluates is asked for this context.
    view = client.view(context)
    if name not in view.snapshot.flag_names:
        where = served_label(client, view.snapshot)
        click.echo(
            f"Error: {unknown_flag_message(name, view.snapshot.flag_names, where)}", err=True
        )
        raise click.exceptions.Exit(1)
    click.echo(describe_evaluation(view.evaluate(name)))


@appconfig_cli.command("validate")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="The document's format (default: APPCONFIG_FORMAT).",
)
@_reported
def validate_command(file: str | None, fmt: str | None) -> None:
    """Check FILE (default: APPCONFIG_FILE with the file source) as a flags document.

    Without FILE and with another source, check what the source serves. Exit 1 when the
    document is invalid, or has no flags unless --format raw.
    """
    settings = read_settings(_app().config)
    if file is None and settings["SOURCE"] == "file":
        file = settings["FILE"]
    supplied = supplied_context_keys(settings)
    if file is None:
        ok, lines = loaded_validation(_started_state().client, supplied=supplied)
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
        ok, lines = validation_report(
            file, data, content_type_for_path(file), fmt or settings["FORMAT"], supplied=supplied
        )
    for line in lines:
        click.echo(line)
    if not ok:
        raise click.exceptions.Exit(1)


def supplied_context_keys(settings: Mapping[str, Any]) -> SuppliedKeys | None:
    """The keys the app's context function supplies; None when they are unknown.

    The default function's keys are known (``user_id``, ``visitor_id``, ``targeting_key``); an
    ``APPCONFIG_CONTEXT`` function's only when it declares them in a ``context_keys`` attribute.
    """
    configured = settings.get("CONTEXT")
    if configured is None:
        return SuppliedKeys(DEFAULT_CONTEXT_KEYS, "the default Flask context")
    try:
        declared = declared_context_keys(resolve_callable(configured, allow_object=True))
    except ConfigurationError:
        return None
    return None if declared is None else SuppliedKeys(declared, "APPCONFIG_CONTEXT")


@appconfig_cli.command("refs")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--document", metavar="FILE", help="Compare with FILE (default: the loaded flags).")
@click.option(
    "--strict", is_flag=True, help="Also fail for unreferenced and deprecated-but-used flags."
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching paths; repeat.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="The document's format (default: APPCONFIG_FORMAT).",
)
@_reported
def refs_command(
    *,
    paths: tuple[str, ...],
    document: str | None,
    strict: bool,
    as_json: bool,
    exclude: tuple[str, ...],
    fmt: str | None,
) -> None:
    """Find flag references in PATHS (default: .) and compare them with the flags.

    Exit 1 for a reference to a flag the document lacks (with --strict, also for flags nothing
    references and deprecated flags still referenced); exit 2 when there is nothing to compare.
    """
    if document is not None:
        flags, label = _file_flags(document, fmt or read_settings(_app().config)["FORMAT"])
    else:
        try:
            flags, label = loaded_flags(_started_state().client)
        except ConfigurationError as exc:
            click.echo(f"Error: {exc}", err=True)
            raise click.exceptions.Exit(2) from None
    try:
        status, lines = refs_output(
            paths, flags, label=label, strict=strict, as_json=as_json, exclude=exclude
        )
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    for line in lines:
        click.echo(line)
    if status:
        raise click.exceptions.Exit(status)


@appconfig_cli.command("usage")
@click.option("--url", help="A running app's health endpoint (APPCONFIG_REPORT_USAGE on).")
@click.option("--json", "as_json", is_flag=True, help="Print the usage as JSON.")
@_reported
def usage_command(url: str | None, as_json: bool) -> None:
    """Per-flag reads of a running app (--url), or of this command's own process."""
    if url is None:
        if not as_json:
            click.echo(USAGE_LOCAL_NOTE)
        usage: Mapping[str, Any] = _started_state().client.usage().as_dict()
    else:
        try:
            usage = fetch_usage(url)
        except ConfigurationError as exc:
            click.echo(f"Error: {exc}", err=True)
            raise click.exceptions.Exit(2) from None
    status, lines = usage_output(usage, as_json=as_json)
    for line in lines:
        click.echo(line)
    if status:
        raise click.exceptions.Exit(status)


def _file_flags(path: str, fmt: str) -> tuple[DocumentFlags, str]:
    try:
        return file_flags(path, fmt), path
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except DocumentError:
        raise click.UsageError(
            f"{path} is not a valid flags document; run flask appconfig validate {path}"
        ) from None

"""``flask appconfig status|list|eval|validate``: look at the flags an app would serve.

The commands send none of the app's change signals: its receivers are for the app serving.

The same reports as ``manage.py appconfig`` and ``appconfig-flags`` (`appconfig_core.integration`):
``status`` exits 0 ok, 1 degraded, 2 unavailable; ``validate`` exits 1 for an invalid
document, or one with no flags unless ``--format raw``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from appconfig_core.errors import ConfigurationError
from appconfig_core.integration import (
    FORMATS,
    content_type_for_path,
    describe_evaluation,
    loaded_validation,
    parse_context_pairs,
    status_report,
    unexpected_error,
    validation_report,
)

from ._config import read_settings
from ._state import AppState, state_for

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
    snapshot = _started_state().client.snapshot()
    if not snapshot.flag_names:
        click.echo(f"no flags (version {snapshot.version or '-'})")
        return
    for name in sorted(snapshot.flag_names):
        click.echo(describe_evaluation(snapshot.evaluate(name)))


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
    click.echo(describe_evaluation(_started_state().client.evaluate(name, context)))


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
    if file is None:
        ok, lines = loaded_validation(_started_state().client)
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
        ok, lines = validation_report(
            file, data, content_type_for_path(file), fmt or settings["FORMAT"]
        )
    for line in lines:
        click.echo(line)
    if not ok:
        raise click.exceptions.Exit(1)

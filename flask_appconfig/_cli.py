"""``flask appconfig status|list|eval|validate``: look at the flags an app would serve."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from appconfig_core._integration.report import (
    describe_evaluation,
    parse_context_pairs,
    status_payload,
    validation_report,
)
from appconfig_core._sources.content import content_type_for_path
from appconfig_core.errors import ConfigurationError

from ._config import read_settings
from ._state import AppState, state_for

appconfig_cli = AppGroup("appconfig", help="Inspect the app's AppConfig feature flags.")


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def _started_state() -> AppState:
    state = state_for(_app())
    state.ensure_started()
    return state


@appconfig_cli.command("status")
def status_command() -> None:
    """Whether flags are loaded, from where, and the last error; exit 1 when not ready."""
    body, code = status_payload(_started_state().client)
    for key, value in body.items():
        click.echo(f"{key}: {'-' if value is None else value}")
    if code != 200:
        raise click.exceptions.Exit(1)


@appconfig_cli.command("list")
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
def eval_command(name: str, pairs: tuple[str, ...]) -> None:
    """Evaluate flag NAME for the context given with -c key=value (values may be JSON)."""
    try:
        context = parse_context_pairs(pairs)
    except ConfigurationError as exc:
        raise click.BadParameter(str(exc), param_hint="'-c' / '--context'") from None
    click.echo(describe_evaluation(_started_state().client.evaluate(name, context)))


@appconfig_cli.command("validate")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
def validate_command(file: str | None) -> None:
    """Check FILE (default: APPCONFIG_FILE with the file source) as a flags document.

    Without FILE and with another source, report whether the source's document loaded.
    """
    settings = read_settings(_app().config)
    if file is None and settings["SOURCE"] == "file":
        file = settings["FILE"]
    if file is None:
        status = _started_state().client.status
        if not status.ready:
            raise click.ClickException(f"no document loaded: {status.last_error or 'no answer'}")
        click.echo(f"the {status.origin} document (version {status.version}) is valid")
        return
    path = Path(file)
    ok, lines = validation_report(
        str(path), path.read_bytes(), content_type_for_path(path.name), settings["FORMAT"]
    )
    for line in lines:
        click.echo(line, err=not ok)
    if not ok:
        raise click.exceptions.Exit(1)

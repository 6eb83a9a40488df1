"""``python manage.py appconfig status|list|eval NAME [-c k=v]|validate [FILE] [--format F]``.

The same reports as ``flask appconfig`` and ``appconfig-flags`` (`appconfig_core.integration`):
``status`` exits 0 ok, 1 degraded, 2 unavailable; ``validate`` exits 1 for an invalid
document, or one with no flags unless ``--format raw``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appconfig_core import AppConfigFlagsError, ConfigurationError
from appconfig_core.integration import (
    FORMATS,
    content_type_for_path,
    describe_evaluation,
    loaded_validation,
    parse_context_pairs,
    status_report,
    unconfigured_report,
    unexpected_error,
    validation_report,
)
from django_appconfig import conf
from django_appconfig._client import get_client


class Command(BaseCommand):
    help = "Inspect the feature flags this site reads from AWS AppConfig."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "status", help="health, origin, version and errors; exit 0 ok, 1 degraded, 2 none"
        )
        actions.add_parser("list", help="every flag with its value for an empty context")
        evaluate = actions.add_parser("eval", help="evaluate one flag, with its reason")
        evaluate.add_argument("name", help="the flag's name")
        evaluate.add_argument(
            "-c",
            "--context",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a context entry (repeatable); VALUE is JSON when it parses, else a string",
        )
        validate = actions.add_parser(
            "validate", help="check a flags document (FILE, or the configured source)"
        )
        validate.add_argument("file", nargs="?", help="a JSON or YAML document to check")
        validate.add_argument(
            "--format", choices=FORMATS, help="the document's format (default: APPCONFIG FORMAT)"
        )

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 - BaseCommand signature
        action = options["action"]
        try:
            if action == "status":
                self._status()
            elif action == "validate":
                self._validate(options["file"], options["format"])
            elif action == "list":
                snapshot = get_client().snapshot()
                for name in sorted(snapshot.flag_names):
                    self.stdout.write(describe_evaluation(snapshot.evaluate(name)))
            else:
                context = parse_context_pairs(options["context"])
                evaluation = get_client().evaluate(options["name"], context)
                self.stdout.write(describe_evaluation(evaluation))
        except AppConfigFlagsError as exc:
            raise CommandError(str(exc)) from None
        except CommandError:
            raise
        except Exception as exc:  # one line, never a traceback (--traceback shows it)
            raise CommandError(unexpected_error(exc)) from exc

    def _status(self) -> None:
        try:
            report = status_report(get_client().status)
        except ConfigurationError as exc:
            report = unconfigured_report(str(exc))
        for line in report.lines():
            self.stdout.write(line)
        if report.exit_status:
            raise CommandError(f"flags are {report.health}", returncode=report.exit_status)

    def _validate(self, file: str | None, fmt: str | None) -> None:
        config = conf.get_config()
        if file is None and config["SOURCE"] == "file" and not config["CLIENT"]:
            file = config["FILE"]
        if file is None:
            ok, lines = loaded_validation(get_client())
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
            label = str(file)
            ok, lines = validation_report(
                label, data, content_type_for_path(label), fmt or config["FORMAT"]
            )
        if not ok:
            for line in lines[:-1]:
                self.stdout.write(line)
            raise CommandError(lines[-1])
        for line in lines:
            self.stdout.write(line)

"""``python manage.py appconfig status|list|eval NAME [-c k=v]|validate [FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appconfig_core import AppConfigFlagsError
from appconfig_core._integration.report import (
    describe_evaluation,
    parse_context_pairs,
    validation_report,
)
from appconfig_core._sources.content import content_type_for_path
from django_appconfig import conf
from django_appconfig._client import get_client


class Command(BaseCommand):
    help = "Inspect the feature flags this site reads from AWS AppConfig."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("status", help="whether flags are loaded, from where, which version")
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

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 - BaseCommand signature
        action = options["action"]
        try:
            if action == "validate":
                self._validate(options["file"])
                return
            client = get_client()
        except AppConfigFlagsError as exc:
            raise CommandError(str(exc)) from None
        if action == "status":
            status = client.status
            self.stdout.write(f"ready: {'yes' if status.ready else 'no'}")
            self.stdout.write(f"origin: {status.origin}")
            self.stdout.write(f"version: {status.version or '-'}")
            updated = status.updated_at.isoformat() if status.updated_at else "-"
            self.stdout.write(f"updated: {updated}")
            self.stdout.write(f"last error: {status.last_error or '-'}")
            if not status.ready:
                raise CommandError("no flags are loaded; see the last error above")
        elif action == "list":
            snapshot = client.snapshot()
            for name in sorted(snapshot.flag_names):
                self.stdout.write(describe_evaluation(snapshot.evaluate(name)))
        else:
            try:
                context = parse_context_pairs(options["context"])
            except AppConfigFlagsError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(describe_evaluation(client.evaluate(options["name"], context)))

    def _validate(self, file: str | None) -> None:
        config = conf.get_config()
        if file is None:
            client = get_client()
            status = client.status
            if not status.ready:
                raise CommandError(f"no valid document was loaded: {status.last_error or '-'}")
            self.stdout.write(f"valid: version {status.version} from {client.source.description}")
            return
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        ok, lines = validation_report(
            file, data, content_type_for_path(path.name), config["FORMAT"]
        )
        for line in lines[:-1]:
            self.stderr.write(line)
        if not ok:
            raise CommandError(lines[-1])
        self.stdout.write(lines[-1])

"""``python manage.py appconfig status|list|eval NAME [-c k=v]|validate [FILE]|refs [PATH...]|usage``.

The same reports as ``flask appconfig`` and ``appconfig-flags`` (`appconfig_core.integration`):
``status`` exits 0 ok, 1 degraded, 2 unavailable; ``validate`` exits 1 for an invalid
document, or one with no flags unless ``--format raw``; ``eval`` exits 1 for a flag the
loaded document lacks; ``refs`` exits 1 for a reference to a missing flag (``--strict``: any
finding) and 2 when it has nothing to compare with; ``usage [--url URL]`` exits 1 when
code read names the document lacks (without ``--url`` it shows this command's own reads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appconfig_core import AppConfigFlagsError, ConfigurationError
from appconfig_core.errors import DocumentError
from appconfig_core.integration import (
    FORMATS,
    USAGE_LOCAL_NOTE,
    DocumentFlags,
    content_type_for_path,
    describe_evaluation,
    fetch_usage,
    file_flags,
    list_lines,
    loaded_flags,
    loaded_validation,
    parse_context_pairs,
    refs_output,
    served_label,
    status_report,
    unconfigured_report,
    unexpected_error,
    unknown_flag_message,
    usage_output,
    validation_report,
)
from django_appconfig import conf
from django_appconfig._client import get_client
from django_appconfig.checks import supplied_context_keys


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
        refs = actions.add_parser(
            "refs", help="find flag references in code and templates; compare with the flags"
        )
        refs.add_argument("paths", nargs="*", metavar="PATH", help="to scan (default: .)")
        refs.add_argument(
            "--document", metavar="FILE", help="compare with FILE (default: the loaded flags)"
        )
        refs.add_argument(
            "--strict",
            action="store_true",
            help="also fail for unreferenced flags and deprecated flags still referenced",
        )
        refs.add_argument("--json", action="store_true", help="print the findings as JSON")
        refs.add_argument(
            "--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths"
        )
        refs.add_argument(
            "--format", choices=FORMATS, help="the document's format (default: APPCONFIG FORMAT)"
        )

        usage = actions.add_parser(
            "usage",
            help="per-flag reads of a running site (--url its health view) or of this command",
        )
        usage.add_argument(
            "--url", help="the site's health view (django_appconfig.views.status, REPORT_USAGE on)"
        )
        usage.add_argument("--json", action="store_true", help="print the usage as JSON")

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 - BaseCommand signature
        action = options["action"]
        try:
            if action == "status":
                self._status()
            elif action == "validate":
                self._validate(options["file"], options["format"])
            elif action == "refs":
                self._refs(options)
            elif action == "usage":
                self._usage(options["url"], options["json"])
            elif action == "list":
                for line in list_lines(get_client().snapshot()):
                    self.stdout.write(line)
            else:
                self._eval(options["name"], parse_context_pairs(options["context"]))
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

    def _usage(self, url: str | None, as_json: bool) -> None:
        if url is None:
            if not as_json:
                self.stdout.write(USAGE_LOCAL_NOTE)
            usage = get_client().usage().as_dict()
        else:
            try:
                usage = dict(fetch_usage(url))
            except ConfigurationError as exc:
                raise CommandError(str(exc), returncode=2) from None
        status, lines = usage_output(usage, as_json=as_json)
        for line in lines:
            self.stdout.write(line)
        if status:
            raise CommandError("code read flags the document lacks", returncode=status)

    def _eval(self, name: str, context: dict[str, Any]) -> None:
        """Evaluate through a view, so a flag the Agent evaluates is asked for ``context``."""
        client = get_client()
        view = client.view(context)
        if name not in view.snapshot.flag_names:
            where = served_label(client, view.snapshot)
            raise CommandError(unknown_flag_message(name, view.snapshot.flag_names, where))
        self.stdout.write(describe_evaluation(view.evaluate(name)))

    def _refs(self, options: dict[str, Any]) -> None:
        document = options["document"]
        if document is not None:
            flags, label = self._document_flags(document, options["format"]), document
        else:
            try:
                flags, label = loaded_flags(get_client())
            except ConfigurationError as exc:
                raise CommandError(str(exc), returncode=2) from None
        try:
            status, lines = refs_output(
                options["paths"],
                flags,
                label=label,
                strict=options["strict"],
                as_json=options["json"],
                exclude=options["exclude"],
            )
        except FileNotFoundError as exc:
            raise CommandError(str(exc), returncode=2) from None
        for line in lines:
            self.stdout.write(line)
        if status:
            raise CommandError("references do not match the flags", returncode=status)

    def _document_flags(self, path: str, fmt: str | None) -> DocumentFlags:
        try:
            return file_flags(path, fmt or conf.get_config()["FORMAT"])
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from None
        except DocumentError:
            raise CommandError(
                f"{path} is not a valid flags document; run manage.py appconfig validate {path}",
                returncode=2,
            ) from None

    def _validate(self, file: str | None, fmt: str | None) -> None:
        config = conf.get_config()
        if file is None and config["SOURCE"] == "file" and not config["CLIENT"]:
            file = config["FILE"]
        supplied = supplied_context_keys()
        if file is None:
            ok, lines = loaded_validation(get_client(), supplied=supplied)
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
            label = str(file)
            ok, lines = validation_report(
                label,
                data,
                content_type_for_path(label),
                fmt or config["FORMAT"],
                supplied=supplied,
            )
        if not ok:
            for line in lines[:-1]:
                self.stdout.write(line)
            raise CommandError(lines[-1])
        for line in lines:
            self.stdout.write(line)

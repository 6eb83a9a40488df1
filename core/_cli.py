"""``appconfig-flags``: validate a flag file, evaluate one flag, fetch a profile once,
report a profile's health as an application would see it, and find the flags code reads.

Exit codes: 0 success; 1 the document, flag or fetch is the problem (invalid document, no
such flag, AppConfig unreachable or refusing, ``refs`` found a reference the document lacks);
2 the command line or the file cannot be used (bad arguments, unreadable file, malformed
``-c``, a path ``refs`` cannot find). ``status`` exits 0 ok, 1 degraded,
2 unavailable, like the ``status`` commands of the Django and Flask adapters. ``usage``
exits 1 when the app read names its document lacks, 2 when the app cannot be asked. Every
error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, TextIO

from ._evaluation.flagset import Clock, FlagSet
from ._formats.detect import (
    AUTO,
    FORMATS,
    compile_document,
)
from ._integration.context_keys import SuppliedKeys
from ._integration.refs_report import file_flags, refs_output
from ._integration.report import (
    describe_evaluation,
    evaluation_record,
    parse_context_pairs,
    status_report,
    unexpected_error,
    unknown_flag_message,
    validation_report,
)
from ._integration.settings import SOURCES, build_client, merged_settings, settings_problems
from ._integration.usage import fetch_usage, usage_output
from ._sources.appconfigdata import AppConfigDataSource
from ._sources.content import JSON, YAML, content_type_for_path, parse_content
from .errors import AppConfigFlagsError, ConfigurationError, DocumentError

PROG = "appconfig-flags"


class UserError(Exception):
    """A problem the user can fix; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (the console script exits with it)."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args, sys.stdout)
    except UserError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a command line never shows a traceback
        print(f"{PROG}: {unexpected_error(exc)}", file=sys.stderr)
        return 1
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Validate, evaluate and fetch AWS AppConfig feature flags."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a flag file; list every problem")
    validate.add_argument("file", metavar="FILE", help="a JSON or YAML file, or - for stdin")
    validate.add_argument(
        "--context-keys",
        metavar="KEYS",
        help="comma-separated keys the app's context supplies (e.g. user_id,is_staff); warn"
        " about rules reading any other key",
    )
    _add_format(validate)
    validate.set_defaults(run=_validate)

    evaluate = commands.add_parser("eval", help="evaluate one flag in a file for a context")
    evaluate.add_argument("file", metavar="FILE", help="a JSON or YAML file, or - for stdin")
    evaluate.add_argument("flag", metavar="FLAG", help="the flag's name")
    evaluate.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a context entry; VALUE is read as JSON when it parses (5, true, [1,2]),"
        " else as a string; repeat for more keys",
    )
    evaluate.add_argument(
        "--at",
        metavar="DATETIME",
        help="evaluate time-based rules at this ISO 8601 instant (default: now; no offset"
        " means UTC)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    _add_format(evaluate)
    evaluate.set_defaults(run=_eval)

    fetch = commands.add_parser("fetch", help="fetch a profile once through AppConfigData")
    fetch.add_argument("--application", required=True, metavar="A")
    fetch.add_argument("--environment", required=True, metavar="E")
    fetch.add_argument("--profile", required=True, metavar="P")
    fetch.add_argument("--endpoint-url", metavar="URL", help="e.g. a local devserver")
    fetch.add_argument("--region", metavar="R", help="AWS region (default: boto3's)")
    fetch.set_defaults(run=_fetch)

    refs = commands.add_parser(
        "refs", help="find flag references in code and templates; compare them with a document"
    )
    refs.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories to scan (default: .)"
    )
    refs.add_argument(
        "--document", required=True, metavar="FILE", help="the flags document to compare with"
    )
    _add_refs_options(refs)
    _add_format(refs)
    refs.set_defaults(run=_refs)

    status = commands.add_parser(
        "status", help="load a profile as an application would; print its health"
    )
    status.add_argument("--source", choices=SOURCES, default="appconfig")
    status.add_argument("--application", metavar="A")
    status.add_argument("--environment", metavar="E")
    status.add_argument("--profile", metavar="P")
    status.add_argument("--file", metavar="FILE", help="the flags file of the file source")
    status.add_argument("--agent-url", metavar="URL", help="the agent source's URL")
    status.add_argument("--endpoint-url", metavar="URL", help="e.g. a local devserver")
    status.add_argument("--region", metavar="R", help="AWS region (default: boto3's)")
    status.add_argument("--cache-path", metavar="PATH", help="the disk cache to fall back on")
    status.add_argument(
        "--timeout", type=float, default=5.0, metavar="S", help="seconds to wait (default 5)"
    )
    _add_format(status)
    status.set_defaults(run=_status)

    usage = commands.add_parser(
        "usage", help="per-flag reads of a running app, from its health endpoint"
    )
    usage.add_argument(
        "--url", required=True, help="the app's health endpoint (the app sets REPORT_USAGE)"
    )
    usage.add_argument("--json", action="store_true", help="print the usage section as JSON")
    usage.set_defaults(run=_usage)
    return parser


def _add_refs_options(parser: argparse.ArgumentParser) -> None:
    """``--strict``, ``--json`` and ``--exclude``, as the adapters' ``refs`` commands take them."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail (exit 1) for unreferenced flags and deprecated flags still referenced",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths or file names matching GLOB; repeat for more",
    )


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default=AUTO,
        choices=FORMATS,
        help="the document's format (default: auto, detected from its shape)",
    )


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    raw, content_type = _read(args.file)
    supplied = None
    if args.context_keys is not None:
        keys = [key.strip() for key in args.context_keys.split(",") if key.strip()]
        supplied = SuppliedKeys.of(keys, "the context (--context-keys)")
    ok, lines = validation_report(args.file, raw, content_type, args.format, supplied=supplied)
    for line in lines:
        print(line, file=out)
    return 0 if ok else 1


def _eval(args: argparse.Namespace, out: TextIO) -> int:
    context = parse_context(args.context)
    clock = _fixed_clock(args.at) if args.at else None
    document = _load(args.file)
    flags = _compile(args.file, document, args.format, clock)
    flag = flags.get(args.flag)
    if flag is None:
        raise UserError(unknown_flag_message(args.flag, flags, args.file), 1)
    evaluation = flag.evaluate(context)
    text = _dump(evaluation_record(evaluation)) if args.json else describe_evaluation(evaluation)
    print(text, file=out)
    return 0


def _refs(args: argparse.Namespace, out: TextIO) -> int:
    try:
        flags = file_flags(args.document, args.format)
    except OSError as exc:
        raise UserError(f"cannot read {args.document}: {exc.strerror or exc}") from None
    except DocumentError:
        raise UserError(
            f"{args.document}: not a valid flags document; run '{PROG} validate {args.document}'",
            2,
        ) from None
    try:
        status, lines = refs_output(
            args.paths,
            flags,
            label=args.document,
            strict=args.strict,
            as_json=args.json,
            exclude=args.exclude,
        )
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    for line in lines:
        print(line, file=out)
    return status


def _fetch(args: argparse.Namespace, out: TextIO) -> int:
    try:
        source = AppConfigDataSource(
            args.application,
            args.environment,
            args.profile,
            region_name=args.region,
            endpoint_url=args.endpoint_url,
        )
    except ConfigurationError as exc:
        raise UserError(str(exc), 2) from None
    try:
        result = source.fetch()
    except AppConfigFlagsError as exc:
        raise UserError(str(exc), 1) from None
    except Exception as exc:  # noqa: BLE001 - botocore setup errors (no region...) are user errors
        raise UserError(
            f"{source.description}: {exc}; pass --region or set AWS_REGION", 1
        ) from None
    finally:
        source.close()
    content = result.content
    if content is None or not content.data:
        print(f"{source.description}: the deployed configuration is empty", file=sys.stderr)
        return 0
    print(
        f"{source.description}: version {content.version or '-'},"
        f" {content.content_type or 'unknown content type'}",
        file=sys.stderr,
    )
    try:
        document = parse_content(content.data, content.content_type)
    except DocumentError as exc:
        print(f"{PROG}: warning: {exc}; printing the raw content", file=sys.stderr)
        document = content.data.decode("utf-8", errors="replace")
    print(document if isinstance(document, str) else _dump(document, indent=2), file=out)
    return 0


def _status(args: argparse.Namespace, out: TextIO) -> int:
    settings = {
        "SOURCE": args.source,
        "APPLICATION": args.application,
        "ENVIRONMENT": args.environment,
        "PROFILE": args.profile,
        "FILE": args.file,
        "ENDPOINT_URL": args.endpoint_url,
        "REGION": args.region,
        "CACHE_PATH": args.cache_path,
        "START_TIMEOUT": args.timeout,
        "FORMAT": args.format,
    }
    if args.agent_url:
        settings["AGENT_URL"] = args.agent_url
    for problem in settings_problems(merged_settings(settings)):
        if problem.code.startswith("E"):
            option = "--" + problem.key.lower().replace("_", "-")
            message = problem.message.replace(problem.key, option)
            if option not in message:
                message = f"{option}: {message}"
            raise UserError(f"{message} ({problem.hint})")
    with build_client(settings) as client:
        report = status_report(client.status)
    for line in report.lines():
        print(line, file=out)
    return report.exit_status


def _usage(args: argparse.Namespace, out: TextIO) -> int:
    try:
        usage = fetch_usage(args.url)
    except ConfigurationError as exc:
        raise UserError(str(exc)) from None
    code, lines = usage_output(usage, as_json=args.json)
    for line in lines:
        print(line, file=out)
    return code


def parse_context(entries: Sequence[str]) -> dict[str, Any]:
    """``["tier=premium", "n=5"]`` → ``{"tier": "premium", "n": 5}`` (JSON when it parses)."""
    try:
        return parse_context_pairs(entries)
    except ConfigurationError as exc:
        raise UserError(f"-c {exc}") from None


def _dump(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def _read(path: str) -> tuple[bytes, str]:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
            return raw, JSON if raw.lstrip()[:1] in (b"{", b"[") else YAML
        with open(path, "rb") as handle:
            return handle.read(), content_type_for_path(path)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def _load(path: str) -> Any:
    raw, content_type = _read(path)
    try:
        return parse_content(raw, content_type)
    except DocumentError as exc:
        raise UserError(f"{path}: {exc}", 1) from None


def _compile(path: str, document: Any, fmt: str, clock: Clock | None) -> FlagSet:
    try:
        return compile_document(document, format=fmt, clock=clock)
    except DocumentError as exc:
        first = exc.problems[0]
        more = len(exc.problems) - 1
        where = f"{first[0]}: " if first[0] else ""
        extra = f" (and {more} more; run '{PROG} validate {path}')" if more else ""
        raise UserError(f"{path}: {where}{first[1]}{extra}", 1) from None


def _fixed_clock(text: str) -> Clock:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--at expects an ISO 8601 date and time, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return lambda: moment


__all__ = ["UserError", "main", "parse_context"]

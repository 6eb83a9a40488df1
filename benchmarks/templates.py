"""Scenario 6: a request rendering a template of 10 flag blocks, in Django and in Flask.

Each variant is a whole WSGI request through its own middleware stack: this project's
``{% flag %}`` behind `FlagsMiddleware`; the same template with ``{% if %}`` on constants
and no flag middleware; django-waffle's ``{% flag %}`` behind `WaffleMiddleware`, with its
flags in SQLite and its default (local-memory) cache. Flask renders the same with Jinja.

Django can be configured once per process, and the test suite already configured it, so
the scenario runs in a child interpreter (``python -m benchmarks.templates``) that prints
its results as JSON.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import _flags
from ._harness import OURS, Case, Result, Settings, measure
from ._peers import version_of

FLAGS = _flags.FIFTY[:10]
DJANGO = "6. Django template, 10 flags"
FLASK = "6. Flask template, 10 flags"
urlpatterns: list[Any] = []


def _blocks(open_tag: Callable[[int, str], str], close_tag: str) -> str:
    body = "".join(
        f"{open_tag(i, name)}<p>{name} is on</p>{{% else %}}<p>{name} is off</p>{close_tag}\n"
        for i, name in enumerate(FLAGS)
    )
    return f"<html><body>\n{body}</body></html>"


FLAG_BLOCKS = _blocks(lambda _i, n: f'{{% flag "{n}" %}}', "{% endflag %}")
OURS_TEMPLATE = FLAG_BLOCKS
CONSTANT_TEMPLATE = _blocks(lambda i, _n: f"{{% if c{i} %}}", "{% endif %}")
#: What the flags render as with an empty context (rule flags miss their rule).
CONSTANTS = {f"c{i}": i % 2 == 0 and i % 5 != 4 for i in range(len(FLAGS))}


def _environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def wsgi_get(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> bytes:
    """One GET through ``app``; returns the body (raises on a status other than 200)."""
    status: list[str] = []

    def start_response(code: str, _headers: Any, _exc_info: Any = None) -> None:
        status.append(code)

    response = app({**environ, "wsgi.input": io.BytesIO()}, start_response)
    try:
        body = b"".join(response)
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    if not status[0].startswith("200"):
        raise RuntimeError(f"GET {environ['PATH_INFO']} answered {status[0]}")
    return body


def _expected_body(body: bytes) -> None:
    text = body.decode()
    for i, name in enumerate(FLAGS):
        on = f"{name} is on" in text
        if on != CONSTANTS[f"c{i}"]:
            raise AssertionError(f"the rendered page shows {name} as {'on' if on else 'off'}")


def django_cases(work: Path) -> list[Case]:
    """The three Django variants, each a WSGI handler with its own middleware."""
    import django
    from django.conf import settings

    flags_file = work / "flags.json"
    flags_file.write_text(json.dumps(_flags.ours_fifty()))
    templates = {"ours.html": OURS_TEMPLATE, "constants.html": CONSTANT_TEMPLATE}
    waffle = version_of("django-waffle") is not None
    if waffle:
        templates["waffle.html"] = "{% load waffle_tags %}" + FLAG_BLOCKS
    templates["ours.html"] = "{% load appconfig %}" + OURS_TEMPLATE
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django_appconfig",
            *(["waffle"] if waffle else []),
        ],
        MIDDLEWARE=[],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        (
                            "django.template.loaders.cached.Loader",
                            [("django.template.loaders.locmem.Loader", templates)],
                        )
                    ],
                },
            }
        ],
        APPCONFIG={
            "SOURCE": "file",
            "FILE": str(flags_file),
            "CONTEXT": f"{__name__}.empty_context",
        },
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.shortcuts import render
    from django.test.utils import override_settings
    from django.urls import path

    def view(name: str, context: dict[str, Any] | None = None) -> Callable[[Any], Any]:
        return lambda request: render(request, name, context)

    urlpatterns[:] = [
        path("ours/", view("ours.html")),
        path("constants/", view("constants.html", CONSTANTS)),
        path("waffle/", view("waffle.html")),
    ]

    def handler(middleware: list[str]) -> Callable[..., Iterable[bytes]]:
        with override_settings(MIDDLEWARE=middleware):
            return get_wsgi_application()

    cases = [
        Case(
            OURS,
            "{% flag %} x10, FlagsMiddleware",
            "get(app, env)",
            {
                "get": wsgi_get,
                "app": handler(["django_appconfig.middleware.FlagsMiddleware"]),
                "env": _environ("/ours/"),
            },
            ours=True,
        ),
        Case(
            "constants",
            "{% if %} x10 on constants, no flag middleware",
            "get(app, env)",
            {"get": wsgi_get, "app": handler([]), "env": _environ("/constants/")},
        ),
    ]
    if waffle:
        call_command("migrate", verbosity=0, interactive=False)
        from waffle.models import Flag

        for i, name in enumerate(FLAGS):
            Flag.objects.create(name=name, everyone=CONSTANTS[f"c{i}"])
        cases.append(
            Case(
                "django-waffle",
                "{% flag %} x10, WaffleMiddleware, locmem cache",
                "get(app, env)",
                {
                    "get": wsgi_get,
                    "app": handler(["waffle.middleware.WaffleMiddleware"]),
                    "env": _environ("/waffle/"),
                },
            )
        )
    for case in cases:
        _expected_body(wsgi_get(case.names["app"], case.names["env"]))
    return cases


def empty_context(_request: Any) -> dict[str, Any]:
    """The Django evaluation context: none (the flags are plain or miss their rule)."""
    return {}


def flask_cases() -> list[Case]:
    """The Flask variants: this project's Jinja tag against constants."""
    from flask import Flask, render_template
    from jinja2 import DictLoader

    from appconfig_core import FlagClient, StaticSource
    from flask_appconfig import AppConfigFlags

    client = FlagClient(StaticSource(_flags.ours_fifty()))
    client.start()
    app = Flask("bench")
    AppConfigFlags(app, client=client)
    app.jinja_loader = DictLoader({"ours.html": OURS_TEMPLATE, "constants.html": CONSTANT_TEMPLATE})
    app.add_url_rule("/ours/", "ours", lambda: render_template("ours.html"))
    app.add_url_rule(
        "/constants/", "constants", lambda: render_template("constants.html", **CONSTANTS)
    )
    cases = [
        Case(
            OURS,
            "{% flag %} x10 (Jinja extension)",
            "get(app, env)",
            {"get": wsgi_get, "app": app.wsgi_app, "env": _environ("/ours/")},
            ours=True,
        ),
        Case(
            "constants",
            "{% if %} x10 on constants",
            "get(app, env)",
            {"get": wsgi_get, "app": app.wsgi_app, "env": _environ("/constants/")},
        ),
    ]
    for case in cases:
        _expected_body(wsgi_get(case.names["app"], case.names["env"]))
    return cases


def _child(quick: bool) -> int:
    settings = Settings.smoke() if quick else Settings()
    results: list[Result] = []
    missing: dict[str, str] = {}
    if version_of("django-waffle") is None:
        missing["django-waffle"] = "not installed"
    with tempfile.TemporaryDirectory(prefix="bench-django-") as tmp:
        results += measure(DJANGO, django_cases(Path(tmp)), settings)
    results += measure(FLASK, flask_cases(), settings)
    payload = {
        "missing": missing,
        "results": [
            {
                "scenario": r.scenario,
                "library": r.library,
                "label": r.label,
                "samples": list(r.samples),
                "ours": r.ours,
            }
            for r in results
        ],
    }
    print(json.dumps(payload))
    return 0


def run(settings: Settings) -> tuple[list[Result], dict[str, str]]:
    """Run the scenario in a child interpreter; returns its results and missing peers."""
    from .startup import ROOT, child_process

    args = [sys.executable, "-m", "benchmarks.templates", *(["--quick"] if settings.quick else [])]
    output = child_process(args, cwd=ROOT, timeout=600)
    payload = json.loads(output.strip().splitlines()[-1])
    results = [
        Result(r["scenario"], r["library"], r["label"], tuple(r["samples"]), ours=r["ours"])
        for r in payload["results"]
    ]
    return results, dict(payload["missing"])


if __name__ == "__main__":
    sys.exit(_child("--quick" in sys.argv[1:]))

"""Every fenced code block in README.md and docs/*.md runs, or is checked, so the docs cannot rot.

How each kind of block is treated (docs/index.md, "How the examples are tested", says the same
for writers):

* ```python runs in a fresh interpreter, in a temporary working directory holding
  ``flags.json`` and ``broken.json``, with boto3 pointed at a local AppConfig server that
  serves ``shop/prod/flags`` and ``shop/prod/features`` (see conftest.py). Absolute paths
  under ``/var/`` are moved into that directory. The harness is guessed from the block
  (Django settings lines, Django imports, Flask imports or ``app.``) or chosen by an HTML
  comment just above the fence: ``<!-- snippet: plain | django | django-settings | flask -->``,
  or ``<!-- snippet: skip: reason -->``.
  - ``django``: ``settings.configure`` with ``django_appconfig`` installed and ``APPCONFIG``
    naming ``shop/prod/flags``, then ``django.setup()``, then the block.
  - ``django-settings``: the block is appended to a minimal settings module; ``manage.py
    check`` must pass and the process's client must load flags.
  - ``flask``: ``app`` (configured for ``shop/prod/flags``), ``flags``, ``g``, ``request``,
    ``current_app`` and ``View`` exist, then the block.
* ```django and ```jinja templates are rendered (Django engine / the Flask app's Jinja).
* ```console: each ``$ command`` runs (``appconfig-flags`` and ``python -m appconfig_core``
  only); its output must equal the lines shown, unless they contain ``...`` (an
  abbreviation), in which case the command must succeed.
* ```bash / ```sh: ``appconfig-flags`` and ``python -m appconfig_core`` commands run; a server
  command must start serving; ``make X`` must be a Makefile target and ``pip install
  "appconfig-flags[x]"`` a declared extra; URLs ``http://127.0.0.1:PORT`` mean the local server.
* ```json / ```yaml: flag documents compile with ``compile_document``; others must parse.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import subprocess
import sys
import textwrap
import time

import pytest
import yaml

from appconfig_core._formats.detect import RAW, compile_document, detect_format

from .conftest import DocsEnvironment
from .markdown import DOCUMENTS, ROOT, Block, all_blocks, code_spans, harness, links

TIMEOUT = 30

_VAR_PATHS = re.compile(r"(?<=[\"'])/var/")

DJANGO_SETTINGS = """\
SECRET_KEY = "docs-snippets"
DEBUG = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
MIDDLEWARE = []
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django_appconfig.context_processors.flags"]},
}]
ROOT_URLCONF = "docs_urls"
USE_TZ = True
"""

DJANGO_PRELUDE = """\
import django
from django.conf import settings

settings.configure(
    SECRET_KEY="docs-snippets",
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django_appconfig"],
    MIDDLEWARE=["django_appconfig.middleware.FlagsMiddleware"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django_appconfig.context_processors.flags"]},
    }],
    ROOT_URLCONF="docs_urls",
    USE_TZ=True,
    APPCONFIG={"APPLICATION": "shop", "ENVIRONMENT": "prod", "PROFILE": "flags"},
)
django.setup()
"""

DJANGO_CHECK = """\
import django
from django.core.management import call_command

django.setup()
call_command("check", fail_level="WARNING")
from django_appconfig import get_client

assert get_client().status.ready, get_client().status
"""

#: Appended to Python blocks: a client of a served profile must have reached the server.
CLIENTS_HEALTHY = """
from appconfig_core import FlagClient as _FlagClient

for _name, _value in list(globals().items()):
    if isinstance(_value, _FlagClient) and getattr(_value.source, "profile", None) in {
        "flags",
        "features",
    }:
        _status = _value.status
        assert _status.last_error is None, (_name, _status.last_error)
        assert not _status.ready or _status.origin == "network", (_name, _status)
"""

FLASK_PRELUDE = """\
from flask import Flask, current_app, g, request
from flask.views import View
from flask_appconfig import AppConfigFlags

app = Flask("docs")
app.config.update(
    APPCONFIG_APPLICATION="shop", APPCONFIG_ENVIRONMENT="prod", APPCONFIG_PROFILE="flags"
)
flags = AppConfigFlags(app)
"""


def run(command: list[str], docs_env: DocsEnvironment) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=docs_env.cwd,
        env=docs_env.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def run_python(source: str, docs_env: DocsEnvironment) -> None:
    """Run ``source`` as a script in the snippet environment; fail with its output if it fails."""
    script = docs_env.cwd / "snippet.py"
    script.write_text(source)
    (docs_env.cwd / "docs_urls.py").write_text("urlpatterns = []\n")
    result = run([sys.executable, str(script)], docs_env)
    assert 0 == result.returncode, f"{result.stdout}{result.stderr}"


def localise(text: str, docs_env: DocsEnvironment) -> str:
    """Move absolute /var/ paths into the working directory and name the local server's URL."""
    text = _VAR_PATHS.sub(str(docs_env.cwd / "var") + "/", text)
    return re.sub(r"http://(127\.0\.0\.1|localhost):\d+", docs_env.server_url, text)


def ids(blocks: list[Block]) -> list[str]:
    return [block.id for block in blocks]


def skip_marked(block: Block) -> None:
    if block.skip_reason:
        pytest.skip(f"{block.id}: {block.skip_reason}")


PYTHON = all_blocks("python", "py")
TEMPLATES = all_blocks("django", "jinja", "jinja2", "html+django", "html+jinja")
CONSOLE = all_blocks("console", "shell-session")
SHELL = all_blocks("bash", "sh", "shell")
DOCUMENTS_BLOCKS = all_blocks("json", "yaml", "yml")
INI = all_blocks("ini")


class TestPythonBlocks:
    @pytest.mark.parametrize("block", PYTHON, ids=ids(PYTHON))
    def test_runs(self, block: Block, docs_env: DocsEnvironment) -> None:
        """The block runs to completion in its harness against the local AppConfig server."""
        skip_marked(block)
        code = localise(block.text, docs_env)
        kind = harness(block)
        if kind == "django-settings":
            (docs_env.cwd / "docs_settings.py").write_text(DJANGO_SETTINGS + "\n" + code)
            docs_env.env["DJANGO_SETTINGS_MODULE"] = "docs_settings"
            run_python(DJANGO_CHECK, docs_env)
        elif kind == "django":
            run_python(DJANGO_PRELUDE + "\n" + code + CLIENTS_HEALTHY, docs_env)
        elif kind == "flask":
            run_python(FLASK_PRELUDE + "\n" + code + CLIENTS_HEALTHY, docs_env)
        else:
            run_python(code + CLIENTS_HEALTHY, docs_env)

    def test_harness_markers_are_known(self) -> None:
        """Every ``<!-- snippet: ... -->`` marker names a harness or says skip."""
        for block in PYTHON + TEMPLATES + CONSOLE + SHELL + DOCUMENTS_BLOCKS:
            if block.marker is not None:
                assert block.skip_reason or harness(block) == block.marker, block.id


class TestTemplateBlocks:
    @pytest.mark.parametrize("block", TEMPLATES, ids=ids(TEMPLATES))
    def test_renders(self, block: Block, docs_env: DocsEnvironment) -> None:
        """The template compiles and renders with the flags the local server serves."""
        skip_marked(block)
        if block.language.startswith(("django", "html+django")):
            source = DJANGO_PRELUDE + textwrap.dedent(f"""
                from django.template import engines
                print(engines["django"].from_string({block.text!r}).render({{}}))
            """)
        else:
            source = FLASK_PRELUDE + textwrap.dedent(f"""
                from flask import render_template_string
                with app.test_request_context("/"):
                    print(render_template_string({block.text!r}, feature_name="beta"))
            """)
        run_python(source, docs_env)


def commands(text: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines (joined across backslash continuations) with the output shown."""
    found: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("$ "):
            if found:
                found[-1][1].append(line)
            continue
        command = line[2:]
        while command.endswith("\\") and index < len(lines):
            command = command[:-1] + " " + lines[index].strip()
            index += 1
        found.append((command, []))
    return [(command, _trim(output)) for command, output in found]


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return [line.rstrip() for line in lines]


def runnable(command: str) -> bool:
    words = shlex.split(command, comments=True)
    return bool(words) and (
        words[0] == "appconfig-flags"
        or (words[0] in {"python", "python3"} and words[1:3] == ["-m", "appconfig_core"])
        or (
            words[0] in {"python", "python3"}
            and words[1:2] == ["-m"]
            and words[2].startswith("appconfig_core.")
        )
    )


class TestConsoleBlocks:
    @pytest.mark.parametrize("block", CONSOLE, ids=ids(CONSOLE))
    def test_transcript_matches(self, block: Block, docs_env: DocsEnvironment) -> None:
        """Each command prints what the transcript shows (or succeeds, when it abbreviates)."""
        skip_marked(block)
        transcript = commands(block.text)
        assert transcript, f"{block.id}: a console block with no '$ ' command"
        for command, expected in transcript:
            if not runnable(command):
                continue
            result = run(["bash", "-c", localise(command, docs_env) + " 2>&1"], docs_env)
            if any("..." in line for line in expected):
                assert 0 == result.returncode, f"{command}\n{result.stdout}"
            else:
                assert expected == _trim(result.stdout.splitlines()), command


def shell_commands(text: str) -> list[str]:
    """The commands of a shell block, continuations joined, comments and prompts removed."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for raw in joined.splitlines():
        line = raw.strip().removeprefix("$ ")
        if line and not line.startswith("#"):
            found.append(line)
    return found


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, re.MULTILINE))


def extras() -> set[str]:
    """The extras declared in pyproject.toml (read without tomllib, which needs 3.11)."""
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([\w-]+)\s*=", section, re.MULTILINE))


def check_reference(command: str, where: str) -> None:
    """A command that is not run must at least name things that exist."""
    words = shlex.split(command, comments=True)
    if not words:
        return
    if words[0] == "make":
        for target in (w for w in words[1:] if not w.startswith("-") and "=" not in w):
            assert target in makefile_targets(), (
                f"{where}: `make {target}` is not a Makefile target"
            )
    if words[:2] == ["pip", "install"]:
        for spec in words[2:]:
            match = re.fullmatch(r"appconfig-flags\[([\w,-]+)\]", spec)
            if match:
                for extra in match[1].split(","):
                    assert extra in extras(), f"{where}: no extra {extra!r} in pyproject.toml"


class TestShellBlocks:
    @pytest.mark.parametrize("block", SHELL, ids=ids(SHELL))
    def test_commands(self, block: Block, docs_env: DocsEnvironment) -> None:
        """The library's own commands run; other commands name real targets and extras."""
        skip_marked(block)
        for written in shell_commands(block.text):
            command = localise(written, docs_env)
            if not runnable(command):
                check_reference(command, block.id)
            elif "appconfig_core.devserver" in command:
                assert_serves(command, docs_env)
            else:
                result = run(["bash", "-c", command], docs_env)
                assert 0 == result.returncode, f"{command}\n{result.stdout}{result.stderr}"


def assert_serves(command: str, docs_env: DocsEnvironment) -> None:
    """A server command must start and print its URL; it is then stopped."""
    (docs_env.cwd / "flags").mkdir(exist_ok=True)
    words = [*shlex.split(command, comments=True)]
    if "--port" not in words:
        words += ["--port", "0"]
    words[0] = sys.executable
    process = subprocess.Popen(
        words,
        cwd=docs_env.cwd,
        env=docs_env.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + TIMEOUT
        first = process.stdout.readline()
        assert time.monotonic() < deadline and "http://" in first, f"{command}: {first!r}"
    finally:
        process.terminate()
        process.wait(TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()


class TestDocumentBlocks:
    @pytest.mark.parametrize("block", DOCUMENTS_BLOCKS, ids=ids(DOCUMENTS_BLOCKS))
    def test_document_is_valid(self, block: Block) -> None:
        """A flag document in the docs compiles without problems; any other data parses."""
        skip_marked(block)
        loader = json.loads if block.language == "json" else yaml.safe_load
        document = loader(block.text)
        if detect_format(document) != RAW:
            compile_document(document)


class TestIniBlocks:
    @pytest.mark.parametrize("block", INI, ids=ids(INI))
    def test_parses(self, block: Block) -> None:
        """An ini block (a uWSGI or tool configuration) parses."""
        skip_marked(block)
        parser = configparser.ConfigParser(strict=False)
        parser.read_string(block.text)
        assert parser.sections()


class TestReferences:
    @pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
    def test_links_resolve(self, path: object) -> None:
        """Every relative link in the document points at a file that exists."""
        assert isinstance(path, type(ROOT))
        for target in links(path):
            assert (path.parent / target).exists(), f"{path.name}: broken link {target}"

    @pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
    def test_mentioned_files_and_targets_exist(self, path: object) -> None:
        """``make X`` and ``docs/x.md`` named in code are a Makefile target and a file."""
        assert isinstance(path, type(ROOT))
        for span in code_spans(path):
            for target in re.findall(r"(?:^|\$ )make ([a-z][\w-]*)", span):
                assert target in makefile_targets(), f"{path.name}: no Makefile target {target}"
            for doc in re.findall(r"\bdocs/[\w-]+\.md\b", span):
                assert (ROOT / doc).exists(), f"{path.name}: {doc} does not exist"

    def test_every_block_is_covered(self) -> None:
        """No fenced block has a language this test ignores, so none is silently unchecked."""
        known = {
            "python",
            "py",
            "django",
            "jinja",
            "jinja2",
            "html+django",
            "html+jinja",
            "console",
            "shell-session",
            "bash",
            "sh",
            "shell",
            "json",
            "yaml",
            "yml",
            "ini",
            "text",
            "",
        }
        from .markdown import blocks

        unknown = [b.id for path in DOCUMENTS for b in blocks(path) if b.language not in known]
        assert [] == unknown

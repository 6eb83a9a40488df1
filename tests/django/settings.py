"""Settings for the Django test project; importing them starts nothing and reads no file."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "tests.django.urls"
STATIC_URL = "/static/"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django_appconfig",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_appconfig.middleware.FlagsMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django_appconfig.context_processors.flags",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [HERE / "jinja2"],
        "OPTIONS": {"extensions": ["django_appconfig.jinja2.FlagsExtension"]},
    },
]

# Tests point APPCONFIG at their own files (see conftest.py); this default serves the
# read-only document next to this module.
APPCONFIG = {
    "SOURCE": "file",
    "FILE": str(HERE / "flags.json"),
    "POLL_INTERVAL": 0.05,
    "START_TIMEOUT": 2.0,
}

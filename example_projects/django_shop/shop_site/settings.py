"""Settings for the example shop.

Where the flags come from is chosen by environment variables, so one settings file serves
every way of running it (see README.md):

- ``SHOP_FLAGS_SOURCE``: ``appconfig`` (default: AppConfigData through boto3, which honours
  ``AWS_ENDPOINT_URL_APPCONFIGDATA`` for the local server), ``agent`` or ``file``;
- ``SHOP_FLAGS_FILE``: the flags file for ``file`` (default: the example flags);
- ``SHOP_AGENT_URL``: the AppConfig Agent for ``agent``;
- ``SHOP_APPLICATION``, ``SHOP_ENVIRONMENT``, ``SHOP_PROFILE``: default ``shop``, ``demo``,
  ``flags``;
- ``SHOP_FLAGS_CACHE``: a file to keep the last good flags in, for restarts during outages;
- ``SHOP_POLL_INTERVAL``: seconds between polls (AppConfig: 15 to 86400; default: what the
  source asks for).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
EXAMPLE_FLAGS = BASE_DIR.parent / "appconfig" / "shop:demo:flags.json"

SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "example-shop-not-secret")
DEBUG = os.environ.get("SHOP_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django_appconfig",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "shop.middleware.remember_visitor",
    "django_appconfig.middleware.FlagsMiddleware",
]

# Staff-only pages (the library's flags page) send visitors here to sign in with ?user=.
LOGIN_URL = "products"

# The visitor's name lives in a signed cookie, so the example needs no database.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
DATABASES: dict[str, dict[str, str]] = {}

ROOT_URLCONF = "shop_site.urls"
WSGI_APPLICATION = "shop_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "shop.views.visitor",
            ],
        },
    },
]

APPCONFIG = {
    "SOURCE": os.environ.get("SHOP_FLAGS_SOURCE", "appconfig"),
    "APPLICATION": os.environ.get("SHOP_APPLICATION", "shop"),
    "ENVIRONMENT": os.environ.get("SHOP_ENVIRONMENT", "demo"),
    "PROFILE": os.environ.get("SHOP_PROFILE", "flags"),
    "FILE": os.environ.get("SHOP_FLAGS_FILE", str(EXAMPLE_FLAGS)),
    "AGENT_URL": os.environ.get("SHOP_AGENT_URL", "http://localhost:2772"),
    "CACHE_PATH": os.environ.get("SHOP_FLAGS_CACHE") or None,
    "POLL_INTERVAL": int(os.environ["SHOP_POLL_INTERVAL"])
    if os.environ.get("SHOP_POLL_INTERVAL")
    else None,
    # Who the visitor is, for the rules of multi-variant flags: see shop/flags.py.
    "CONTEXT": "shop.flags.visitor_context",
    # Used until the first configuration arrives, and for flags it lacks.
    "DEFAULTS": {"new_checkout": False, "promo_banner": False},
    # What page scripts may read ({% flags_json %} in base.html, appconfig/flags.json).
    "BROWSER_FLAGS": {"new_checkout": [], "promo_banner": ["text"]},
    # QA overrides (?appconfig_flag_new_checkout=off) for staff (request.user.is_staff, see
    # shop/middleware.py) or any visitor while DEBUG is on.
    "OVERRIDES": True,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[django_shop] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "shop": {"handlers": ["console"], "level": "INFO"},
        "appconfig_core": {"handlers": ["console"], "level": "WARNING"},
        "django_appconfig": {"handlers": ["console"], "level": "WARNING"},
    },
}

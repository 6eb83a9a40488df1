"""Package discovery, which pyproject.toml cannot express for a folder mapped to another name.

`core/` is imported as `appconfig_core`, so its subpackages are found under `core/` and renamed;
the adapters are found where they are.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        "appconfig_core",
        *(f"appconfig_core.{name}" for name in find_packages("core")),
        *find_packages(include=["django_appconfig", "django_appconfig.*"]),
        *find_packages(include=["flask_appconfig", "flask_appconfig.*"]),
    ]
)

"""Ready-to-evaluate clients of this project and of each peer, all offline or on 127.0.0.1.

`Peers` builds each library the way its users run it with no network beyond this machine:
this project's `FlagClient` on a `StaticSource`, Powertools' `FeatureFlags` on its real
`AppConfigStore` reading the local AppConfig server, LaunchDarkly with its file data source,
Unleash bootstrapped from a dict with no registration, metrics or polling, and OpenFeature
with its in-memory provider (and this project's provider when it exists). A library that is
not installed is recorded in `missing` and left out.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from appconfig_core import FlagClient, StaticSource
from appconfig_core.devserver import DevServer

from . import _flags

LIBRARIES = {
    "appconfig-flags": "appconfig-flags",
    "powertools": "aws-lambda-powertools",
    "launchdarkly": "launchdarkly-server-sdk",
    "unleash": "UnleashClient",
    "openfeature": "openfeature-sdk",
    "django-waffle": "django-waffle",
}

APPLICATION, ENVIRONMENT = "bench", "prod"
FAKE_AWS = {
    "region_name": "us-east-1",
    "aws_access_key_id": "bench",
    "aws_secret_access_key": "bench",
}


def version_of(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def appconfigdata_client(url: str) -> Any:
    """A boto3 ``appconfigdata`` client for the local server (fake credentials)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
    return boto3.client("appconfigdata", endpoint_url=url, config=config, **FAKE_AWS)


class Peers(contextlib.ExitStack):
    """Every library's client, built once and closed on exit."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: dict[str, str] = {}
        self.dir = Path(self.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        self.ours = self._ours(_flags.ours_document())
        self.ours_fifty = self._ours(_flags.ours_fifty())
        self.ours_powertools = self._ours(_flags.powertools_document())
        self.ours_openfeature: Any = None
        self.server: DevServer | None = None
        self.powertools: Any = self._try("powertools", self._powertools)
        self.powertools_fifty: Any = (
            self._powertools("fifty", _flags.powertools_fifty()) if self.powertools else None
        )
        self.launchdarkly: Any = self._try("launchdarkly", self._launchdarkly)
        self.launchdarkly_fifty: Any = self._launchdarkly(fifty=True) if self.launchdarkly else None
        self.unleash: Any = self._try("unleash", self._unleash)
        self.openfeature: Any = self._try("openfeature", self._openfeature)

    def _try(self, library: str, build: Any) -> Any:
        if version_of(LIBRARIES[library]) is None:
            self.missing[library] = "not installed"
            return None
        return build()

    def _ours(self, document: dict[str, Any]) -> FlagClient:
        client = FlagClient(StaticSource(document), start_timeout=5.0)
        if not client.start():
            raise RuntimeError("the benchmark's StaticSource client did not load")
        self.callback(client.close)
        return client

    def _server(self) -> DevServer:
        if self.server is None:
            root = self.dir / "profiles"
            root.mkdir()
            self.server = self.enter_context(DevServer(root, port=0))
        return self.server

    def _powertools(self, profile: str = "flags", document: Any = None) -> Any:
        from aws_lambda_powertools.utilities.feature_flags import AppConfigStore, FeatureFlags

        server = self._server()
        body = json.dumps(_flags.powertools_document() if document is None else document)
        (server.root / f"{APPLICATION}:{ENVIRONMENT}:{profile}.json").write_text(body)
        store = AppConfigStore(
            environment=ENVIRONMENT,
            application=APPLICATION,
            name=profile,
            max_age=3600,  # no refetch during a run: every evaluate is a cache hit
            boto3_client=appconfigdata_client(server.url),
        )
        flags = FeatureFlags(store=store)
        flags.evaluate(name="plain", default=False)
        return flags

    def _launchdarkly(self, *, fifty: bool = False) -> Any:
        from ldclient.client import LDClient
        from ldclient.config import Config
        from ldclient.integrations import Files

        logging.getLogger("ldclient").setLevel(logging.WARNING)
        path = self.dir / f"launchdarkly{'-fifty' if fifty else ''}.json"
        path.write_text(json.dumps(_flags.launchdarkly_data(fifty=fifty)))
        config = Config(
            "bench-sdk-key",
            update_processor_class=Files.new_data_source(paths=[str(path)]),
            send_events=False,
            diagnostic_opt_out=True,
        )
        client = LDClient(config=config, start_wait=5)
        self.callback(client.close)
        if not client.is_initialized():
            raise RuntimeError("LaunchDarkly did not initialise from its flag file")
        return client

    def _unleash(self) -> Any:
        from UnleashClient import UnleashClient
        from UnleashClient.cache import FileCache
        from UnleashClient.utils import InstanceAllowType

        logging.getLogger("UnleashClient").setLevel(logging.ERROR)
        cache = FileCache("bench", directory=str(self.dir / "unleash"))
        cache.bootstrap_from_dict(_flags.unleash_state())
        client = UnleashClient(
            url="http://127.0.0.1:9/never-called",
            app_name="bench",
            disable_metrics=True,
            disable_registration=True,
            cache=cache,
            multiple_instance_mode=InstanceAllowType.SILENTLY_ALLOW,
        )
        self.callback(client.destroy)
        return client

    def _openfeature(self) -> Any:
        from openfeature import api
        from openfeature.provider.in_memory_provider import InMemoryFlag, InMemoryProvider

        provider = InMemoryProvider({"plain": InMemoryFlag("on", {"on": True, "off": False})})
        api.set_provider_and_wait(provider, domain="bench-in-memory")
        self.callback(_release_domain, "bench-in-memory")
        try:
            from appconfig_core.openfeature import AppConfigProvider  # type: ignore[import-not-found]
        except ImportError:
            self.missing["appconfig-flags OpenFeature provider"] = "not written yet"
        else:
            api.set_provider_and_wait(AppConfigProvider(self.ours), domain="bench-ours")
            self.callback(_release_domain, "bench-ours")
            self.ours_openfeature = api.get_client("bench-ours")
        return api.get_client("bench-in-memory")


def _release_domain(domain: str) -> None:
    """Leave other users of OpenFeature's global registry as they were (no clear_providers)."""
    from openfeature import api
    from openfeature.provider.no_op_provider import NoOpProvider

    api.set_provider_and_wait(NoOpProvider(), domain=domain)


def launchdarkly_context(values: dict[str, Any]) -> Any:
    """The LaunchDarkly context for one of `_flags`' context dicts."""
    from ldclient import Context

    builder = Context.builder(values["userId"])
    for key, value in values.items():
        if key != "userId":
            builder.set(key, value)
    return builder.build()


def openfeature_context(values: dict[str, Any]) -> Any:
    """The OpenFeature evaluation context for one of `_flags`' context dicts."""
    from openfeature.evaluation_context import EvaluationContext

    attributes = {k: v for k, v in values.items() if k != "userId"}
    return EvaluationContext(targeting_key=values["userId"], attributes=attributes)

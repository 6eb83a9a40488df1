"""Tests for the OpenFeature provider, driven through the real openfeature-sdk API."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext
from openfeature.event import EventDetails, ProviderEvent
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagEvaluationDetails, Reason
from openfeature.hook import Hook, HookContext, HookHints
from openfeature.provider import ProviderStatus

from appconfig_core import ConfigurationError, FetchResult, FileSource, FlagClient, StaticSource
from appconfig_core.errors import FetchError
from appconfig_core.openfeature import PROVIDER_NAME, AppConfigProvider
from tests.support import wait_until

WAIT = 5.0

FLAGS: dict[str, Any] = {
    "checkout": {
        "enabled": True,
        "color": "red",
        "limit": 5,
        "ratio": 1,
        "share": 0.25,
        "beta": True,
        "tags": ["a", "b"],
        "nested": {"depth": {"n": 1}},
    },
    "dark_mode": {"enabled": False},
}

VARIANTS: dict[str, Any] = {
    "version": "1",
    "flags": {
        "exp": {"name": "Experiment", "attributes": {"color": {"constraints": {"type": "string"}}}}
    },
    "values": {
        "exp": {
            "_variants": [
                {
                    "name": "alice",
                    "enabled": True,
                    "rule": '(eq $targetingKey "alice")',
                    "attributeValues": {"color": "green"},
                },
                {
                    "name": "staff",
                    "enabled": True,
                    "rule": '(eq $userId "carol")',
                    "attributeValues": {"color": "purple"},
                },
                {
                    "name": "everyone",
                    "enabled": True,
                    "rule": "(split pct::100 by::$targetingKey)",
                    "attributeValues": {"color": "blue"},
                },
                {"name": "off", "enabled": False},
            ]
        }
    },
}

POWERTOOLS: dict[str, Any] = {
    "banner": {
        "default": "blue",
        "boolean_type": False,
        "rules": {
            "vip": {
                "when_match": "gold",
                "conditions": [{"action": "EQUALS", "key": "tier", "value": "vip"}],
            }
        },
    },
    "quota": {"default": 10, "boolean_type": False},
    "layout": {"default": {"columns": 3}, "boolean_type": False},
    "ops.kill_switch": {"default": True},
}


class SwitchSource:
    """A StaticSource that can be made to fail (and to hold its first fetch) on demand."""

    description = "switch source"

    def __init__(self, document: Any, *, hold: bool = False) -> None:
        self.inner = StaticSource(document, poll_interval=0.01)
        self.failing = False
        self.gate = threading.Event()
        if not hold:
            self.gate.set()

    def fetch(self) -> FetchResult:
        self.gate.wait(WAIT)
        if self.failing:
            raise FetchError("source down", retry_after=0.01)
        return self.inner.fetch()

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.gate.set()


class Events:
    """Collects the events our provider sends to API- or client-level handlers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.seen: list[tuple[ProviderEvent, EventDetails]] = []

    def listen(self, *events: ProviderEvent, client: OpenFeatureClient | None = None) -> Events:
        for event in events:
            handler = partial(self._record, event)
            if client is None:
                api.add_handler(event, handler)
            else:
                client.add_handler(event, handler)
        return self

    def _record(self, event: ProviderEvent, details: EventDetails) -> None:
        if details.provider_name != PROVIDER_NAME:
            return  # the SDK's no-op provider announces itself to handlers added early
        with self._cond:
            self.seen.append((event, details))
            self._cond.notify_all()

    def of(self, event: ProviderEvent) -> list[EventDetails]:
        with self._cond:
            return [details for kind, details in self.seen if kind is event]

    def wait_for(self, event: ProviderEvent, count: int = 1) -> list[EventDetails]:
        with self._cond:
            done = self._cond.wait_for(lambda: len(self.of(event)) >= count, WAIT)
        assert done, f"expected {count} {event.name} event(s), saw {self.seen}"
        return self.of(event)


@pytest.fixture(autouse=True)
def _reset_openfeature() -> Iterator[None]:
    api.shutdown()
    yield
    api.shutdown()


@pytest.fixture(name="make_client")
def _make_client() -> Iterator[Callable[..., FlagClient]]:
    clients: list[FlagClient] = []

    def make(document: Any = FLAGS, *, source: Any = None, **kwargs: Any) -> FlagClient:
        kwargs.setdefault("start_timeout", 2.0)
        client = FlagClient(source or StaticSource(document, poll_interval=0.01), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close(timeout=1.0)


@pytest.fixture(name="of_client")
def _of_client(make_client: Callable[..., FlagClient]) -> Callable[..., OpenFeatureClient]:
    def register(document: Any = FLAGS, **kwargs: Any) -> OpenFeatureClient:
        provider_options = {
            key: kwargs.pop(key) for key in ("targeting_key_names", "stale_after") if key in kwargs
        }
        api.set_provider_and_wait(
            AppConfigProvider(make_client(document, **kwargs), **provider_options)
        )
        return api.get_client()

    return register


def details(client: OpenFeatureClient, kind: str, key: str, default: Any, **ctx: Any) -> Any:
    getter = getattr(client, f"get_{kind}_details")
    context = EvaluationContext(ctx.pop("targeting_key", None), ctx) if ctx else None
    result: FlagEvaluationDetails[Any] = getter(key, default, context)
    return result


class TestImport:
    def test_core_does_not_import_openfeature(self) -> None:
        """Importing appconfig_core leaves openfeature unimported, so the extra stays optional."""
        code = "import sys, appconfig_core; print('openfeature' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "False" == out.stdout.strip()


class TestConstruction:
    def test_needs_a_flag_client(self) -> None:
        """Anything but a FlagClient is refused with a message naming what to pass."""
        with pytest.raises(ConfigurationError, match="needs a FlagClient, not StaticSource"):
            AppConfigProvider(StaticSource({}))  # type: ignore[arg-type]

    @pytest.mark.parametrize("names", ["userId", ("",), (1,)])
    def test_targeting_key_names_must_be_strings(
        self, make_client: Callable[..., FlagClient], names: Any
    ) -> None:
        """A bare string or a non-string name is refused rather than split into letters."""
        with pytest.raises(ConfigurationError, match="targeting_key_names"):
            AppConfigProvider(make_client(), targeting_key_names=names)

    @pytest.mark.parametrize("value", [0, -1, True, 1.5])
    def test_stale_after_is_a_positive_integer(
        self, make_client: Callable[..., FlagClient], value: Any
    ) -> None:
        """stale_after below one or not an integer is refused."""
        with pytest.raises(ConfigurationError, match="stale_after must be an integer >= 1"):
            AppConfigProvider(make_client(), stale_after=value)

    def test_metadata_and_hooks(self, make_client: Callable[..., FlagClient]) -> None:
        """The provider names itself and adds no provider hooks."""
        provider = AppConfigProvider(make_client())
        assert PROVIDER_NAME == provider.get_metadata().name
        assert [] == provider.get_provider_hooks()


class TestBoolean:
    def test_enabled_flag(self, make_client: Callable[..., FlagClient]) -> None:
        """A plain flag resolves to its enabled value, reason STATIC, with the version."""
        flag_client = make_client()
        api.set_provider_and_wait(AppConfigProvider(flag_client))
        result = details(api.get_client(), "boolean", "checkout", False)
        assert (True, Reason.STATIC, None) == (result.value, result.reason, result.error_code)
        assert {"version": flag_client.status.version} == result.flag_metadata

    def test_disabled_flag(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A disabled flag resolves to False, not to the caller's default."""
        assert False is of_client().get_boolean_value("dark_mode", True)

    def test_missing_flag(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A missing flag gives the default with FLAG_NOT_FOUND and reason ERROR."""
        result = details(of_client(), "boolean", "nope", True)
        assert (True, Reason.ERROR, ErrorCode.FLAG_NOT_FOUND) == (
            result.value,
            result.reason,
            result.error_code,
        )
        assert "no flag named 'nope'" in result.error_message

    def test_boolean_attribute(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """ "flag.attribute" reads a boolean attribute."""
        assert True is of_client().get_boolean_value("checkout.beta", False)

    def test_client_defaults_answer(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A flag only the client's defaults know resolves with reason DEFAULT."""
        result = details(of_client(defaults={"later": True}), "boolean", "later", False)
        assert (True, Reason.DEFAULT) == (result.value, result.reason)


class TestTypedValues:
    @pytest.mark.parametrize(
        ("kind", "key", "default", "expected"),
        [
            ("string", "checkout.color", "", "red"),
            ("integer", "checkout.limit", 0, 5),
            ("float", "checkout.share", 0.0, 0.25),
            ("float", "checkout.ratio", 0.0, 1.0),
            ("object", "checkout.tags", {}, ["a", "b"]),
            ("object", "checkout.nested", {}, {"depth": {"n": 1}}),
        ],
    )
    def test_attribute_values(
        self,
        of_client: Callable[..., OpenFeatureClient],
        kind: str,
        key: str,
        default: Any,
        expected: Any,
    ) -> None:
        """Each typed getter reads the attribute named after the dot, in the flag's reason."""
        result = details(of_client(), kind, key, default)
        assert (expected, Reason.STATIC, None) == (result.value, result.reason, result.error_code)
        assert type(expected) is type(result.value)

    def test_object_is_the_attributes_as_a_plain_dict(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The flag as an object is its attributes; mutating the copy leaves the flag unchanged."""
        client = of_client()
        value = client.get_object_value("checkout", {})
        assert dict is type(value)
        assert {"depth": {"n": 1}} == value["nested"]
        value["nested"]["depth"]["n"] = 99
        value["color"] = "changed"
        again = client.get_object_value("checkout", {})
        assert ("red", 1) == (again["color"], again["nested"]["depth"]["n"])

    @pytest.mark.parametrize(
        ("kind", "key", "default"),
        [
            ("integer", "checkout.color", 7),
            ("integer", "checkout.beta", 7),
            ("integer", "checkout.share", 7),
            ("float", "checkout.beta", 0.5),
            ("string", "checkout.limit", "x"),
            ("boolean", "checkout.color", False),
            ("object", "checkout.color", {"d": 1}),
            ("string", "checkout", "x"),
        ],
    )
    def test_wrong_type_is_a_type_mismatch(
        self, of_client: Callable[..., OpenFeatureClient], kind: str, key: str, default: Any
    ) -> None:
        """A value of another type gives the default with TYPE_MISMATCH (a bool is no integer)."""
        result = details(of_client(), kind, key, default)
        assert (default, Reason.ERROR, ErrorCode.TYPE_MISMATCH) == (
            result.value,
            result.reason,
            result.error_code,
        )

    def test_on_off_flag_read_as_string_explains_the_key_convention(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """Reading an on/off flag as a string says how to name one of its attributes."""
        result = details(of_client(), "string", "checkout", "x")
        assert '"checkout.<attribute>"' in result.error_message

    def test_missing_attribute_of_enabled_flag(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """An enabled flag without the attribute gives FLAG_NOT_FOUND naming both."""
        result = details(of_client(), "string", "checkout.size", "m")
        assert ("m", ErrorCode.FLAG_NOT_FOUND) == (result.value, result.error_code)
        assert "flag 'checkout' has no attribute 'size'" == result.error_message

    def test_disabled_flag_attribute_is_the_default(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A disabled flag (no attributes on the wire) gives the default with reason DISABLED."""
        client = of_client()
        text = details(client, "string", "dark_mode.theme", "light")
        whole = details(client, "object", "dark_mode", {"theme": "light"})
        assert ("light", Reason.DISABLED, None) == (text.value, text.reason, text.error_code)
        assert ({"theme": "light"}, Reason.DISABLED) == (whole.value, whole.reason)

    @settings(max_examples=40, deadline=None)
    @given(
        value=st.one_of(
            st.booleans(),
            st.integers(-(2**40), 2**40),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=5),
            st.lists(st.integers(), max_size=3),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
        )
    )
    def test_exactly_the_matching_getters_accept_a_value(
        self, bare_provider: AppConfigProvider, value: Any
    ) -> None:
        """For any JSON value, a getter returns it when its type fits and TYPE_MISMATCH otherwise."""
        fits = {
            "boolean": isinstance(value, bool),
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "object": isinstance(value, list | dict),
        }
        defaults = {"boolean": False, "string": "", "integer": 0, "float": 0.0, "object": {}}
        with bare_provider.client.override({"f": {"enabled": True, "v": value}}):
            for kind, ok in fits.items():
                resolve = getattr(bare_provider, f"resolve_{kind}_details")
                result = resolve("f.v", defaults[kind], None)
                if ok:
                    assert (value, None) == (result.value, result.error_code)
                else:
                    assert ErrorCode.TYPE_MISMATCH == result.error_code


@pytest.fixture(scope="module", name="bare_provider")
def _bare_provider() -> Iterator[AppConfigProvider]:
    """A provider over a never-started client, for property tests that use overrides."""
    flag_client = FlagClient(StaticSource({}))
    yield AppConfigProvider(flag_client)
    flag_client.close()


class TestPowertools:
    @pytest.mark.parametrize(
        ("kind", "key", "default", "expected"),
        [
            ("string", "banner", "", "blue"),
            ("integer", "quota", 0, 10),
            ("float", "quota", 0.0, 10.0),
            ("object", "layout", {}, {"columns": 3}),
        ],
    )
    def test_non_boolean_feature_value(
        self,
        of_client: Callable[..., OpenFeatureClient],
        kind: str,
        key: str,
        default: Any,
        expected: Any,
    ) -> None:
        """A non-boolean Powertools feature resolves to its value under its own name."""
        result = details(of_client(POWERTOOLS, format="powertools"), kind, key, default)
        assert (expected, None) == (result.value, result.error_code)

    def test_rule_match(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A matching rule gives its value, TARGETING_MATCH and the rule's name as variant."""
        client = of_client(POWERTOOLS, format="powertools")
        result = details(client, "string", "banner", "", tier="vip")
        assert ("gold", Reason.TARGETING_MATCH, "vip") == (
            result.value,
            result.reason,
            result.variant,
        )
        fallback = details(client, "string", "banner", "", tier="basic")
        assert ("blue", Reason.DEFAULT) == (fallback.value, fallback.reason)

    def test_non_boolean_feature_read_as_boolean(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A non-boolean feature is not a boolean: TYPE_MISMATCH, not its truthiness."""
        result = details(of_client(POWERTOOLS, format="powertools"), "boolean", "banner", False)
        assert (False, ErrorCode.TYPE_MISMATCH) == (result.value, result.error_code)

    def test_feature_name_with_a_dot(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A feature whose name contains a dot is found by its whole name first."""
        client = of_client(POWERTOOLS, format="powertools")
        assert True is client.get_boolean_value("ops.kill_switch", False)


class TestContext:
    def test_targeting_key_drives_rules(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """The targeting key reaches rules as $targetingKey; the variant and reason follow."""
        client = of_client(VARIANTS)
        alice = details(client, "string", "exp.color", "", targeting_key="alice")
        bob = details(client, "string", "exp.color", "", targeting_key="bob")
        assert ("green", "alice", Reason.TARGETING_MATCH) == (
            alice.value,
            alice.variant,
            alice.reason,
        )
        assert ("blue", "everyone", Reason.SPLIT) == (bob.value, bob.variant, bob.reason)

    def test_no_rule_matches(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """Without a context the default variant answers, reason DEFAULT."""
        result = details(of_client(VARIANTS), "boolean", "exp", True)
        assert (False, "off", Reason.DEFAULT) == (result.value, result.variant, result.reason)

    def test_targeting_key_aliases(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """targeting_key_names copies the targeting key to other context keys too."""
        client = of_client(VARIANTS, targeting_key_names=("targetingKey", "userId"))
        result = details(client, "string", "exp.color", "", targeting_key="carol")
        assert ("purple", "staff") == (result.value, result.variant)

    def test_context_dict(self, make_client: Callable[..., FlagClient]) -> None:
        """Attributes pass through; the targeting key overrides an attribute of the same name."""
        provider = AppConfigProvider(make_client(), targeting_key_names=("userId",))
        context = EvaluationContext("u1", {"userId": "other", "plan": "pro"})
        assert {"userId": "u1", "plan": "pro"} == provider.context_for(context)
        assert {"plan": "pro"} == provider.context_for(EvaluationContext(None, {"plan": "pro"}))
        assert {} == provider.context_for(None)

    def test_global_context_merges(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """OpenFeature's API-level context reaches the rules like an invocation context."""
        client = of_client(VARIANTS)
        api.set_evaluation_context(EvaluationContext("alice"))
        assert "green" == client.get_string_value("exp.color", "")


class TestLifecycle:
    def test_set_provider_does_not_block(self, make_client: Callable[..., FlagClient]) -> None:
        """set_provider returns at once; until ready the SDK answers PROVIDER_NOT_READY."""
        source = SwitchSource(FLAGS, hold=True)
        events = Events().listen(ProviderEvent.PROVIDER_READY)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=WAIT)))
        client = api.get_client()
        early = details(client, "boolean", "checkout", False)
        assert (False, ErrorCode.PROVIDER_NOT_READY) == (early.value, early.error_code)
        source.gate.set()
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert ProviderStatus.READY == client.get_provider_status()
        assert True is client.get_boolean_value("checkout", False)

    def test_never_ready_then_recovers(self, make_client: Callable[..., FlagClient]) -> None:
        """No document in time gives PROVIDER_ERROR; the first document later gives READY."""
        source = SwitchSource(FLAGS)
        source.failing = True
        events = Events().listen(ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.5)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_NOT_READY == error.error_code
        client = api.get_client()
        assert ProviderStatus.ERROR == client.get_provider_status()
        result = details(client, "boolean", "checkout", False)
        assert (False, ErrorCode.PROVIDER_NOT_READY) == (result.value, result.error_code)
        source.failing = False
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert True is client.get_boolean_value("checkout", False)

    def test_invalid_document_is_a_parse_error(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A document that does not parse gives PROVIDER_ERROR and evaluations with PARSE_ERROR."""
        source = StaticSource(b"{not json", content_type="application/json", poll_interval=0.01)
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.5)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PARSE_ERROR == error.error_code
        result = details(api.get_client(), "boolean", "checkout", False)
        assert (False, ErrorCode.PARSE_ERROR) == (result.value, result.error_code)

    def test_closed_client_is_fatal(self, make_client: Callable[..., FlagClient]) -> None:
        """A client that cannot start makes the provider FATAL; evaluations say so."""
        flag_client = make_client()
        flag_client.close()
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(flag_client))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_FATAL == error.error_code
        result = details(api.get_client(), "boolean", "checkout", True)
        assert (True, ErrorCode.PROVIDER_FATAL) == (result.value, result.error_code)

    def test_shutdown_leaves_a_shared_client_running(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """By default shutdown does not close the client, which other code may be using."""
        flag_client = make_client()
        api.set_provider_and_wait(AppConfigProvider(flag_client))
        api.shutdown()
        assert True is flag_client.start()
        assert True is flag_client.is_enabled("checkout")

    def test_shutdown_closes_an_owned_client(self, make_client: Callable[..., FlagClient]) -> None:
        """With close_client=True, shutdown closes the client."""
        flag_client = make_client()
        api.set_provider_and_wait(AppConfigProvider(flag_client, close_client=True))
        api.shutdown()
        with pytest.raises(ConfigurationError, match="was closed"):
            flag_client.start()

    def test_no_events_after_shutdown(self, make_client: Callable[..., FlagClient]) -> None:
        """After shutdown the provider no longer listens to the client."""
        source = StaticSource(FLAGS, poll_interval=0.01)
        flag_client = make_client(source=source)
        provider = AppConfigProvider(flag_client)
        emitted: list[ProviderEvent] = []
        provider.attach(lambda _p, event, _d: emitted.append(event))
        provider.initialize(EvaluationContext())
        provider.shutdown()
        seen = threading.Event()
        flag_client.on_change(lambda _e: seen.set())
        source.update({"checkout": {"enabled": False}})
        assert seen.wait(WAIT)
        assert [] == emitted

    def test_reinitialized_provider_emits_each_change_once(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """Initialize, shutdown, initialize again: one listener, so one event per change."""
        source = StaticSource(FLAGS, poll_interval=0.01)
        flag_client = make_client(source=source)
        provider = AppConfigProvider(flag_client)
        emitted: list[ProviderEvent] = []
        provider.attach(lambda _p, event, _d: emitted.append(event))
        provider.initialize(EvaluationContext())
        provider.shutdown()
        provider.initialize(EvaluationContext())
        seen = threading.Event()
        flag_client.on_change(lambda _e: seen.set())
        source.update({"checkout": {"enabled": False}})
        assert seen.wait(WAIT)
        assert [ProviderEvent.PROVIDER_CONFIGURATION_CHANGED] == emitted

    def test_async_evaluation(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """The SDK's async getters resolve through the same provider."""
        client = of_client()
        assert "red" == asyncio.run(client.get_string_value_async("checkout.color", ""))


class TestEvents:
    def test_configuration_changed_names_the_changed_flags(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A real change through a StaticSource fires CONFIGURATION_CHANGED with its flag keys."""
        source = StaticSource(FLAGS, poll_interval=0.01)
        api.set_provider_and_wait(AppConfigProvider(make_client(source=source)))
        events = Events().listen(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        source.update({**FLAGS, "dark_mode": {"enabled": True}, "new": {"enabled": True}})
        (change,) = events.wait_for(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        assert ["dark_mode", "new"] == change.flags_changed
        assert PROVIDER_NAME == change.provider_name
        client = api.get_client()
        assert (
            change.metadata["version"]
            == details(client, "boolean", "new", False).flag_metadata["version"]
        )
        assert True is client.get_boolean_value("dark_mode", False)

    def test_file_change_reaches_client_handlers(
        self, make_client: Callable[..., FlagClient], tmp_path: Path
    ) -> None:
        """Editing a FileSource's file fires the client-level handler with the changed key."""
        path = tmp_path / "flags.json"
        path.write_text(json.dumps(FLAGS))
        flag_client = make_client(source=FileSource(path, poll_interval=0.01))
        api.set_provider_and_wait(AppConfigProvider(flag_client))
        client = api.get_client()
        events = Events().listen(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, client=client)
        changed = {**FLAGS, "checkout": {**FLAGS["checkout"], "color": "a much longer color"}}
        tmp = tmp_path / "flags.tmp"
        tmp.write_text(json.dumps(changed))
        tmp.replace(path)
        (change,) = events.wait_for(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        assert ["checkout"] == change.flags_changed
        assert "a much longer color" == client.get_string_value("checkout.color", "")

    def test_stale_after_consecutive_failures_then_ready(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """STALE comes after stale_after failures, READY again with the next change."""
        source = SwitchSource(FLAGS)
        flag_client = make_client(source=source)
        api.set_provider_and_wait(AppConfigProvider(flag_client, stale_after=2))
        client = api.get_client()
        events = Events().listen(
            ProviderEvent.PROVIDER_STALE,
            ProviderEvent.PROVIDER_READY,
            ProviderEvent.PROVIDER_CONFIGURATION_CHANGED,
        )
        events.wait_for(ProviderEvent.PROVIDER_READY)  # the immediate one: already ready
        failures: list[int] = []
        failed = threading.Condition()

        def count(_error: BaseException) -> None:
            with failed:
                failures.append(flag_client.status.consecutive_failures)
                failed.notify_all()

        flag_client.on_error(count)  # runs after the provider's own listener
        source.failing = True
        with failed:
            assert failed.wait_for(lambda: len(failures) >= 1, WAIT)
            assert 1 == failures[0]
            assert ProviderStatus.READY == client.get_provider_status()
            assert failed.wait_for(lambda: len(failures) >= 2, WAIT)
        assert ProviderStatus.STALE == client.get_provider_status()
        (stale,) = events.wait_for(ProviderEvent.PROVIDER_STALE)
        assert "serving version" in stale.message
        assert True is client.get_boolean_value("checkout", False)  # still served
        source.inner.update({"checkout": {"enabled": False}})
        source.failing = False
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)
        events.wait_for(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        assert ProviderStatus.READY == client.get_provider_status()

    def test_stale_recovers_without_a_change(self, make_client: Callable[..., FlagClient]) -> None:
        """A successful fetch of unchanged content ends STALE on the next evaluation."""
        source = SwitchSource(FLAGS)
        flag_client = make_client(source=source)
        api.set_provider_and_wait(AppConfigProvider(flag_client, stale_after=1))
        client = api.get_client()
        events = Events().listen(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY)
        source.failing = True
        events.wait_for(ProviderEvent.PROVIDER_STALE)
        source.failing = False
        assert wait_until(lambda: flag_client.status.consecutive_failures == 0, WAIT)
        assert True is client.get_boolean_value("checkout", False)
        assert ProviderStatus.READY == client.get_provider_status()
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)

    def test_a_rejected_version_is_stale_at_once_until_a_good_one(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """One rejected version makes the provider STALE (not after stale_after), a valid one READY."""
        source = StaticSource(FLAGS, poll_interval=0.01)
        flag_client = make_client(source=source)
        api.set_provider_and_wait(AppConfigProvider(flag_client, stale_after=1000))
        client = api.get_client()
        events = Events().listen(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY)
        events.wait_for(ProviderEvent.PROVIDER_READY)
        source.update([], version="bad")
        (stale,) = events.wait_for(ProviderEvent.PROVIDER_STALE)
        assert "version bad" in (stale.message or "") and "rejected" in (stale.message or "")
        assert ProviderStatus.STALE == client.get_provider_status()
        assert True is client.get_boolean_value("checkout", False)  # last good still served
        source.update({**FLAGS, "new": {"enabled": True}}, version="good")
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)
        assert ProviderStatus.READY == client.get_provider_status()
        assert True is client.get_boolean_value("new", False)

    def test_serving_the_cache_goes_stale_at_the_next_failure(
        self, make_client: Callable[..., FlagClient], tmp_path: Path
    ) -> None:
        """Started from the disk cache, the provider is READY, then STALE at the next failure."""
        cache = tmp_path / "flags.cache"
        first = make_client(source=SwitchSource(FLAGS), cache_path=cache)
        assert first.start()
        first.close()
        source = SwitchSource(FLAGS)
        source.failing = True
        flag_client = make_client(source=source, cache_path=cache, start_timeout=0.5)
        events = Events().listen(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE)
        api.set_provider(AppConfigProvider(flag_client, stale_after=1000))
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert "cache" == flag_client.status.origin
        events.wait_for(ProviderEvent.PROVIDER_STALE)
        assert True is api.get_client().get_boolean_value("checkout", False)


class RecordingHook(Hook):
    """Records the hook stages OpenFeature runs, with the details it passes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def before(self, hook_context: HookContext, hints: HookHints) -> EvaluationContext | None:
        self.calls.append(("before", hook_context.flag_key))
        return EvaluationContext("alice")

    def after(
        self, hook_context: HookContext, details: FlagEvaluationDetails[Any], hints: HookHints
    ) -> None:
        self.calls.append(("after", details.value))

    def error(self, hook_context: HookContext, exception: Exception, hints: HookHints) -> None:
        self.calls.append(("error", type(exception).__name__))

    def finally_after(
        self, hook_context: HookContext, details: FlagEvaluationDetails[Any], hints: HookHints
    ) -> None:
        self.calls.append(("finally", details.reason))


class TestHooks:
    def test_hooks_see_resolutions(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """API hooks run around a resolution, and a context from `before` reaches the rules."""
        client = of_client(VARIANTS)
        hook = RecordingHook()
        api.add_hooks([hook])
        assert "green" == client.get_string_value("exp.color", "")
        assert [
            ("before", "exp.color"),
            ("after", "green"),
            ("finally", Reason.TARGETING_MATCH),
        ] == hook.calls

    def test_error_hook_on_missing_flag(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A missing flag runs the error hook with OpenFeature's FlagNotFoundError."""
        client = of_client()
        hook = RecordingHook()
        client.add_hooks([hook])
        assert False is client.get_boolean_value("nope", False)
        assert ("error", "FlagNotFoundError") in hook.calls
        assert ("after", False) not in hook.calls

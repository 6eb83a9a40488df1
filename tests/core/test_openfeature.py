"""The OpenFeature provider against the specification, one test per requirement id.

Everything goes through the real openfeature-sdk API (``api.get_client()`` getters, handlers,
hooks) over a real `FlagClient`; docs/openfeature.md maps each requirement to these tests.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext
from openfeature.event import EventDetails, ProviderEvent
from openfeature.exception import ErrorCode, OpenFeatureError
from openfeature.flag_evaluation import FlagEvaluationDetails, Reason
from openfeature.hook import Hook, HookContext
from openfeature.provider import ProviderStatus
from openfeature.track import TrackingEventDetails

from appconfig_core import ConfigurationError, FetchResult, FlagClient, StaticSource
from appconfig_core.errors import FetchError, ResourceNotFoundError
from appconfig_core.openfeature import PROVIDER_NAME, AppConfigProvider
from tests.support import wait_until

WAIT = 5.0


def _typed(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "attributes": {"value": {"constraints": {"type": kind}}}}


#: The stored form, as written to an AWS.AppConfig.FeatureFlags profile.
STORED: dict[str, Any] = {
    "version": "1",
    "flags": {
        "greeting": {
            **_typed("Greeting", "string"),
            "description": "The banner text",
            "_deprecation": {"status": "planned", "date": "2031-01-31"},
        },
        "limit": _typed("Limit", "number"),
        "ratio": _typed("Ratio", "number"),
        "tags": _typed("Tags", "array"),
        "plain": {"name": "Plain", "attributes": {"beta": {}}},
        "dormant": _typed("Dormant", "string"),
        "solo": _typed("Solo", "string"),
        "exp": _typed("Experiment", "string"),
        "region": {"name": "Region"},
        "nobody": {"name": "Nobody yet"},
        "everyone": {"name": "Everyone"},
    },
    "values": {
        "greeting": {"enabled": True, "value": "hello"},
        "limit": {"enabled": True, "value": 10},
        "ratio": {"enabled": True, "value": 0.5},
        "tags": {"enabled": True, "value": ["a", "b"]},
        "plain": {"enabled": True, "beta": True},
        "dormant": {"enabled": False},
        "solo": {
            "_variants": [{"name": "only", "enabled": True, "attributeValues": {"value": "x"}}]
        },
        "exp": {
            "_variants": [
                {
                    "name": "vip",
                    "enabled": True,
                    "rule": '(eq $tier "vip")',
                    "attributeValues": {"value": "gold"},
                },
                {
                    "name": "rollout",
                    "enabled": True,
                    "rule": "(split pct::100 by::$user_id)",
                    "attributeValues": {"value": "new"},
                },
                {"name": "rest", "enabled": False},
            ]
        },
        "everyone": {
            "_variants": [
                {"name": "all", "enabled": True, "rule": "(split pct::100 by::$targeting_key)"},
                {"name": "rest", "enabled": False},
            ]
        },
        "nobody": {
            "_variants": [
                {"name": "none", "enabled": True, "rule": "(split pct::0 by::$user_id)"},
                {"name": "rest", "enabled": False},
            ]
        },
        "region": {
            "_variants": [
                {"name": "eu", "enabled": True, "rule": '(eq $region "eu")'},
                {"name": "world", "enabled": False},
            ]
        },
    },
}

#: A stored-form document the client rejects (a flag key with a space).
INVALID: dict[str, Any] = {"version": "1", "flags": {"Bad Key": {}}}

#: The retrieval form, as GetLatestConfiguration returns it: object values live here.
RETRIEVED: dict[str, Any] = {
    "layout": {"enabled": True, "value": {"columns": 3, "rows": [1, 2]}},
    "checkout": {"enabled": True, "color": "red", "value": 5},
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
    "ops.kill_switch": {"default": True},
    "ops.dormant": {"default": False},
}


class SwitchSource:
    """A StaticSource that can be made to fail, or to hold its first fetch, on demand."""

    description = "switch source"

    def __init__(self, document: Any = STORED, *, hold: bool = False) -> None:
        self.inner = StaticSource(document, poll_interval=0.01)
        self.error: Exception | None = None
        self.gate = threading.Event()
        if not hold:
            self.gate.set()

    def fetch(self) -> FetchResult:
        self.gate.wait(WAIT)
        if self.error is not None:
            raise self.error
        return self.inner.fetch()

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.gate.set()


DOWN = FetchError("source down", retry_after=0.01)
GONE = ResourceNotFoundError("profile flags not found", resource_type="ConfigurationProfile")


class Events:
    """Collects the events our provider sends to API- or client-level handlers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.seen: list[tuple[ProviderEvent, EventDetails]] = []

    def listen(self, *events: ProviderEvent) -> Events:
        for event in events:
            handler = partial(self._record, event)
            api.add_handler(event, handler)
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
    api.shutdown()  # providers, handlers, hooks and the global context
    yield
    api.shutdown()


@pytest.fixture(name="make_client")
def _make_client() -> Iterator[Callable[..., FlagClient]]:
    clients: list[FlagClient] = []

    def make(document: Any = STORED, *, source: Any = None, **kwargs: Any) -> FlagClient:
        kwargs.setdefault("start_timeout", 2.0)
        client = FlagClient(source or StaticSource(document, poll_interval=0.01), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close(timeout=1.0)


@pytest.fixture(name="of_client")
def _of_client(make_client: Callable[..., FlagClient]) -> Callable[..., OpenFeatureClient]:
    def register(document: Any = STORED, **kwargs: Any) -> OpenFeatureClient:
        names = ("targeting_key_names", "stale_after", "value_attribute", "on_track")
        options = {key: kwargs.pop(key) for key in names if key in kwargs}
        api.set_provider_and_wait(AppConfigProvider(make_client(document, **kwargs), **options))
        return api.get_client()

    return register


def details(client: OpenFeatureClient, kind: str, key: str, default: Any, **ctx: Any) -> Any:
    getter = getattr(client, f"get_{kind}_details")
    context = EvaluationContext(ctx.pop("targeting_key", None), ctx) if ctx else None
    result: FlagEvaluationDetails[Any] = getter(key, default, context)
    return result


def outcome(result: FlagEvaluationDetails[Any]) -> tuple[Any, ...]:
    return (result.value, result.reason, result.variant, result.error_code)


class TestPackaging:
    def test_core_does_not_import_openfeature(self) -> None:
        """Importing appconfig_core leaves openfeature unimported, so the extra stays optional."""
        code = "import sys, appconfig_core; print('openfeature' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "False" == out.stdout.strip()

    def test_needs_a_flag_client(self) -> None:
        """Anything but a FlagClient (or a function making one) is refused, saying what to pass."""
        with pytest.raises(ConfigurationError, match="needs a FlagClient or a function"):
            AppConfigProvider(StaticSource({}))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("targeting_key_names", "user_id", "targeting_key_names"),
            ("targeting_key_names", ("",), "targeting_key_names"),
            ("value_attribute", "", "value_attribute"),
            ("stale_after", 0, "stale_after must be an integer >= 1"),
            ("stale_after", True, "stale_after must be an integer >= 1"),
            ("on_track", "print", "on_track must be callable"),
        ],
    )
    def test_options_are_checked(
        self, make_client: Callable[..., FlagClient], option: str, value: Any, message: str
    ) -> None:
        """A wrong option is refused at construction with a message naming it."""
        with pytest.raises(ConfigurationError, match=message):
            AppConfigProvider(make_client(), **{option: value})


class TestReq21Metadata:
    def test_req_2_1_1_metadata_names_the_provider(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """The provider's metadata carries its name, which events and hooks show."""
        provider = AppConfigProvider(make_client())
        assert PROVIDER_NAME == provider.get_metadata().name

    def test_req_2_3_1_provider_hooks_mechanism(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """The provider-hook accessor exists and adds no hooks of its own."""
        assert [] == AppConfigProvider(make_client()).get_provider_hooks()


class TestReq22Values:
    @pytest.mark.parametrize(
        ("kind", "key", "default", "expected"),
        [
            ("boolean", "plain", False, True),
            ("string", "greeting", "", "hello"),
            ("integer", "limit", 0, 10),
            ("float", "ratio", 0.0, 0.5),
            ("float", "limit", 0.0, 10.0),
            ("object", "tags", {}, ["a", "b"]),
        ],
    )
    def test_req_2_2_2_1_each_type_reads_at_the_flag_key(
        self,
        of_client: Callable[..., OpenFeatureClient],
        kind: str,
        key: str,
        default: Any,
        expected: Any,
    ) -> None:
        """Each typed getter reads the flag itself: enabled, or its `value` attribute."""
        result = details(of_client(), kind, key, default)
        assert (expected, None) == (result.value, result.error_code)
        assert type(expected) is type(result.value)

    def test_req_2_2_3_object_value_is_a_mutable_copy(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """An object value resolves as plain dicts and lists; changing it leaves the flag alone."""
        client = of_client(RETRIEVED)
        value = client.get_object_value("layout", {})
        assert {"columns": 3, "rows": [1, 2]} == value
        assert isinstance(value, dict)
        value["columns"] = 99  # type: ignore[index]
        assert {"columns": 3, "rows": [1, 2]} == client.get_object_value("layout", {})

    @pytest.mark.parametrize("key", ["checkout.color", "checkout:color"])
    def test_req_2_2_3_attribute_addressing(
        self, of_client: Callable[..., OpenFeatureClient], key: str
    ) -> None:
        """``flag.attribute`` and ``flag:attribute`` (the .NET provider's form) read one attribute."""
        assert "red" == of_client(RETRIEVED).get_string_value(key, "")

    def test_req_2_2_3_value_attribute_is_configurable(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """With value_attribute="color" a string read at the key gives that attribute."""
        client = of_client(RETRIEVED, value_attribute="color")
        assert "red" == client.get_string_value("checkout", "")

    def test_req_2_2_3_powertools_values_at_their_name(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """Powertools features resolve to their value under their whole name, dots included."""
        client = of_client(POWERTOOLS, format="powertools")
        assert "blue" == client.get_string_value("banner", "")
        assert 10 == client.get_integer_value("quota", 0)
        assert True is client.get_boolean_value("ops.kill_switch", False)

    def test_req_2_2_4_variant_on_every_successful_evaluation(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """Plain flags report on/off, variant flags their variant, Powertools its rule."""
        client = of_client()
        assert "on" == details(client, "boolean", "plain", False).variant
        assert "off" == details(client, "boolean", "dormant", True).variant
        assert "off" == details(client, "string", "dormant", "d").variant
        assert "only" == details(client, "string", "solo", "").variant
        assert "vip" == details(client, "string", "exp", "", tier="vip").variant
        assert "on" == details(client, "string", "greeting", "").variant

    def test_req_2_2_4_powertools_variants(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A Powertools rule names the variant; the feature's own default is "default"."""
        client = of_client(POWERTOOLS, format="powertools")
        assert "vip" == details(client, "string", "banner", "", tier="vip").variant
        assert "default" == details(client, "string", "banner", "", tier="basic").variant

    def test_req_2_2_6_no_error_on_success(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A successful resolution carries neither an error code nor an error message."""
        result = details(of_client(), "string", "greeting", "")
        assert (None, None) == (result.error_code, result.error_message)

    def test_req_2_2_7_flag_not_found(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A missing flag, or a missing attribute of an enabled flag, is FLAG_NOT_FOUND."""
        client = of_client()
        missing = details(client, "boolean", "nope", True)
        assert (True, Reason.ERROR, None, ErrorCode.FLAG_NOT_FOUND) == outcome(missing)
        assert "no flag named 'nope'" in missing.error_message
        attribute = details(client, "string", "plain.colour", "d")
        assert ErrorCode.FLAG_NOT_FOUND == attribute.error_code
        assert "has no attribute 'colour'" in attribute.error_message

    @pytest.mark.parametrize(
        ("kind", "key", "default"),
        [
            ("string", "plain", "d"),
            ("integer", "plain", 1),
            ("float", "plain", 0.1),
            ("object", "plain", {"a": 1}),
            ("integer", "greeting", 1),
            ("string", "limit", "d"),
            ("integer", "ratio", 1),
            ("boolean", "greeting.value", False),
            ("object", "greeting", {}),
        ],
    )
    def test_req_2_2_7_type_mismatch(
        self, of_client: Callable[..., OpenFeatureClient], kind: str, key: str, default: Any
    ) -> None:
        """A value of the wrong type, or an on/off flag read as a value, is TYPE_MISMATCH."""
        result = details(of_client(), kind, key, default)
        assert (default, Reason.ERROR, None, ErrorCode.TYPE_MISMATCH) == outcome(result)

    def test_req_2_2_7_object_read_of_on_off_flag_explains(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """An object read of a plain on/off flag is a TYPE_MISMATCH naming the key convention."""
        result = details(of_client(), "object", "plain", {})
        assert ErrorCode.TYPE_MISMATCH == result.error_code
        assert "on/off flag with no 'value' attribute" in result.error_message
        assert '"plain.<attribute>"' in result.error_message

    def test_req_2_2_7_powertools_value_read_as_boolean(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A non-boolean feature read as a boolean is TYPE_MISMATCH, not its truthiness."""
        result = details(of_client(POWERTOOLS, format="powertools"), "boolean", "banner", False)
        assert ErrorCode.TYPE_MISMATCH == result.error_code

    @pytest.mark.parametrize("key", ["ops.kill_switch", "ops.dormant"])
    def test_req_2_2_7_boolean_feature_read_as_a_string(
        self, of_client: Callable[..., OpenFeatureClient], key: str
    ) -> None:
        """A boolean feature, true or false, read as a string is TYPE_MISMATCH (not DISABLED)."""
        result = details(of_client(POWERTOOLS, format="powertools"), "string", key, "d")
        assert ("d", Reason.ERROR, None, ErrorCode.TYPE_MISMATCH) == outcome(result)

    def test_req_2_2_7_error_hooks_get_the_matching_exception(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """An error code reaches error hooks as OpenFeature's exception of that code."""
        seen: list[str] = []

        class Recorder(Hook):
            def error(self, hook_context: HookContext, exception: Exception, hints: Any) -> None:
                seen.append(type(exception).__name__)

        client = of_client()
        client.add_hooks([Recorder()])
        assert False is client.get_boolean_value("nope", False)
        assert 1 == client.get_integer_value("greeting", 1)
        assert ["FlagNotFoundError", "TypeMismatchError"] == seen

    def test_req_2_2_8_1_async_getters(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """The SDK's async getters resolve through the same typed provider methods."""
        assert "hello" == asyncio.run(of_client().get_string_value_async("greeting", ""))


class TestReq225Reasons:
    def test_req_2_2_5_static_without_targeting(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """Plain flags, and a variant flag whose only variant is the default, are STATIC."""
        client = of_client()
        assert Reason.STATIC == details(client, "boolean", "plain", False).reason
        assert ("x", Reason.STATIC) == outcome(details(client, "string", "solo", ""))[:2]

    def test_req_2_2_5_default_when_targeting_matched_nothing(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A flag with rules none of which matched answers its default variant, DEFAULT."""
        result = details(of_client(), "boolean", "region", True, region="us")
        assert (False, Reason.DEFAULT, "world", None) == outcome(result)

    def test_req_2_2_5_targeting_match(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A rule that matched is TARGETING_MATCH with its variant's value."""
        result = details(of_client(), "string", "exp", "", tier="vip")
        assert ("gold", Reason.TARGETING_MATCH, "vip", None) == outcome(result)

    def test_req_2_2_5_split(self, of_client: Callable[..., OpenFeatureClient]) -> None:
        """A rule decided by a percentage split is SPLIT."""
        result = details(of_client(), "string", "exp", "", targeting_key="u1")
        assert ("new", Reason.SPLIT, "rollout", None) == outcome(result)

    def test_req_2_2_5_disabled_for_a_value_read(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A disabled flag read as a value gives the default, DISABLED; as a boolean, False."""
        client = of_client()
        assert ("d", Reason.DISABLED, "off", None) == outcome(
            details(client, "string", "dormant", "d")
        )
        assert (False, Reason.STATIC) == outcome(details(client, "boolean", "dormant", True))[:2]

    def test_req_2_2_5_stale_while_the_source_fails(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """While fetches fail the last good flags answer with reason STALE, then fresh again."""
        source = SwitchSource()
        flag_client = make_client(source=source)
        api.set_provider_and_wait(AppConfigProvider(flag_client))
        client = api.get_client()
        source.error = DOWN
        assert wait_until(
            lambda: details(client, "string", "greeting", "").reason == Reason.STALE, WAIT
        )
        assert ("hello", "on") == (client.get_string_value("greeting", ""), "on")
        source.error = None
        assert wait_until(
            lambda: details(client, "string", "greeting", "").reason == Reason.STATIC, WAIT
        )

    def test_req_2_2_5_stale_from_the_disk_cache(
        self, make_client: Callable[..., FlagClient], tmp_path: Path
    ) -> None:
        """Flags loaded from the disk cache because the source is down answer STALE."""
        cache = tmp_path / "flags.cache"
        first = make_client(source=SwitchSource(), cache_path=cache)
        assert first.start()
        first.close()
        source = SwitchSource()
        source.error = DOWN
        flag_client = make_client(source=source, cache_path=cache, start_timeout=0.2)
        api.set_provider_and_wait(AppConfigProvider(flag_client, stale_after=1000))
        assert "cache" == flag_client.status.origin
        result = details(api.get_client(), "string", "greeting", "")
        assert ("hello", Reason.STALE, "on", None) == outcome(result)

    def test_req_2_2_5_stale_after_a_rejected_version(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A rejected version leaves the last good flags answering STALE until a good one."""
        source = StaticSource(STORED, poll_interval=0.01)
        api.set_provider_and_wait(AppConfigProvider(make_client(source=source)))
        client = api.get_client()
        source.update(INVALID, version="bad")
        assert wait_until(
            lambda: details(client, "boolean", "plain", False).reason == Reason.STALE, WAIT
        )
        source.update(STORED, version="good")
        assert wait_until(
            lambda: details(client, "boolean", "plain", False).reason == Reason.STATIC, WAIT
        )


class TestReq22Metadata:
    def test_req_2_2_9_metadata_from_the_stored_form(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """Flag metadata carries the version, the description and a planned deprecation."""
        flag_client = make_client()
        api.set_provider_and_wait(AppConfigProvider(flag_client))
        result = details(api.get_client(), "string", "greeting", "")
        assert {
            "version": flag_client.status.version,
            "description": "The banner text",
            "deprecation": "planned",
            "deprecationDate": "2031-01-31",
        } == dict(result.flag_metadata)
        assert {"version": flag_client.status.version} == dict(
            details(api.get_client(), "boolean", "plain", False).flag_metadata
        )

    def test_req_2_2_10_metadata_values_are_scalars(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """Every metadata key is a string and every value a boolean, string or number."""
        for key in ("greeting", "plain", "exp"):
            metadata = details(of_client(), "boolean", key, False).flag_metadata
            assert all(isinstance(k, str) for k in metadata)
            assert all(isinstance(v, bool | str | int | float) for v in metadata.values())

    def test_req_1_4_14_1_metadata_is_immutable(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The flag metadata handed out cannot be changed by the caller."""
        metadata = details(of_client(), "string", "greeting", "").flag_metadata
        assert isinstance(metadata, Mapping)
        with pytest.raises(TypeError):
            metadata["description"] = "changed"  # type: ignore[index]


class TestReq31TargetingKey:
    def test_req_3_1_1_targeting_key_is_the_adapters_user_id(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The targeting key reaches rules as $user_id, the key Django and Flask fill."""
        result = details(of_client(), "string", "exp", "", targeting_key="u1")
        assert ("new", "rollout") == (result.value, result.variant)

    def test_req_3_1_1_targeting_key_is_the_adapters_targeting_key(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The targeting key also reaches $targeting_key, the adapters' key for everybody."""
        client = of_client()
        result = details(client, "boolean", "everyone", False, targeting_key="visitor-9")
        assert (True, Reason.SPLIT, "all", None) == outcome(result)
        missing = details(client, "boolean", "everyone", False, plan="pro")
        assert ErrorCode.TARGETING_KEY_MISSING == missing.error_code

    def test_req_3_1_1_targeting_key_missing(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A split by the targeting key without one is TARGETING_KEY_MISSING, not DEFAULT."""
        result = details(of_client(), "string", "exp", "d", tier="basic")
        assert ("d", Reason.ERROR, None, ErrorCode.TARGETING_KEY_MISSING) == outcome(result)

    def test_req_3_1_1_targeting_key_missing_after_a_default_with_one(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The default a split passed over is DEFAULT with a key, and still an error without."""
        client = of_client()
        with_key = details(client, "boolean", "nobody", True, targeting_key="u1")
        assert (False, Reason.DEFAULT, "rest", None) == outcome(with_key)
        without = details(client, "boolean", "nobody", True, plan="pro")
        assert ErrorCode.TARGETING_KEY_MISSING == without.error_code

    def test_req_3_1_1_user_id_attribute_counts_as_the_key(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """A user_id attribute (as the adapters pass it) satisfies the split without a key."""
        assert "new" == details(of_client(), "string", "exp", "d", user_id="u1").value

    def test_req_3_1_1_targeting_key_names_are_configurable(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """targeting_key_names chooses the context keys; the key wins over an attribute."""
        provider = AppConfigProvider(make_client(), targeting_key_names=("userId",))
        context = EvaluationContext("u1", {"userId": "other", "plan": "pro"})
        assert {"userId": "u1", "plan": "pro"} == provider.context_for(context)
        assert {} == provider.context_for(None)

    def test_req_3_2_3_global_context_reaches_rules(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """OpenFeature's API-level context (merged by the SDK) reaches the rules."""
        client = of_client()
        api.set_evaluation_context(EvaluationContext(None, {"tier": "vip"}))
        assert "gold" == client.get_string_value("exp", "")


class TestReq24Initialization:
    def test_req_2_4_2_1_no_document_in_time_fails_then_recovers(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """No document in time: initialize fails (ERROR); the first document later: READY."""
        source = SwitchSource()
        source.error = DOWN
        events = Events().listen(ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.2)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_NOT_READY == error.error_code
        client = api.get_client()
        assert ProviderStatus.ERROR == client.get_provider_status()
        source.error = None
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert ProviderStatus.READY == client.get_provider_status()
        assert True is client.get_boolean_value("plain", False)

    def test_req_2_4_2_1_invalid_document_is_a_parse_error(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A document that does not parse fails initialize with PARSE_ERROR."""
        source = StaticSource(b"{not json", content_type="application/json", poll_interval=0.01)
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.5)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PARSE_ERROR == error.error_code

    def test_req_2_4_2_1_missing_profile_is_fatal(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A profile AppConfig does not know fails initialize with PROVIDER_FATAL."""
        source = SwitchSource()
        source.error = GONE
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.2)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_FATAL == error.error_code
        assert ProviderStatus.FATAL == api.get_client().get_provider_status()

    def test_req_2_4_2_1_document_during_the_failure_leaves_it_ready(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A document landing after initialize decided to fail, before the SDK's ERROR: READY."""
        source = SwitchSource(hold=True)
        provider = AppConfigProvider(make_client(source=source, start_timeout=0.1))
        events = Events().listen(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_ERROR)
        decided = provider._init_failure

        def land_document_first(error: BaseException | None) -> OpenFeatureError:
            source.gate.set()
            events.wait_for(ProviderEvent.PROVIDER_READY)  # sent from the poller thread
            return decided(error)

        provider._init_failure = land_document_first  # type: ignore[method-assign]
        api.set_provider(provider)
        events.wait_for(ProviderEvent.PROVIDER_ERROR)
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)
        assert ProviderStatus.READY == api.get_client().get_provider_status()
        assert True is api.get_client().get_boolean_value("plain", False)

    def test_req_2_8_2_initialize_leaves_ready_to_the_sdk(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """initialize itself emits nothing: the SDK sends READY once for it, not twice."""
        provider = AppConfigProvider(make_client())
        emitted: list[ProviderEvent] = []
        provider.attach(lambda _p, event, _d: emitted.append(event))
        provider.initialize(EvaluationContext())
        assert [] == emitted
        provider.detach()
        events = Events().listen(ProviderEvent.PROVIDER_READY)
        api.set_provider_and_wait(provider)
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert ProviderStatus.READY == api.get_client().get_provider_status()

    def test_req_1_1_2_4_set_provider_does_not_block(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """set_provider returns at once; until a document arrives, PROVIDER_NOT_READY."""
        source = SwitchSource(hold=True)
        events = Events().listen(ProviderEvent.PROVIDER_READY)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=WAIT)))
        client = api.get_client()
        early = details(client, "boolean", "plain", False)
        assert (False, ErrorCode.PROVIDER_NOT_READY) == (early.value, early.error_code)
        source.gate.set()
        events.wait_for(ProviderEvent.PROVIDER_READY)
        assert True is client.get_boolean_value("plain", False)


class TestReq25Shutdown:
    def test_req_2_5_2_not_ready_after_shutdown(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """After shutdown the provider is uninitialized: it answers PROVIDER_NOT_READY."""
        provider = AppConfigProvider(make_client())
        api.set_provider_and_wait(provider)
        assert True is provider.resolve_boolean_details("plain", False).value
        api.shutdown()
        result = provider.resolve_boolean_details("plain", False)
        assert (False, ErrorCode.PROVIDER_NOT_READY) == (result.value, result.error_code)

    def test_req_2_5_2_no_events_after_shutdown(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """After shutdown the provider no longer relays the client's changes."""
        source = StaticSource(STORED, poll_interval=0.01)
        flag_client = make_client(source=source)
        provider = AppConfigProvider(flag_client)
        emitted: list[ProviderEvent] = []
        provider.attach(lambda _p, event, _d: emitted.append(event))
        provider.initialize(EvaluationContext())
        provider.shutdown()
        seen = threading.Event()
        flag_client.on_change(lambda _e: seen.set())
        source.update({**STORED, "values": {**STORED["values"], "plain": {"enabled": False}}})
        assert seen.wait(WAIT)
        assert [] == emitted

    def test_req_2_5_3_shutdown_is_idempotent(self, make_client: Callable[..., FlagClient]) -> None:
        """A second shutdown does nothing, and closes an owned client only once."""
        closed: list[bool] = []
        flag_client = make_client()
        original = flag_client.close
        flag_client.close = lambda timeout=5.0: (closed.append(True), original(timeout))[1]  # type: ignore[method-assign]
        provider = AppConfigProvider(flag_client, close_client=True)
        provider.initialize(EvaluationContext())
        provider.shutdown()
        provider.shutdown()
        assert [True] == closed

    def test_req_2_5_2_registered_again_with_a_shared_client(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A provider over a shared client is READY again when registered again."""
        flag_client = make_client()
        provider = AppConfigProvider(flag_client)
        api.set_provider_and_wait(provider)
        api.clear_providers()
        assert True is flag_client.is_enabled("plain")  # shutdown left the shared client running
        api.set_provider_and_wait(provider)
        assert ProviderStatus.READY == api.get_client().get_provider_status()
        assert True is api.get_client().get_boolean_value("plain", False)

    def test_req_2_5_2_registered_again_after_closing_its_own_client(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A provider given a function to make its client closes it and makes a fresh one."""
        made: list[FlagClient] = []

        def new_client() -> FlagClient:
            made.append(make_client())
            return made[-1]

        provider = AppConfigProvider(new_client)
        api.set_provider_and_wait(provider)
        api.clear_providers()
        with pytest.raises(ConfigurationError, match="was closed"):
            made[0].start()
        api.set_provider_and_wait(provider)
        assert 2 == len(made) and provider.client is made[1]
        assert True is api.get_client().get_boolean_value("plain", False)

    def test_req_2_5_2_closed_plain_client_cannot_serve_again(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """close_client=True with a plain client: registering again is FATAL, saying why."""
        provider = AppConfigProvider(make_client(), close_client=True)
        api.set_provider_and_wait(provider)
        api.clear_providers()
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(provider)
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_FATAL == error.error_code
        assert "function that makes a FlagClient" in (error.message or "")


class TestReq28Events:
    def test_req_2_8_1_configuration_changed_names_flags(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A new version fires CONFIGURATION_CHANGED with the changed keys and the version."""
        source = StaticSource(RETRIEVED, poll_interval=0.01)
        api.set_provider_and_wait(AppConfigProvider(make_client(source=source)))
        events = Events().listen(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        source.update({**RETRIEVED, "new": {"enabled": True}})
        (change,) = events.wait_for(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
        assert ["new"] == change.flags_changed
        version = details(api.get_client(), "boolean", "new", False).flag_metadata["version"]
        assert version == change.metadata["version"]

    def test_req_2_8_1_stale_then_ready_without_a_change(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """STALE after stale_after failures; READY as the source answers again, unasked."""
        source = SwitchSource()
        flag_client = make_client(source=source)
        api.set_provider_and_wait(AppConfigProvider(flag_client, stale_after=2))
        client = api.get_client()
        events = Events().listen(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY)
        events.wait_for(ProviderEvent.PROVIDER_READY)  # run at once: already ready
        source.error = DOWN
        (stale,) = events.wait_for(ProviderEvent.PROVIDER_STALE)
        assert flag_client.status.consecutive_failures >= 2
        assert "serving version" in (stale.message or "")
        assert ProviderStatus.STALE == client.get_provider_status()
        source.error = None
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)  # no evaluation in between
        assert ProviderStatus.READY == client.get_provider_status()

    def test_req_2_8_1_rejected_version_is_stale_at_once(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """One rejected version makes the provider STALE; a valid one, READY from the poller."""
        source = StaticSource(STORED, poll_interval=0.01)
        api.set_provider_and_wait(AppConfigProvider(make_client(source=source), stale_after=99))
        events = Events().listen(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY)
        events.wait_for(ProviderEvent.PROVIDER_READY)
        source.update(INVALID, version="bad")
        (stale,) = events.wait_for(ProviderEvent.PROVIDER_STALE)
        assert "version bad" in (stale.message or "") and "rejected" in (stale.message or "")
        source.update({**STORED, "values": {**STORED["values"], "plain": {"enabled": False}}})
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)
        assert ProviderStatus.READY == api.get_client().get_provider_status()

    def test_req_2_8_1_deleted_profile_is_fatal_then_recovers(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """A profile deleted at runtime: ERROR with PROVIDER_FATAL (FATAL); READY if it returns."""
        source = SwitchSource()
        api.set_provider_and_wait(AppConfigProvider(make_client(source=source)))
        client = api.get_client()
        events = Events().listen(ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY)
        events.wait_for(ProviderEvent.PROVIDER_READY)
        source.error = GONE
        (fatal,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_FATAL == fatal.error_code
        assert ProviderStatus.FATAL == client.get_provider_status()
        result = details(client, "boolean", "plain", False)
        assert (False, ErrorCode.PROVIDER_FATAL) == (result.value, result.error_code)
        source.error = None
        events.wait_for(ProviderEvent.PROVIDER_READY, count=2)
        assert True is client.get_boolean_value("plain", False)

    def test_req_2_8_1_runtime_error_when_the_cause_changes(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """With no document loaded, a new kind of failure is a new ERROR with its own code."""
        source = SwitchSource()
        source.error = DOWN
        source.inner.update(INVALID, version="bad")
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.2)))
        (first,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert ErrorCode.PROVIDER_NOT_READY == first.error_code
        source.error = None  # the source answers, with a document that cannot be used
        second = events.wait_for(ProviderEvent.PROVIDER_ERROR, count=2)[1]
        assert ErrorCode.PARSE_ERROR == second.error_code
        assert ProviderStatus.ERROR == api.get_client().get_provider_status()

    def test_req_5_1_4_error_events_carry_a_message(
        self, make_client: Callable[..., FlagClient]
    ) -> None:
        """PROVIDER_ERROR events say what is wrong and name the source."""
        source = SwitchSource()
        source.error = GONE
        events = Events().listen(ProviderEvent.PROVIDER_ERROR)
        api.set_provider(AppConfigProvider(make_client(source=source, start_timeout=0.2)))
        (error,) = events.wait_for(ProviderEvent.PROVIDER_ERROR)
        assert "switch source" in (error.message or "")


class TestReq27Tracking:
    def test_req_2_7_1_track_reaches_on_track(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """client.track hands the name, the merged context and the details to on_track."""
        seen: list[tuple[str, Mapping[str, Any], TrackingEventDetails | None]] = []
        client = of_client(on_track=lambda *event: seen.append(event))
        api.set_evaluation_context(EvaluationContext(None, {"region": "eu"}))
        tracked = TrackingEventDetails(value=9.5, attributes={"plan": "pro"})
        client.track("checkout-done", EvaluationContext("u1"), tracked)
        ((name, context, sent),) = seen
        assert ("checkout-done", "u1", "eu") == (name, context["user_id"], context["region"])
        assert sent is tracked

    def test_req_6_1_4_track_without_listener_is_a_no_op(
        self, of_client: Callable[..., OpenFeatureClient], caplog: pytest.LogCaptureFixture
    ) -> None:
        """Without on_track, tracking does nothing and logs nothing."""
        of_client().track("checkout-done")
        assert [] == caplog.records

    def test_req_2_7_1_a_failing_listener_is_logged(
        self, of_client: Callable[..., OpenFeatureClient], caplog: pytest.LogCaptureFixture
    ) -> None:
        """A listener that raises is logged once; the application's call does not fail."""

        def broken(*_event: Any) -> None:
            raise RuntimeError("boom")

        of_client(on_track=broken).track("checkout-done")
        assert 1 == sum("the on_track listener" in r.getMessage() for r in caplog.records)


class TestAppendixDTelemetry:
    def test_opentelemetry_hook_records_the_evaluation(
        self, of_client: Callable[..., OpenFeatureClient]
    ) -> None:
        """The contrib TracingHook adds a span event with key, variant, reason and provider."""
        otel = pytest.importorskip("openfeature.contrib.hook.opentelemetry")
        sdk_trace = pytest.importorskip("opentelemetry.sdk.trace")
        exporting = pytest.importorskip("opentelemetry.sdk.trace.export")
        memory = pytest.importorskip("opentelemetry.sdk.trace.export.in_memory_span_exporter")
        exporter = memory.InMemorySpanExporter()
        tracer_provider = sdk_trace.TracerProvider()
        tracer_provider.add_span_processor(exporting.SimpleSpanProcessor(exporter))
        client = of_client()
        api.add_hooks([otel.TracingHook()])
        with tracer_provider.get_tracer("test").start_as_current_span("request"):
            client.get_string_value("exp", "", EvaluationContext("u1"))
        ((event,),) = [span.events for span in exporter.get_finished_spans()]
        assert "feature_flag.evaluation" == event.name
        assert {
            "feature_flag.key": "exp",
            "feature_flag.result.variant": "rollout",
            "feature_flag.result.reason": "split",
            "feature_flag.provider.name": PROVIDER_NAME,
            "feature_flag.context.id": "u1",
        }.items() <= dict(event.attributes or {}).items()

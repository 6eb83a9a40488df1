"""The AppConfigData API, through a real boto3 client over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from appconfig_core.devserver import DevServer
from tests.support import FakeClock

from .conftest import write

Start = Callable[..., str]


def latest(client: Any, token: str) -> tuple[dict[str, Any], bytes]:
    response = client.get_latest_configuration(ConfigurationToken=token)
    return response, response["Configuration"].read()


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    response: dict[str, Any] = info.value.response
    return response


class TestStartConfigurationSession:
    def test_returns_201_and_a_token(self, client: Any) -> None:
        """A session start answers 201 with an InitialConfigurationToken."""
        response = client.start_configuration_session(
            ApplicationIdentifier="shop",
            EnvironmentIdentifier="prod",
            ConfigurationProfileIdentifier="settings",
        )
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert response["InitialConfigurationToken"]

    @pytest.mark.parametrize(
        ("identifiers", "resource_type", "member"),
        [
            (("nope", "prod", "settings"), "Application", "ApplicationIdentifier"),
            (("shop", "nope", "settings"), "Environment", "EnvironmentIdentifier"),
            (("shop", "prod", "nope"), "ConfigurationProfile", "ConfigurationProfileIdentifier"),
        ],
    )
    def test_unknown_identifier_is_404_with_resource_type(
        self, client: Any, identifiers: tuple[str, str, str], resource_type: str, member: str
    ) -> None:
        """An unknown identifier gives ResourceNotFoundException naming what is missing."""
        app, env, profile = identifiers
        error = error_of(
            lambda: client.start_configuration_session(
                ApplicationIdentifier=app,
                EnvironmentIdentifier=env,
                ConfigurationProfileIdentifier=profile,
            )
        )
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert error["ResourceType"] == resource_type
        assert error["ReferencedBy"] == {member: "nope"}

    def test_interval_above_86400_is_bad_request(self, session: Start) -> None:
        """An interval botocore lets through but the model forbids (> 86400) is rejected."""
        error = error_of(lambda: session(RequiredMinimumPollIntervalInSeconds=86401))
        assert error["Error"]["Code"] == "BadRequestException"
        assert error["Reason"] == "InvalidParameters"

    def test_interval_below_15_is_bad_request(self, server: DevServer) -> None:
        """An interval under 15 is rejected by the server too, not only by botocore."""
        import urllib.error
        import urllib.request

        body = json.dumps(
            {
                "ApplicationIdentifier": "shop",
                "EnvironmentIdentifier": "prod",
                "ConfigurationProfileIdentifier": "settings",
                "RequiredMinimumPollIntervalInSeconds": 5,
            }
        ).encode()
        request = urllib.request.Request(f"{server.url}/configurationsessions", body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=5)
        assert info.value.code == 400
        assert info.value.headers["x-amzn-ErrorType"] == "BadRequestException"
        info.value.close()


class TestGetLatestConfiguration:
    def test_first_call_returns_full_content_and_headers(self, client: Any, session: Start) -> None:
        """The first call of a session returns the whole file with its version and type."""
        response, body = latest(client, session(RequiredMinimumPollIntervalInSeconds=30))
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert body == b'{"greeting": "hello"}'
        assert response["ContentType"] == "application/json"
        assert response["VersionLabel"] == "1"
        assert response["NextPollIntervalInSeconds"] == 30
        assert response["NextPollConfigurationToken"]

    def test_default_interval_is_60(self, client: Any, session: Start) -> None:
        """Without a requested minimum, the session's interval is 60 s."""
        response, _ = latest(client, session())
        assert response["NextPollIntervalInSeconds"] == 60

    def test_unchanged_content_gives_empty_body(
        self, client: Any, session: Start, clock: FakeClock
    ) -> None:
        """A later call with nothing changed answers 200 with an empty body and no version."""
        first, _ = latest(client, session(RequiredMinimumPollIntervalInSeconds=15))
        clock.advance(15)
        second, body = latest(client, first["NextPollConfigurationToken"])
        assert second["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert body == b""
        assert "VersionLabel" not in second
        assert second["NextPollConfigurationToken"] != first["NextPollConfigurationToken"]

    def test_file_edit_gives_new_body_and_version(
        self, client: Any, session: Start, clock: FakeClock, root: Path
    ) -> None:
        """Editing the file makes the next call return the new content with a new label."""
        first, _ = latest(client, session(RequiredMinimumPollIntervalInSeconds=15))
        write(root / "shop:prod:settings.json", b'{"greeting": "hi"}')
        clock.advance(15)
        second, body = latest(client, first["NextPollConfigurationToken"])
        assert body == b'{"greeting": "hi"}'
        assert second["VersionLabel"] == "2"

    def test_new_session_gets_full_content_again(self, client: Any, session: Start) -> None:
        """Every new session's first call returns the full content."""
        latest(client, session())
        _, body = latest(client, session())
        assert body == b'{"greeting": "hello"}'

    def test_yaml_and_text_content_types(self, client: Any, session: Start, root: Path) -> None:
        """Content-Type follows the extension: YAML and plain text."""
        write(root / "shop:prod:conf.yaml", b"a: 1\n")
        write(root / "shop:prod:motd.txt", b"hello")
        yaml_response, yaml_body = latest(client, session("conf"))
        text_response, text_body = latest(client, session("motd"))
        assert (yaml_response["ContentType"], yaml_body) == ("application/x-yaml", b"a: 1\n")
        assert (text_response["ContentType"], text_body) == ("text/plain", b"hello")

    def test_too_early_is_bad_request_with_details(
        self, client: Any, session: Start, clock: FakeClock
    ) -> None:
        """A call before the interval has passed is BadRequestException PollIntervalNotSatisfied."""
        first, _ = latest(client, session(RequiredMinimumPollIntervalInSeconds=15))
        clock.advance(14.9)
        error = error_of(lambda: latest(client, first["NextPollConfigurationToken"]))
        assert error["Error"]["Code"] == "BadRequestException"
        assert error["Error"]["Message"] == "Request too early"
        assert error["Reason"] == "InvalidParameters"
        assert error["Details"] == {
            "InvalidParameters": {"ConfigurationToken": {"Problem": "PollIntervalNotSatisfied"}}
        }

    def test_too_early_does_not_consume_the_token(
        self, client: Any, session: Start, clock: FakeClock
    ) -> None:
        """After a too-early rejection, the same token works once the interval has passed."""
        first, _ = latest(client, session(RequiredMinimumPollIntervalInSeconds=15))
        token = first["NextPollConfigurationToken"]
        error_of(lambda: latest(client, token))
        clock.advance(15)
        second, _ = latest(client, token)
        assert second["ResponseMetadata"]["HTTPStatusCode"] == 200

    def test_reused_token_is_corrupted(self, client: Any, session: Start) -> None:
        """A token already used answers BadRequestException with Problem Corrupted."""
        token = session()
        latest(client, token)
        error = error_of(lambda: latest(client, token))
        assert error["Error"]["Code"] == "BadRequestException"
        assert error["Details"] == {
            "InvalidParameters": {"ConfigurationToken": {"Problem": "Corrupted"}}
        }

    def test_unknown_token_is_corrupted(self, client: Any) -> None:
        """A token the server never issued is Corrupted."""
        error = error_of(lambda: latest(client, "made-up"))
        assert error["Details"]["InvalidParameters"]["ConfigurationToken"]["Problem"] == "Corrupted"

    def test_token_expires_24h_after_session_start(
        self, client: Any, session: Start, clock: FakeClock
    ) -> None:
        """A session's token is Expired once 24 h have passed since the session started."""
        first, _ = latest(client, session(RequiredMinimumPollIntervalInSeconds=15))
        clock.advance(24 * 3600)
        error = error_of(lambda: latest(client, first["NextPollConfigurationToken"]))
        assert error["Error"]["Code"] == "BadRequestException"
        assert error["Details"] == {
            "InvalidParameters": {"ConfigurationToken": {"Problem": "Expired"}}
        }

    def test_token_just_under_24h_is_valid(
        self, client: Any, session: Start, clock: FakeClock
    ) -> None:
        """A token used just before the 24 h mark still works."""
        token = session()
        clock.advance(24 * 3600 - 1)
        response, _ = latest(client, token)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200

    def test_invalidate_tokens_expires_outstanding_tokens(
        self, client: Any, session: Start, server: DevServer
    ) -> None:
        """invalidate_tokens() makes every outstanding token answer Expired."""
        token = session()
        server.invalidate_tokens()
        error = error_of(lambda: latest(client, token))
        assert error["Details"]["InvalidParameters"]["ConfigurationToken"]["Problem"] == "Expired"
        _, body = latest(client, session())
        assert body

    def test_deleted_profile_is_404(
        self, client: Any, session: Start, root: Path, clock: FakeClock
    ) -> None:
        """A profile whose file disappears mid-session answers ResourceNotFoundException."""
        write(root / "shop:prod:gone.json", b"{}")
        first, _ = latest(client, session("gone", RequiredMinimumPollIntervalInSeconds=15))
        (root / "shop:prod:gone.json").unlink()
        clock.advance(15)
        error = error_of(lambda: latest(client, first["NextPollConfigurationToken"]))
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResourceType"] == "ConfigurationProfile"


class TestPollIntervalOption:
    def test_server_interval_overrides_the_requested_one(
        self, root: Path, clock: FakeClock, client_for: Callable[..., Any]
    ) -> None:
        """A server poll_interval is imposed on every session and sent as an integer."""
        with DevServer(root, clock=clock, poll_interval=1) as server:
            client = client_for(server.url)
            token = client.start_configuration_session(
                ApplicationIdentifier="shop",
                EnvironmentIdentifier="prod",
                ConfigurationProfileIdentifier="settings",
                RequiredMinimumPollIntervalInSeconds=300,
            )["InitialConfigurationToken"]
            first, _ = latest(client, token)
            assert first["NextPollIntervalInSeconds"] == 1
            clock.advance(1)
            second, _ = latest(client, first["NextPollConfigurationToken"])
            assert second["ResponseMetadata"]["HTTPStatusCode"] == 200

    def test_sub_second_interval_is_sent_rounded_up(
        self, root: Path, clock: FakeClock, client_for: Callable[..., Any]
    ) -> None:
        """A sub-second poll_interval is enforced as given and advertised as 1 s."""
        with DevServer(root, clock=clock, poll_interval=0.25) as server:
            client = client_for(server.url)
            token = client.start_configuration_session(
                ApplicationIdentifier="shop",
                EnvironmentIdentifier="prod",
                ConfigurationProfileIdentifier="settings",
            )["InitialConfigurationToken"]
            first, _ = latest(client, token)
            assert first["NextPollIntervalInSeconds"] == 1
            clock.advance(0.25)
            latest(client, first["NextPollConfigurationToken"])


class TestFeatureFlagsProfile:
    def test_returns_the_retrieval_form(self, client: Any, session: Start) -> None:
        """A FeatureFlags profile is served as AWS serves it: flat, attributes only when on."""
        response, body = latest(client, session("flags"))
        assert response["ContentType"] == "application/json"
        assert json.loads(body) == {
            "beta": {"enabled": True, "color": "red"},
            "dark": {"enabled": False},
            "nova": {"enabled": False},
            "tiers": {"_variant": "Small", "enabled": True, "size": 1},
        }

    def test_invalid_edit_keeps_serving_the_last_valid_version(
        self, client: Any, session: Start, root: Path, clock: FakeClock
    ) -> None:
        """A broken stored document is not served; the session sees no change."""
        first, _ = latest(client, session("flags", RequiredMinimumPollIntervalInSeconds=15))
        write(root / "shop:prod:flags.featureflags.json", b'{"version": "1", "flags": ')
        clock.advance(15)
        _, body = latest(client, first["NextPollConfigurationToken"])
        assert body == b""
        _, fresh = latest(client, session("flags"))
        assert json.loads(fresh)["beta"] == {"enabled": True, "color": "red"}

    def test_never_valid_profile_is_internal_error(
        self, client: Any, session: Start, root: Path
    ) -> None:
        """A FeatureFlags file that never held a valid document answers 500."""
        write(root / "shop:prod:bad.featureflags.json", b'{"version": "2"}')
        token = session("bad")
        error = error_of(lambda: latest(client, token))
        assert error["Error"]["Code"] == "InternalServerException"
        assert "bad.featureflags.json" in error["Error"]["Message"]

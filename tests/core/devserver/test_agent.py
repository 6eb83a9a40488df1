"""The Agent API: full content, version header, bearer token, ?flag= and Context variants."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from appconfig_core.devserver import DevServer
from appconfig_core.devserver._agent import parse_agent_path, parse_context

from .conftest import write

BASE = "/applications/shop/environments/prod/configurations"


def get(
    server: DevServer, path: str, headers: list[tuple[str, str]] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET ``path``; headers may repeat (http.client sends each one as given)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.putrequest("GET", path)
        for name, value in headers or []:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


class TestParsing:
    def test_agent_path_gives_the_three_names(self) -> None:
        """The path's three names are extracted and URL-decoded."""
        assert parse_agent_path("/applications/a%20b/environments/e/configurations/p") == (
            "a b",
            "e",
            "p",
        )

    @pytest.mark.parametrize(
        "path",
        [
            "/applications/a/environments/e",
            "/applications//environments/e/configurations/p",
            "/apps/a/environments/e/configurations/p",
        ],
    )
    def test_other_paths_are_not_agent_paths(self, path: str) -> None:
        """Paths of another shape are not taken for the Agent API."""
        assert parse_agent_path(path) is None

    def test_context_headers_repeat_and_split_on_commas(self) -> None:
        """Context pairs come from repeated headers and comma-separated lists."""
        assert parse_context(["plan=gold, email=a@b.org", "beta=true"]) == {
            "plan": "gold",
            "email": "a@b.org",
            "beta": "true",
        }

    def test_context_entry_without_equals_is_rejected(self) -> None:
        """A Context entry that is not key=value raises ValueError."""
        with pytest.raises(ValueError, match="key=value"):
            parse_context(["plan"])


class TestFreeForm:
    def test_returns_full_content_with_version_and_type(self, server: DevServer) -> None:
        """A free-form profile is returned byte-for-byte with Configuration-Version."""
        status, headers, body = get(server, f"{BASE}/settings")
        assert status == 200
        assert body == b'{"greeting": "hello"}'
        assert headers["Content-Type"] == "application/json"
        assert headers["Configuration-Version"] == "1"

    def test_always_returns_full_content(self, server: DevServer) -> None:
        """Repeated calls return the full content each time, never an empty body."""
        assert get(server, f"{BASE}/settings")[2] == get(server, f"{BASE}/settings")[2] != b""

    def test_edit_changes_content_and_version(self, server: DevServer, root: Path) -> None:
        """After a file edit the Agent API serves the new content under a new version."""
        get(server, f"{BASE}/settings")
        write(root / "shop:prod:settings.json", b'{"greeting": "hey"}')
        _, headers, body = get(server, f"{BASE}/settings")
        assert (body, headers["Configuration-Version"]) == (b'{"greeting": "hey"}', "2")

    def test_flag_query_on_free_form_is_400(self, server: DevServer) -> None:
        """?flag= is valid only for FeatureFlags profiles."""
        assert get(server, f"{BASE}/settings?flag=x")[0] == 400

    @pytest.mark.parametrize(
        "path",
        [
            "/applications/nope/environments/prod/configurations/settings",
            "/applications/shop/environments/nope/configurations/settings",
            f"{BASE}/nope",
        ],
    )
    def test_unknown_names_are_404(self, server: DevServer, path: str) -> None:
        """An unknown application, environment or profile answers 404 with a text body."""
        status, headers, body = get(server, path)
        assert status == 404
        assert b"nope" in body
        assert headers["Content-Type"].startswith("text/plain")


class TestBearerToken:
    def test_wrong_or_missing_token_is_401(self, root: Path) -> None:
        """With agent_token set, a missing or wrong bearer token answers 401."""
        with DevServer(root, agent_token="s3cret") as server:
            assert get(server, f"{BASE}/settings")[0] == 401
            assert get(server, f"{BASE}/settings", [("Authorization", "Bearer nope")])[0] == 401

    def test_right_token_is_served(self, root: Path) -> None:
        """With the right bearer token the configuration is served."""
        with DevServer(root, agent_token="s3cret") as server:
            status, _, body = get(server, f"{BASE}/settings", [("Authorization", "Bearer s3cret")])
        assert (status, body) == (200, b'{"greeting": "hello"}')


class TestFeatureFlags:
    def test_single_flag_is_unwrapped(self, server: DevServer) -> None:
        """?flag=name returns that flag's object itself."""
        _, _, body = get(server, f"{BASE}/flags?flag=beta")
        assert json.loads(body) == {"enabled": True, "color": "red"}

    def test_several_flags_are_a_map(self, server: DevServer) -> None:
        """?flag=a&flag=b returns a map of just those flags."""
        _, _, body = get(server, f"{BASE}/flags?flag=beta&flag=dark")
        assert json.loads(body) == {
            "beta": {"enabled": True, "color": "red"},
            "dark": {"enabled": False},
        }

    def test_unknown_flag_is_404(self, server: DevServer) -> None:
        """Asking for a flag the profile lacks answers 404."""
        assert get(server, f"{BASE}/flags?flag=missing")[0] == 404

    def test_malformed_context_is_400(self, server: DevServer) -> None:
        """A Context header that is not key=value answers 400."""
        assert get(server, f"{BASE}/flags", [("Context", "gold")])[0] == 400

    def test_context_selects_the_variant(self, server: DevServer) -> None:
        """A Context that matches a variant's rule gets that variant, with _variant set."""
        _, _, body = get(server, f"{BASE}/flags?flag=tiers", [("Context", "plan=gold")])
        assert json.loads(body) == {"enabled": True, "size": 10, "_variant": "Big"}

    def test_no_context_gets_the_default_variant(self, server: DevServer) -> None:
        """Without a matching Context the default variant is returned, named."""
        _, _, body = get(server, f"{BASE}/flags")
        document = json.loads(body)
        assert document["tiers"] == {"enabled": True, "size": 1, "_variant": "Small"}
        assert document["dark"] == {"enabled": False}
        assert "_variant" not in document["beta"]

"""The served directory: file names, the retrieval form, versions and invalid documents."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from appconfig_core.devserver._profiles import (
    InvalidProfile,
    MissingResource,
    ProfileDirectory,
    ProfileKey,
    parse_file_name,
    retrieval_form,
)

from .conftest import STORED, write


class TestParseFileName:
    @pytest.mark.parametrize(
        ("name", "content_type", "flags"),
        [
            ("a:e:p.json", "application/json", False),
            ("a:e:p.yaml", "application/x-yaml", False),
            ("a:e:p.yml", "application/x-yaml", False),
            ("a:e:p.txt", "text/plain", False),
            ("a:e:p.featureflags.json", "application/json", True),
            ("a:e:p.featureflags.yaml", "application/json", True),
        ],
    )
    def test_extension_decides_type(self, name: str, content_type: str, flags: bool) -> None:
        """The extension gives the content type and whether the file is a FeatureFlags profile."""
        assert parse_file_name(name) == (ProfileKey("a", "e", "p"), content_type, flags)

    @pytest.mark.parametrize(
        "name", ["a:e:p.ini", "a:e.json", "a:e:p:x.json", "a::p.json", "x.tmp"]
    )
    def test_other_names_are_ignored(self, name: str) -> None:
        """Names without three identifiers or with another extension are not profiles."""
        assert parse_file_name(name) is None


class TestRetrievalForm:
    def test_matches_what_aws_returns(self) -> None:
        """Disabled flags lose their attributes; missing values are disabled; defaults win,
        named in ``_variant``."""
        assert retrieval_form(STORED) == {
            "beta": {"enabled": True, "color": "red"},
            "dark": {"enabled": False},
            "nova": {"enabled": False},
            "tiers": {"_variant": "Small", "enabled": True, "size": 1},
        }

    def test_metadata_is_stripped(self) -> None:
        """_createdAt and friends never reach the client."""
        document = {"version": "1", "values": {"f": {"enabled": True, "_createdAt": "x", "n": 1}}}
        assert retrieval_form(document) == {"f": {"enabled": True, "n": 1}}


class TestProfileDirectory:
    def test_missing_resources_name_the_first_unknown_identifier(self, root: Path) -> None:
        """Lookups report the application, then the environment, then the profile."""
        directory = ProfileDirectory(root)
        expected = [
            (("x", "prod", "settings"), "Application"),
            (("shop", "x", "settings"), "Environment"),
            (("shop", "prod", "x"), "ConfigurationProfile"),
        ]
        for names, resource_type in expected:
            with pytest.raises(MissingResource) as info:
                directory.find(*names)
            assert info.value.resource_type == resource_type

    def test_version_counts_content_changes_only(self, root: Path) -> None:
        """The version moves on a content change, not on a touch with the same bytes."""
        directory = ProfileDirectory(root)
        path = root / "shop:prod:settings.json"
        assert directory.find("shop", "prod", "settings").version == "1"
        write(path, path.read_bytes())
        assert directory.find("shop", "prod", "settings").version == "1"
        write(path, b"{}")
        served = directory.find("shop", "prod", "settings")
        assert (served.version, served.content) == ("2", b"{}")

    def test_same_size_edit_within_one_clock_tick_is_seen(self, root: Path) -> None:
        """An edit that keeps size and mtime is still picked up while the file is fresh."""
        directory = ProfileDirectory(root)
        path = root / "shop:prod:motd.txt"
        path.write_bytes(b"aaa")
        directory.find("shop", "prod", "motd")
        stamp = path.stat().st_mtime_ns
        path.write_bytes(b"bbb")
        import os

        os.utime(path, ns=(stamp, stamp))
        assert directory.find("shop", "prod", "motd").content == b"bbb"

    def test_invalid_flags_keep_the_last_valid_version(
        self, root: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A broken FeatureFlags edit is logged once and the previous version stays served."""
        directory = ProfileDirectory(root)
        before = directory.find("shop", "prod", "flags")
        write(root / "shop:prod:flags.featureflags.json", b'{"version": "1", "values": 3}')
        with caplog.at_level(logging.WARNING, logger="appconfig_core.devserver"):
            assert directory.find("shop", "prod", "flags") == before
            assert directory.find("shop", "prod", "flags") == before
        assert len(caplog.records) == 1
        assert "flags.featureflags.json" in caplog.records[0].getMessage()

    @pytest.mark.parametrize(
        "document",
        [
            [],
            {"version": "2"},
            {"version": "1", "extra": {}},
            {"version": "1", "values": []},
            {"version": "1", "flags": {"f": {"name": "F"}}, "values": {"f": {"enabled": "yes"}}},
            {"version": "1", "flags": {"f": {"name": "F"}}, "values": {"f": {"_variants": [{}]}}},
        ],
    )
    def test_documents_appconfig_would_refuse_are_not_served(
        self, root: Path, document: object
    ) -> None:
        """A stored document the library's compiler rejects is never served by either API."""
        write(root / "shop:prod:bad.featureflags.json", json.dumps(document))
        with pytest.raises(InvalidProfile, match="not a valid FeatureFlags stored document"):
            ProfileDirectory(root).find("shop", "prod", "bad")

    def test_a_rejected_edit_does_not_move_the_version(self, root: Path) -> None:
        """Only valid versions are counted: the next valid edit is version 2, not 3."""
        directory = ProfileDirectory(root)
        path = root / "shop:prod:flags.featureflags.json"
        assert directory.find("shop", "prod", "flags").version == "1"
        write(path, b'{"version": "2"}')
        assert directory.find("shop", "prod", "flags").version == "1"
        write(path, {**STORED, "values": {}})
        assert directory.find("shop", "prod", "flags").version == "2"

    def test_never_valid_flags_raise_invalid_profile(self, root: Path) -> None:
        """A FeatureFlags file that never parsed raises InvalidProfile naming the file."""
        write(root / "shop:prod:bad.featureflags.json", b"not json")
        with pytest.raises(InvalidProfile, match=r"bad\.featureflags\.json"):
            ProfileDirectory(root).find("shop", "prod", "bad")

    def test_yaml_flags_are_read(self, root: Path) -> None:
        """A .featureflags.yaml file holds the stored form in YAML."""
        write(
            root / "shop:prod:y.featureflags.yaml",
            b'version: "1"\nflags:\n  f:\n    name: F\nvalues:\n  f:\n    enabled: true\n',
        )
        assert ProfileDirectory(root).find("shop", "prod", "y").content == b'{"f":{"enabled":true}}'

    def test_two_files_for_one_profile_warn_and_first_wins(
        self, root: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """When two files name one profile, the first by name is served and a warning logged."""
        write(root / "shop:prod:dup.json", b"{}")
        write(root / "shop:prod:dup.yaml", b"a: 1")
        with caplog.at_level(logging.WARNING, logger="appconfig_core.devserver"):
            served = ProfileDirectory(root).find("shop", "prod", "dup")
        assert served.content == b"{}"
        assert "dup.yaml" in caplog.text

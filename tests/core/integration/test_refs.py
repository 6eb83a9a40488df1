"""The refs scanner: which reads of a flag it finds in Python and templates, and where."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from appconfig_core._integration.refs import PYTHON, TEMPLATE, scan_paths, template_references

SAMPLE = Path(__file__).parent / "refs_sample"
EXAMPLES = Path(__file__).resolve().parents[3] / "example_projects"


def scan_source(
    tmp_path: Path, source: str, name: str = "module.py"
) -> list[tuple[str | None, int]]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return [(ref.name, ref.line) for ref in scan_paths([path]).references]


class TestPython:
    def test_every_documented_form_is_a_reference(self, tmp_path: Path) -> None:
        """Each way the adapters read or force a flag, with a literal name, is found on its line."""
        found = scan_source(
            tmp_path,
            """\
            request.flags.is_enabled("a")
            flags_for(request).evaluate("b")
            current_flags.value("c", "color")
            get_client().variant("d")
            request.flags["e"]
            @flag_required("f")
            def view(): ...
            class Page(FlagRequiredMixin, View):
                flag_name = "g"
            override_flags({"h": True})
            flags.override({"i": False})
            appconfig_flags["j"] = True
            client.snapshot().is_enabled("k")
            """,
        )
        assert [(n, i + 1) for i, n in enumerate("abcdef")] + [
            ("g", 9),
            ("h", 10),
            ("i", 11),
            ("j", 12),
            ("k", 13),
        ] == found

    def test_unrelated_strings_and_calls_are_not_references(self, tmp_path: Path) -> None:
        """Comments, plain strings and generic methods on receivers not named for flags are skipped."""
        found = scan_source(
            tmp_path,
            """\
            # is_enabled("comment")
            NAME = "is_enabled('string')"
            model.evaluate("expression")
            cache.set({"key": 1})
            data["key"]
            clients[0]
            """,
        )
        assert [] == found

    def test_computed_names_are_dynamic(self, tmp_path: Path) -> None:
        """A read whose name is not a literal is kept, without a name, so it can be reported."""
        path = tmp_path / "module.py"
        path.write_text("request.flags.is_enabled(name)\nflag_required(NAMES[0])\n")
        scan = scan_paths([path])
        assert [] == scan.named
        assert [1, 2] == [ref.line for ref in scan.dynamic]

    def test_invalid_python_is_skipped_with_the_reason(self, tmp_path: Path) -> None:
        """A file that does not parse is listed as skipped; the rest of the scan goes on."""
        (tmp_path / "broken.py").write_text("def (:\n")
        (tmp_path / "good.py").write_text('is_enabled("a")\n')
        scan = scan_paths([tmp_path])
        assert ["a"] == [ref.name for ref in scan.references]
        assert [(str(tmp_path / "broken.py"), "is not valid Python (line 1)")] == scan.skipped


class TestTemplates:
    def test_django_and_jinja_forms(self) -> None:
        """Tags with either quote, the value tags and the Jinja globals are found on their lines."""
        text = (
            "{% flag \"a\" %}x{% endflag %}\n{%- flag 'b' -%}\n{% flag_value 'c' 'color' as x %}\n"
            '{% variant "d" %}\n{{ flag_enabled("e") }} {{ flag_value("f", "t") }}\n'
            "{{ flag_variant('g') }}\n"
        )
        found = [(ref.name, ref.line, ref.kind) for ref in template_references(text, "t.html")]
        assert [
            ("a", 1, TEMPLATE),
            ("b", 2, TEMPLATE),
            ("c", 3, TEMPLATE),
            ("d", 4, TEMPLATE),
            ("e", 5, TEMPLATE),
            ("f", 5, TEMPLATE),
            ("g", 6, TEMPLATE),
        ] == sorted(found, key=lambda item: (item[1], item[0]))

    def test_a_variable_name_is_dynamic(self) -> None:
        """``{% flag name %}`` and ``flag_enabled(name)`` name no flag the scan can check."""
        refs = template_references("{% flag name %}{% endflag %}{{ flag_enabled(x) }}", "t.html")
        assert [None, None] == [ref.name for ref in refs]


class TestWalk:
    def test_hidden_dirs_virtualenvs_and_excludes_are_not_read(self, tmp_path: Path) -> None:
        """Hidden folders, folders holding pyvenv.cfg and --exclude globs are skipped."""
        for folder in (".cache", "venv", "node_modules", "app", "app/migrations"):
            (tmp_path / folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / "m.py").write_text(f'is_enabled("{folder}")\n')
        (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
        scan = scan_paths([tmp_path], exclude=["*/migrations/*"])
        assert ["app"] == [ref.name for ref in scan.references]

    def test_a_missing_path_raises(self, tmp_path: Path) -> None:
        """A path that does not exist is an error, not an empty scan."""
        with pytest.raises(FileNotFoundError, match="no such file or directory"):
            scan_paths([tmp_path / "nowhere"])


class TestSampleTree:
    def test_finds_every_seeded_reference(self, tmp_path: Path) -> None:
        """The sample tree's reads are found with their file, line and kind, and nothing else."""
        root = tmp_path / "sample"
        shutil.copytree(SAMPLE, root)
        scan = scan_paths([root])
        found = {
            (Path(ref.path).relative_to(root).as_posix(), ref.line, ref.name, ref.kind)
            for ref in scan.references
        }
        assert {
            ("shop/views.py", 14, "gift_cards", PYTHON),
            ("shop/views.py", 16, "new_chekout", PYTHON),
            ("shop/views.py", 18, "promo_banner", PYTHON),
            ("shop/views.py", 22, "legacy_search", PYTHON),
            ("shop/views.py", 26, "vip", PYTHON),
            ("shop/views.py", 27, None, PYTHON),
            ("shop/overrides.py", 6, "new_checkout", PYTHON),
            ("shop/overrides.py", 6, "gift_cards", PYTHON),
            ("shop/templates/shop/page.html", 2, "new_checkout", TEMPLATE),
            ("shop/templates/shop/page.html", 3, "promo_banner", TEMPLATE),
            ("shop/templates/shop/page.html", 4, None, TEMPLATE),
            ("shop/templates/shop/page.html", 5, "gift_card", TEMPLATE),
            ("shop/jinja/page.jinja", 1, "promo_banner", TEMPLATE),
            ("shop/jinja/page.jinja", 1, "vip", TEMPLATE),
            ("shop/jinja/page.jinja", 2, "legacy_search", TEMPLATE),
        } == found
        assert 5 == scan.files


class TestExampleProjects:
    @pytest.mark.parametrize("project", ["django_shop", "flask_shop"])
    def test_the_shops_flag_reads_are_found(self, project: str) -> None:
        """Both example shops read new_checkout, promo_banner, recommendations and gift_cards."""
        scan = scan_paths([EXAMPLES / project])
        named = {ref.name for ref in scan.named}
        assert {"new_checkout", "promo_banner", "recommendations", "gift_cards"} <= named
        assert any(ref.via == "flag_required()" and ref.name == "gift_cards" for ref in scan.named)

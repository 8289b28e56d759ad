"""One table of codes: unique, documented in the OpenAPI spec and the README, errors tied to codes."""

import inspect
from pathlib import Path

import yaml

from sandbox import errors
from sandbox.docs import codes_markdown, render_readme, render_spec
from sandbox.result_codes import CODES, ResultCode, all_codes

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = {"200", "205", "123", "124", "401", "403", "1001", "500"}


def test_codes_are_unique_and_official_ones_keep_their_numbers():
    codes = [c.code for c in all_codes()]
    assert len(codes) == len(set(codes)) == len(ResultCode)
    assert {c.code for c in all_codes() if c.official} == OFFICIAL
    for c in all_codes():
        assert c.vi and c.en and c.family
        if c.official:
            assert c.family == c.code


def test_every_family_is_an_official_code_or_a_documented_sandbox_family():
    families = {c.family for c in all_codes()}
    spec = yaml.safe_load((ROOT / "openapi" / "gateway.yaml").read_text(encoding="utf-8"))
    assert families <= set(spec["components"]["schemas"]["ResultCodeFamily"]["enum"])


def test_openapi_enum_lists_every_code():
    text = (ROOT / "openapi" / "gateway.yaml").read_text(encoding="utf-8")
    assert render_spec(text) == text, "run `skdt-sandbox docs`"
    spec = yaml.safe_load(text)
    assert spec["components"]["schemas"]["ResultCode"]["enum"] == [c.code for c in all_codes()]


def test_readme_tables_match_the_registries():
    from sandbox.docs import card_codes_markdown, code_lists_markdown, rules_markdown
    text = documentation()
    for table in (codes_markdown(), card_codes_markdown(), rules_markdown(), code_lists_markdown()):
        assert table in text
    assert render_readme(text) == text, "run `skdt-sandbox docs`"


def test_readme_rule_table_lists_every_rule():
    from sandbox.pipeline.rules import RULES
    text = documentation()
    for rule_id in RULES:
        assert f"| `{rule_id}` |" in text


def test_every_error_class_carries_a_known_code():
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.SandboxError):
            assert cls.result_code.value in CODES


def documentation() -> str:
    """The README and the pages of docs/, where the generated tables live."""
    return "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_the_readme_is_a_short_front_door_and_the_site_builds_strictly(tmp_path):
    """The README keeps the two commands, the walk-through and an index; every page it names exists and
    the MkDocs site of docs/ builds with --strict (no broken link, no page left out of the nav)."""
    import re
    import subprocess
    import sys
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200 and "make demo" in readme and "make test" in readme
    for page in re.findall(r"\]\((docs/[^)]+\.md)\)", readme):
        assert (ROOT / page).exists(), page
    assert "../shared" not in documentation() and "domain.md" not in documentation()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    built = subprocess.run([str(mkdocs), "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "province" / "index.html").exists()

"""The check DSL: outcomes and roll-up, stable ids, the suite's content hash, requirement coverage."""

import re

from conformance.dsl import Fail, Group, Outcome, Skip, Suite, roll_up
from conformance.requirements import REQUIREMENTS, checks_by_requirement
from conformance.suite import SUITE


def test_roll_up_orders_error_fail_skip_pass_and_ignores_omit():
    assert roll_up(["pass", "skip", "fail"]) == "fail"
    assert roll_up(["pass", "error", "fail"]) == "error"
    assert roll_up(["pass", "omit"]) == "pass"
    assert roll_up(["omit"]) == "omit"
    assert roll_up(["pass", "skip"]) == "skip"


def test_check_outcomes_from_return_fail_skip_and_exceptions():
    g = Group("G", "g", "g")
    g.check("T-G-01", title="a", title_en="a", requirements=("X",))(lambda ctx: None)
    g.check("T-G-02", title="b", title_en="b", requirements=("X",))(lambda ctx: (_ for _ in ()).throw(Fail("hỏng", "broken")))
    g.check("T-G-03", title="c", title_en="c", requirements=("X",))(lambda ctx: (_ for _ in ()).throw(Skip("chưa", "not yet")))
    g.check("T-G-04", title="d", title_en="d", requirements=("X",))(lambda ctx: 1 / 0)
    g.check("T-G-05", title="e", title_en="e", requirements=("X",))(lambda ctx: Outcome("pass", "ok", "ok", ("tx1",)))
    results = [c.run(None) for c in g.checks]
    assert [r.result for r in results] == ["pass", "fail", "skip", "error", "pass"]
    assert results[1].message_vi == "hỏng" and results[3].message_en.startswith("check raised ZeroDivisionError")
    assert results[4].evidence == ("tx1",)


def test_ids_are_stable_and_unique_and_every_requirement_has_a_check():
    ids = [c.id for c in SUITE.checks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]+-[A-Z]+-\d{2}", i) for i in ids)
    coverage = checks_by_requirement(SUITE)
    assert set(coverage) == set(REQUIREMENTS), "a check cites a requirement that is not in the catalogue"
    uncovered = [r for r, checks in coverage.items() if not checks]
    assert uncovered == [], f"requirements with no check: {uncovered}"


def test_content_hash_changes_with_what_is_checked():
    def make(body):
        suite = Suite("s", "1.0", "s", "s")
        suite.group("G", title="g", title_en="g").check("S-G-01", title="t", title_en="t", requirements=("X",))(body)
        return suite.content_hash

    def one(ctx):
        return None

    def two(ctx):
        raise Fail("x")
    assert make(one) != make(two)
    assert len(SUITE.content_hash) == 64


def test_requirements_command_prints_the_coverage(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from sandbox.cli import main
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    out = CliRunner().invoke(main, ["conformance", "requirements"]).output
    assert SUITE.content_hash in out and "QD2733:D4.k3" in out and "HIS-SIG-01" in out


def test_readme_shows_the_checks_and_the_mutation_table():
    from conformance.docs import README, checks_markdown, mutation_markdown, render
    text = README.read_text(encoding="utf-8")
    assert checks_markdown() in text and mutation_markdown() in text
    assert render(text) == text, "run `python -m conformance.docs`"

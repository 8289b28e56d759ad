"""Import direction (DESIGN.md §2): conformance → sandbox, fixtures; province → sandbox, conformance;
demo → sandbox, fixtures, conformance, province; fixtures → sandbox.reference only; sandbox imports none of them.  Modules stay small and say their
responsibility."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(package: str):
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def test_sandbox_imports_neither_fixtures_nor_conformance():
    bad = [(str(p), m) for p, m in imports("sandbox") if m.split(".")[0] in ("fixtures", "conformance", "demo", "province")]
    assert bad == []


def test_province_uses_the_sandbox_and_the_harness_only():
    bad = [(str(p), m) for p, m in imports("province") if m.split(".")[0] in ("fixtures", "demo")]
    assert bad == []
    bad = [(str(p), m) for p, m in imports("conformance") if m.split(".")[0] == "province"]
    assert bad == []


def test_conformance_holds_the_harness_only():
    """The demo loader, population and vendor tools live in demo/; the harness does not use them."""
    bad = [(str(p), m) for p, m in imports("conformance") if m.split(".")[0] == "demo"]
    assert bad == []
    assert not {"demo.py", "population.py", "tools.py"} & {p.name for p in (ROOT / "conformance").glob("*.py")}


def test_fixtures_import_only_sandbox_reference():
    bad = [(str(p), m) for p, m in imports("fixtures")
           if m.split(".")[0] in ("sandbox", "conformance") and not m.startswith("sandbox.reference")]
    assert bad == []


def test_modules_have_a_docstring_and_stay_small():
    for package in ("sandbox", "fixtures", "conformance", "demo", "province", "loadtests", "examples"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "__init__.py" and not path.read_text().strip():
                continue
            text = path.read_text(encoding="utf-8")
            if not text.strip():
                continue
            assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"
            assert text.count("\n") < 450, f"{path} is over ~400 lines: split it"

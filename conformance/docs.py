"""README tables of the harness, generated so they cannot drift: the checks and the mutation table.

    python -m conformance.docs        (rewrites the blocks in README.md; a test fails when they are stale)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .reference_his import COMBINATIONS, DEFECTS, VARIANTS, expected_failures
from .suite import SUITE

README = Path(__file__).resolve().parent.parent / "docs" / "conformance.md"   # the page that holds the tables


def checks_markdown() -> str:
    lines = [f"Suite `{SUITE.id}` {SUITE.version} · content hash `{SUITE.content_hash[:16]}…`", "",
             "| id | kiểm tra | check | yêu cầu / requirements | loại |", "|---|---|---|---|---|"]
    for c in SUITE.checks:
        kind = "xác nhận / attestation" if c.attestation else "tự động / automatic"
        lines.append(f"| `{c.id}` | {c.title_vi} | {c.title_en} | {', '.join(c.requirements)} | {kind} |")
    return "\n".join(lines)


def mutation_markdown() -> str:
    all_checks = {c.id for c in SUITE.checks}
    lines = ["| variant | what it does wrong | checks that do not pass |", "|---|---|---|",
             "| (reference) | nothing | none: certified |"]
    for name, (vi, _) in DEFECTS.items():
        failing = sorted(expected_failures(name, all_checks))
        lines.append(f"| `{name}` | {vi} | {', '.join(failing)} |")
    for combination in COMBINATIONS:
        failing = sorted(expected_failures(combination, all_checks))
        what = "; ".join(VARIANTS.get(n) or DEFECTS[n][0] for n in combination)
        lines.append(f"| `{' + '.join(combination)}` | {what} | {', '.join(failing) or 'none: certified'} |")
    return "\n".join(lines)


BLOCKS = {"conformance-checks": checks_markdown, "mutation-table": mutation_markdown}


def render(text: str) -> str:
    for name, fn in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} \(generated: python -m conformance.docs\) -->\n).*?(<!-- END {name} -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + fn() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else README
    target.write_text(render(target.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {target}")

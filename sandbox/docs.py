"""Generated documentation: the result-code table of the README and the OpenAPI code enum.

``skdt-sandbox docs`` rewrites both from sandbox/result_codes.py; a test fails when they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from .result_codes import all_codes

BEGIN, END = "<!-- BEGIN result-codes (generated: skdt-sandbox docs) -->", "<!-- END result-codes -->"
ENUM_RE = re.compile(r"(    ResultCode:\n(?:      .*\n)*?      enum: )\[[^\]]*\]")


def codes_markdown() -> str:
    lines = ["| maLoi | maKetQua | HTTP | nguồn / source | loại / kind | Tiếng Việt | English |",
             "|---|---|---|---|---|---|---|"]
    for c in all_codes():
        source = "chính thức / official" if c.official else "sandbox"
        lines.append(f"| `{c.code}` | {c.family} | {c.http_status} | {source} | {c.kind} | {c.vi} | {c.en} |")
    return "\n".join(lines)


def code_enum() -> list[str]:
    return [c.code for c in all_codes()]


def render_readme(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + codes_markdown() + "\n" + text[end:]


def render_spec(text: str) -> str:
    items = ", ".join(f'"{c}"' for c in code_enum())
    new, count = ENUM_RE.subn(lambda m: m.group(1) + f"[{items}]", text)
    if count != 1:
        raise ValueError("ResultCode enum not found in gateway.yaml")
    return new


def write_all(root: Path) -> list[Path]:
    changed = []
    for path, render in ((root / "README.md", render_readme), (root / "openapi" / "gateway.yaml", render_spec)):
        old = path.read_text(encoding="utf-8")
        new = render(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed

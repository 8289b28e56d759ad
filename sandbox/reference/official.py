"""The official field tables (``official/``: the BYT appendix of QĐ 4750, two vendor validation
workbooks, the CV 3190 / CV 1245 templates) read as field lists per profile, and every difference
between them and the profiles the sandbox derives (``profiles.py``).

What each source is trusted for:
- names, order, type and size under QĐ 4750: the BYT appendix, whose type/size columns give the
  QĐ 130 value and whose change column says what QĐ 4750 changed ("Đổi kiểu dữ liệu thành chuỗi",
  "Tăng kích thước tối đa lên N ký tự", "Bổ sung trường mới");
- names and order under QĐ 130: the CV 3190 templates (BHXH); type and size: the appendix's own
  QĐ 130 columns;
- the required flag: the vendor workbooks (the decisions publish none), ``x`` = required;
- QĐ 3176: no official table is at hand; its changes are the ones ``profile_changes.csv`` lists.
Every remaining difference must be listed, with its reason and source, in
``data/official_differences.csv`` (tests/reference/test_official_tables.py).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .profiles import PROFILES, fields, tables

OFFICIAL = resources.files("sandbox.reference") / "official"
DIFFERENCES = resources.files("sandbox.reference") / "data" / "official_differences.csv"
_NEW_IN_4750 = ("Bổ sung trường mới", "Bổ sung thêm trường dự phòng")


@dataclass(frozen=True)
class OfficialField:
    table: str
    name: str
    type: str            # string | number
    max: int | None
    required: str        # R | C | O ("" when the source has no flag)


@dataclass(frozen=True)
class Difference:
    profile: str
    table: str
    element: str
    attribute: str       # presence | order | type | max | required
    ours: str
    official: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.profile, self.table, self.element, self.attribute)


def _table(sheet: str) -> str:
    s = sheet.strip().lower()
    if "check" in s:
        return "XML0"
    return "XML" + re.match(r"bang\s*(\d+)", s).group(1)


def _type(text: str) -> str:
    return "string" if text.strip().startswith("Chu") else "number"


def _size(text: str) -> int | None:
    text = text.strip()
    return None if text in ("", "n") else int(text)


def _required(flag: str) -> str:
    flag = flag.strip().lower()
    if flag == "x":
        return "R"
    if flag.startswith("x") or "bắt buộc" in flag:
        return "C"
    return "O"


def _rows(name: str) -> list[dict]:
    with (OFFICIAL / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, list[str]]]:
    """Element order of the guides' XML templates: {"QD130": {table: [...]}, "QD4750": {...}}."""
    out = {}
    for profile, name in (("QD130", "cv3190-templates.json"), ("QD4750", "cv1245-templates.json")):
        data = json.loads((OFFICIAL / name).read_text(encoding="utf-8"))
        out[profile] = {t: [e for e in v["seq"] if not e.startswith("DSACH_")] for t, v in data.items()}
    return out


@lru_cache(maxsize=None)
def official_fields(profile: str) -> dict[str, tuple[OfficialField, ...]]:
    """{table: fields in order} as the official sources give them for QD130 or QD4750."""
    appendix = _rows("qd4750-appendix-fields.csv")
    flags = {p: {(_table(r["sheet"]), r["field"].strip()): _required(r["c6"]) for r in _rows(f)}
             for p, f in (("QD4750", "validation-qd4750-fields.csv"), ("QD130", "validation-qd130-fields.csv"))}
    out: dict[str, list[OfficialField]] = {}
    for r in appendix:
        table, name, change = _table(r["sheet"]), r["field"].strip(), r["c6"]
        type_, size = _type(r["type"]), _size(r["size"])
        if profile == "QD4750":
            if "Đổi kiểu dữ liệu thành chuỗi" in change:
                type_ = "string"
            grown = re.search(r"Tăng kích thước tối đa lên (\d+)", change)
            if grown:
                size = int(grown.group(1))
        out.setdefault(table, []).append(OfficialField(table, name, type_, size, flags[profile].get((table, name), "")))
    if profile == "QD130":  # only what CV 3190's templates hold, in their order
        order = templates()["QD130"]
        out = {t: sorted((f for f in rows if f.name in order.get(t, ())), key=lambda f: order[t].index(f.name))
               for t, rows in out.items() if t in order}
        out = {t: rows for t, rows in out.items() if rows}
    return {t: tuple(rows) for t, rows in out.items()}


def differences(profile: str) -> list[Difference]:
    """Every way ``profile`` differs from the official table (QD3176 is compared with QD4750's)."""
    source = "QD130" if profile == "QD130" else "QD4750"
    official = official_fields(source)
    out: list[Difference] = []
    for table in sorted(set(official) | set(tables(profile)), key=lambda t: int(t[3:])):
        ours = {f.name: f for f in fields(table, profile)}
        theirs = {f.name: f for f in official.get(table, ())}
        for name in theirs.keys() - ours.keys():
            out.append(Difference(profile, table, name, "presence", "absent", "present"))
        for name in ours.keys() - theirs.keys():
            out.append(Difference(profile, table, name, "presence", "present", "absent"))
        common = [n for n in theirs if n in ours]
        if [n for n in ours if n in theirs] != common:
            out.append(Difference(profile, table, "*", "order", ",".join(n for n in ours if n in theirs), ",".join(common)))
        for name in common:
            mine, off = ours[name], theirs[name]
            if mine.type != off.type:
                out.append(Difference(profile, table, name, "type", mine.type, off.type))
            if mine.max != off.max:
                out.append(Difference(profile, table, name, "max", str(mine.max or "n"), str(off.max or "n")))
            if off.required and (mine.required != (off.required == "R")):
                out.append(Difference(profile, table, name, "required", "R" if mine.required else "not R",
                                      off.required))
    return out


def all_differences() -> list[Difference]:
    return [d for p in PROFILES for d in differences(p)]


@lru_cache(maxsize=1)
def listed() -> dict[tuple[str, str, str, str], dict]:
    """The differences the project accepts, each with its reason and source."""
    with DIFFERENCES.open(encoding="utf-8") as fh:
        return {(r["profile"], r["table"], r["element"], r["attribute"]): r for r in csv.DictReader(fh)}

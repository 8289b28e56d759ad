"""Derive each profile's element list from data/xml_tables.csv (QĐ 3176 state) and data/profile_changes.csv.

QD3176 is the table as consolidated on 28/10/2024.  QD4750 undoes the changes that
came with QĐ 3176 (profile_changes.csv, profile QD4750).  QD130 starts from QD4750, takes every
"(130: type/size)" annotation of the table, and drops what QĐ 4750 added (profile QD130).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from .xml_tables import SHAPES, Element, elements

PROFILES = ("QD130", "QD4750", "QD3176")
DEFAULT_PROFILE = "QD3176"


@dataclass(frozen=True)
class Field:
    """One element of a table in one profile, with the format the XSD enforces."""
    table: str
    order: float
    name: str
    type: str            # string | number
    max: int | None      # None = unbounded
    required: bool
    format: str          # text | decimal | datetime12 | date8 | birth12 | birth8 | date8_list | date8_or_12
    source: str

    @property
    def format_vi(self) -> str:
        return FORMAT_VI[self.format]


FORMAT_VI = {
    "text": "chuỗi ký tự",
    "decimal": "số, dùng dấu chấm thập phân, không có dấu phân cách hàng nghìn",
    "datetime12": "yyyyMMddHHmm (12 chữ số)",
    "date8": "yyyyMMdd (8 chữ số)",
    "birth12": "yyyyMMddHHmm (12 chữ số, tháng/ngày có thể là 00)",
    "birth8": "yyyyMMdd (8 chữ số, tháng/ngày có thể là 00)",
    "date8_list": "yyyyMMdd (8 chữ số), nhiều giá trị cách nhau bởi dấu ;",
    "date8_or_12": "yyyyMMdd hoặc yyyyMMddHHmm",
}


@dataclass(frozen=True)
class Change:
    table: str
    element: str
    profile: str
    change: str
    value: str
    source: str


@lru_cache(maxsize=1)
def changes() -> tuple[Change, ...]:
    data = resources.files("sandbox.reference") / "data" / "profile_changes.csv"
    with data.open(encoding="utf-8") as fh:
        return tuple(Change(**row) for row in csv.DictReader(fh))


def _format(e: Element, max_: int | None, override: str | None = None) -> str:
    if override:
        return {"yyyyMMddHHmm": "datetime12", "yyyyMMdd": "date8"}[override]
    if e.type == "number":
        return "decimal"
    notes = e.notes
    if e.name == "NGAY_MIEN_CCT":
        return "date8_or_12"
    if e.name in ("NGAY_SINH",) and max_ == 12:
        return "birth12"
    if e.name == "NGAY_SINH" and max_ == 8:
        return "birth8"
    if e.name == "NGAY_TAI_KHAM" or (notes.startswith("yyyyMMdd (8 digits)") and max_ is None):
        return "date8_list"
    if "yyyyMMddHHmm (12 digits)" in notes and max_ in (12, None):
        return "datetime12"
    if "yyyyMMdd (8 digits)" in notes and max_ == 8:
        return "date8"
    if e.name in ("NGAY_VAO", "NGAY_RA") and max_ == 100:  # XML13: sheet says 100, "use 12"
        return "datetime12"
    return "text"


def _size(text: str) -> int | None:
    return None if text in ("n", "") else int(text)


@lru_cache(maxsize=None)
def fields(table: str, profile: str = DEFAULT_PROFILE) -> tuple[Field, ...]:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile}")
    mine = [c for c in changes() if c.table == table]
    wanted = {"QD3176": (), "QD4750": ("QD4750",), "QD130": ("QD4750", "QD130")}[profile]
    if any(c.element == "*" and c.change == "absent" and c.profile in wanted for c in mine):
        return ()
    out: list[Field] = []
    for e in elements(table):
        name, max_, type_, fmt_override, required_override = e.name, _size(e.max), e.type, None, None
        source = f"{table} #{e.order} (QĐ 3176 consolidated table)"
        if e.name in ("NGAY_VAO", "NGAY_RA") and table == "XML13":
            max_ = 12
        absent = False
        for c in (c for c in mine if c.element == e.name and c.profile in wanted):
            if c.change == "absent":
                absent = True
            elif c.change == "rename":
                name = c.value
            elif c.change == "max":
                max_ = _size(c.value)
            elif c.change == "type":
                type_ = c.value
            elif c.change == "required":
                required_override = c.value == "R"
            elif c.change == "format":
                fmt_override = c.value
            source += f"; {c.profile}: {c.source}"
        if absent:
            continue
        if profile == "QD130" and e.type_130:
            type_, max_ = e.type_130, _size(e.max_130)
            source += f"; QD130: {e.type_130}/{e.max_130} per the table's (130: …) note"
        required = e.req == "R" if required_override is None else required_override
        out.append(Field(table, e.order, name, type_, max_, required, _format(replace(e, type=type_), max_, fmt_override), source))
    extras = [c for c in mine if c.change == "extra" and c.profile in wanted]
    for i, c in enumerate(extras, start=1):  # elements a later decision removed, after the named element
        type_, size, req, after = (c.value.split("/") + ["DU_PHONG"])[:4]
        anchor = next((f.order for f in out if f.name == after.removeprefix("after:")), 1000)
        out.append(Field(table, anchor + i / (len(extras) + 1), c.element, type_, _size(size), req == "R",
                         "text", f"{table} ({c.profile}): {c.source}"))
    return tuple(sorted(out, key=lambda f: f.order))


def tables(profile: str = DEFAULT_PROFILE) -> tuple[str, ...]:
    """The LOAIHOSO values a profile knows (XML0 and XML12 travel on their own endpoints)."""
    return tuple(t for t in SHAPES if fields(t, profile))


def field_map(table: str, profile: str = DEFAULT_PROFILE) -> dict[str, Field]:
    return {f.name: f for f in fields(table, profile)}


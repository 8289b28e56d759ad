"""EpisodeView: the tables of one HOSO as rows of strings, with safe typed accessors for rules."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from ...reference.xml_tables import SHAPES
from ..parsing import FileHoSo, HoSo

ROOT_TABLE = {shape.root: table for table, shape in SHAPES.items()}


@dataclass(frozen=True)
class Row:
    table: str
    index: int              # 1-based position in the table's list (1 for flat tables)
    xpath: str              # XPath of the row element
    values: dict[str, str]
    line: int | None

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def num(self, name: str) -> Decimal | None:
        """The field as a number (None when empty or not one)."""
        return dec(self.values.get(name, ""))

    def path(self, name: str) -> str:
        return f"{self.xpath}/{name}"


_KEYS: dict[str, str] = {}


def _key(tag: str) -> str:
    """The element's tag as a row key, interned: 10 000 drug lines share one "TEN_THUOC" key, not
    10 000.  A namespaced child keeps its "{ns}NAME" tag: no rule reads it (the XSD refuses it)."""
    name = _KEYS.get(tag)
    if name is None:
        name = sys.intern(tag)
        if len(_KEYS) < 4096:              # the tables' field names; a hostile document cannot grow it
            _KEYS[tag] = name
    return name


def _rows(table: str | None, root: etree._Element) -> list[Row]:
    """The rows of a table document: the root itself for flat tables (and for a root no table
    has), else the list's children.  A value is the child's text, comments skipped, stripped; a
    field repeated in a row reads as its first occurrence, as ``find`` does."""
    shape = SHAPES.get(table) if table else None
    if shape is None or shape.list is None:
        nodes, prefix = [root], None
    else:
        nodes, prefix = root.findall(f"{shape.list}/{shape.row}"), f"/{shape.root}/{shape.list}/{shape.row}"
    out = []
    for i, node in enumerate(nodes, start=1):
        values: dict[str, str] = {}
        for child in node.iterchildren(etree.Element):      # elements only: comments and PIs skipped
            tag = child.tag
            key = _KEYS.get(tag) or _key(tag)          # the common case without a call
            if key not in values:
                values[key] = ("".join(child.itertext()) if len(child) else child.text or "").strip()
        out.append(Row(table or "", i, f"/{root.tag}" if prefix is None else f"{prefix}[{i}]", values,
                       node.sourceline))
    return out


def file_rows(hoso: HoSo, f: FileHoSo) -> list[Row]:
    """The rows of one of the HOSO's FILEHOSO, read once per evaluation and shared by the structure
    checks, the business rules and the extraction ([] when it could not be decoded).  The table is
    the one whose root the document has, whatever its LOAIHOSO says."""
    key = ("rows", id(f))     # f lives as long as the HOSO that holds it (and its cache)
    rows = hoso.cache.get(key)
    if rows is None:
        rows = hoso.cache[key] = [] if f.root is None else _rows(ROOT_TABLE.get(f.root.tag), f.root)
    return rows


@dataclass(frozen=True)
class EpisodeView:
    facility_code: str
    tables: dict[str, list[Row]] = field(default_factory=dict)

    @classmethod
    def of(cls, hoso: HoSo, facility_code: str) -> "EpisodeView":
        """The HOSO's view, built once: the business rules and the extraction read the same rows."""
        key = ("view", facility_code)
        if key not in hoso.cache:
            hoso.cache[key] = cls.from_hoso(hoso, facility_code)
        return hoso.cache[key]

    @classmethod
    def from_hoso(cls, hoso: HoSo, facility_code: str) -> "EpisodeView":
        tables: dict[str, list[Row]] = {}
        for f in hoso.files:
            if f.root is not None and ROOT_TABLE.get(f.root.tag) == f.loai and f.loai not in tables:
                tables[f.loai] = file_rows(hoso, f)
        return cls(facility_code, tables)

    @classmethod
    def from_rows(cls, facility_code: str, tables: dict[str, list[dict]]) -> "EpisodeView":
        """Build directly from dicts (tests)."""
        out = {}
        for t, rows in tables.items():
            shape = SHAPES[t]
            out[t] = [Row(t, i, f"/{shape.root}" if shape.list is None else f"/{shape.root}/{shape.list}/{shape.row}[{i}]",
                          {k: "" if v is None else str(v) for k, v in r.items()}, None)
                      for i, r in enumerate(rows, start=1)]
        return cls(facility_code, out)

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    @property
    def xml1(self) -> Row | None:
        rows = self.rows("XML1")
        return rows[0] if rows else None

    @property
    def ma_lk(self) -> str:
        return self.xml1.get("MA_LK") if self.xml1 else ""

    def has(self, table: str) -> bool:
        return bool(self.rows(table))


@lru_cache(maxsize=4096)   # amounts repeat (quantities, rates, prices): parsed once, memory bounded
def dec(text: str) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


@lru_cache(maxsize=4096)   # an episode's lines share a few instants: each is read once
def ts(text: str) -> datetime | None:
    """yyyyMMddHHmm → datetime (None when empty or malformed)."""
    if len(text) != 12 or not text.isdigit():
        return None
    try:
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def day(text: str) -> date | None:
    """yyyyMMdd (or the date part of yyyyMMddHHmm) → date."""
    if len(text) < 8 or not text[:8].isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def money_equal(a: Decimal | None, b: Decimal | None, tolerance: Decimal = Decimal("0.01")) -> bool:
    """Amounts agree within one cent (rounding to 2 dp happens at different steps in HIS software)."""
    return a is None or b is None or abs(a - b) <= tolerance


def fmt(value: Decimal | None) -> str:
    return "" if value is None else format(value.quantize(Decimal("0.01")), "f")


def judged_day(v, ctx) -> date | None:
    """The date an episode is judged on (reference/calendar.py): the rehearsal date when one is set, else
    the episode's end (NGAY_RA), else its start (NGAY_VAO)."""
    if getattr(ctx, "as_of", None) is not None:
        return ctx.as_of
    x = v.xml1
    return day(x.get("NGAY_RA")) or day(x.get("NGAY_VAO"))


"""Amount rules: the XML2/XML3 line formulas and the XML1 totals (QĐ 3176 wording).

Money is compared within one cent.  While T_NGUONKHAC > 0 the patient/fund split is reduced by
the other sources (T_BNTT first, then T_BNCCT, then T_BHTT), so the split formulas are only
checked on lines without other sources.
"""

from __future__ import annotations

from decimal import Decimal

from . import Hit, rule
from .view import EpisodeView, Row, fmt

Q2 = CENT = Decimal("0.01")
ZERO = Decimal(0)
SRC_3176 = "QĐ 130 Bảng {t} (công thức theo QĐ 3176)"
SUPPLY_GROUPS = {"10", "11"}


def _check(row: Row, name: str, expected: Decimal | None, formula_vi: str, formula_en: str):
    actual = row.num(name)
    if expected is None or actual is None:
        return
    if abs(actual - expected.quantize(Q2)) > CENT:   # money_equal, inline: ~100 checks per episode
        yield Hit(row.table, row.path(name), row.get(name), f"{name}={row.get(name)}, {formula_vi} = {fmt(expected)}",
                  f"{name}={row.get(name)}, {formula_en} = {fmt(expected)}", row.line)


def _n(row: Row, *names: str) -> list[Decimal | None]:
    return [row.num(n) for n in names]


def _other(row: Row) -> Decimal:
    return row.num("T_NGUONKHAC") or ZERO


@rule("XML2-AMT-01", "THANH_TIEN_BV phải bằng SO_LUONG × DON_GIA", "THANH_TIEN_BV must equal SO_LUONG × DON_GIA",
      source=SRC_3176.format(t=2), fields=("SO_LUONG", "DON_GIA", "THANH_TIEN_BV"))
def xml2_bv(v: EpisodeView, ctx):
    for r in v.rows("XML2"):
        q, p = _n(r, "SO_LUONG", "DON_GIA")
        yield from _check(r, "THANH_TIEN_BV", q * p if None not in (q, p) else None, "SO_LUONG × DON_GIA", "SO_LUONG × DON_GIA")


@rule("XML2-AMT-02", "THANH_TIEN_BH phải bằng SO_LUONG × DON_GIA × TYLE_TT_BH/100",
      "THANH_TIEN_BH must equal SO_LUONG × DON_GIA × TYLE_TT_BH/100",
      source=SRC_3176.format(t=2), fields=("SO_LUONG", "DON_GIA", "TYLE_TT_BH", "THANH_TIEN_BH"))
def xml2_bh(v, ctx):
    for r in v.rows("XML2"):
        q, p, t = _n(r, "SO_LUONG", "DON_GIA", "TYLE_TT_BH")
        exp = q * p * t / 100 if None not in (q, p, t) else None
        yield from _check(r, "THANH_TIEN_BH", exp, "SO_LUONG × DON_GIA × TYLE_TT_BH/100", "SO_LUONG × DON_GIA × TYLE_TT_BH/100")


@rule("XML2-AMT-03", "Phân chia chi phí thuốc sai (T_BNTT, T_BHTT, T_BNCCT theo QĐ 3176)",
      "Drug cost split is wrong (T_BNTT, T_BHTT, T_BNCCT per QĐ 3176)",
      source=SRC_3176.format(t=2), fields=("THANH_TIEN_BV", "TYLE_TT_BH", "MUC_HUONG", "T_BNTT", "T_BHTT", "T_BNCCT",
                                               "T_NGUONKHAC"))
def xml2_split(v, ctx):
    for r in v.rows("XML2"):
        bv, t, m = _n(r, "THANH_TIEN_BV", "TYLE_TT_BH", "MUC_HUONG")
        if None in (bv, t, m) or _other(r) > 0:
            continue
        bntt = (bv * (1 - t / 100)).quantize(Q2)
        bhtt = (bv * t / 100 * m / 100).quantize(Q2)
        yield from _check(r, "T_BNTT", bntt, "THANH_TIEN_BV × (1 − TYLE_TT_BH/100)", "THANH_TIEN_BV × (1 − TYLE_TT_BH/100)")
        yield from _check(r, "T_BHTT", bhtt, "THANH_TIEN_BV × TYLE_TT_BH/100 × MUC_HUONG/100",
                          "THANH_TIEN_BV × TYLE_TT_BH/100 × MUC_HUONG/100")
        yield from _check(r, "T_BNCCT", bv - bhtt - bntt, "THANH_TIEN_BV − T_BHTT − T_BNTT", "THANH_TIEN_BV − T_BHTT − T_BNTT")


@rule("XML2-AMT-04", "T_NGUONKHAC phải bằng tổng 4 nguồn khác", "T_NGUONKHAC must be the sum of the four other sources",
      source=SRC_3176.format(t="2, 3"), fields=("T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN",
                                               "T_NGUONKHAC_CL", "T_NGUONKHAC"))
def other_sources(v, ctx):
    for table in ("XML2", "XML3"):
        for r in v.rows(table):
            parts = _n(r, "T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN", "T_NGUONKHAC_CL")
            total = sum((p for p in parts if p is not None), ZERO)
            yield from _check(r, "T_NGUONKHAC", total, "NSNN + VTNN + VTTN + CL", "NSNN + VTNN + VTTN + CL")


@rule("XML3-AMT-01", "THANH_TIEN_BV phải bằng SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100",
      "THANH_TIEN_BV must equal SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100",
      source=SRC_3176.format(t=3), fields=("SO_LUONG", "DON_GIA_BV", "TYLE_TT_DV", "THANH_TIEN_BV"))
def xml3_bv(v, ctx):
    for r in v.rows("XML3"):
        q, p, dv = _n(r, "SO_LUONG", "DON_GIA_BV", "TYLE_TT_DV")
        exp = q * p * dv / 100 if None not in (q, p, dv) else None
        yield from _check(r, "THANH_TIEN_BV", exp, "SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100", "SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100")


@rule("XML3-AMT-02", "THANH_TIEN_BH phải bằng SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100",
      "THANH_TIEN_BH must equal SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100",
      source=SRC_3176.format(t=3), fields=("SO_LUONG", "DON_GIA_BH", "TYLE_TT_DV", "TYLE_TT_BH", "THANH_TIEN_BH"))
def xml3_bh(v, ctx):
    for r in v.rows("XML3"):
        q, p, dv, t = _n(r, "SO_LUONG", "DON_GIA_BH", "TYLE_TT_DV", "TYLE_TT_BH")
        exp = q * p * dv / 100 * t / 100 if None not in (q, p, dv, t) else None
        yield from _check(r, "THANH_TIEN_BH", exp, "SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100",
                          "SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100")


@rule("XML3-AMT-03", "Phân chia chi phí DVKT/VTYT sai (T_BNTT, T_BHTT, T_BNCCT theo QĐ 3176)",
      "Service/supply cost split is wrong (T_BNTT, T_BHTT, T_BNCCT per QĐ 3176)",
      source=SRC_3176.format(t=3), fields=("THANH_TIEN_BV", "THANH_TIEN_BH", "MUC_HUONG", "T_BNTT", "T_BHTT", "T_BNCCT",
                                               "T_NGUONKHAC"))
def xml3_split(v, ctx):
    for r in v.rows("XML3"):
        bv, bh, m = _n(r, "THANH_TIEN_BV", "THANH_TIEN_BH", "MUC_HUONG")
        if None in (bv, bh, m) or _other(r) > 0:
            continue
        bhtt = (bh * m / 100).quantize(Q2)
        yield from _check(r, "T_BNTT", bv - bh, "THANH_TIEN_BV − THANH_TIEN_BH", "THANH_TIEN_BV − THANH_TIEN_BH")
        yield from _check(r, "T_BHTT", bhtt, "THANH_TIEN_BH × MUC_HUONG/100", "THANH_TIEN_BH × MUC_HUONG/100")
        yield from _check(r, "T_BNCCT", bh - bhtt, "THANH_TIEN_BH − T_BHTT", "THANH_TIEN_BH − T_BHTT")


@rule("XML3-AMT-04", "Vật tư có trần: DON_GIA_BH phải bằng min(DON_GIA_BV, T_TRANTT)",
      "Capped supply: DON_GIA_BH must equal min(DON_GIA_BV, T_TRANTT)",
      source=SRC_3176.format(t=3), fields=("DON_GIA_BV", "DON_GIA_BH", "T_TRANTT"))
def capped(v, ctx):
    for r in v.rows("XML3"):
        bv, bh, cap = _n(r, "DON_GIA_BV", "DON_GIA_BH", "T_TRANTT")
        if None in (bv, bh, cap):
            continue
        yield from _check(r, "DON_GIA_BH", min(bv, cap), "min(DON_GIA_BV, T_TRANTT)", "min(DON_GIA_BV, T_TRANTT)")


def _sum(rows, name, where=lambda r: True) -> Decimal:
    return sum((n for n in (r.num(name) for r in rows if where(r)) if n is not None), ZERO)


TOTALS = [  # (id, XML1 field, lines, line field, filter, vi, en)
    ("XML1-SUM-01", "T_THUOC", ("XML2",), "THANH_TIEN_BV", None, "Σ THANH_TIEN_BV của XML2", "Σ XML2.THANH_TIEN_BV"),
    ("XML1-SUM-02", "T_VTYT", ("XML3",), "THANH_TIEN_BV", (lambda r: r.get("MA_NHOM") in SUPPLY_GROUPS, "MA_NHOM"),
     "Σ THANH_TIEN_BV của VTYT (MA_NHOM 10, 11) trong XML3", "Σ XML3.THANH_TIEN_BV of supplies (MA_NHOM 10, 11)"),
    ("XML1-SUM-03", "T_TONGCHI_BV", ("XML2", "XML3"), "THANH_TIEN_BV", None, "Σ THANH_TIEN_BV của XML2 + XML3",
     "Σ THANH_TIEN_BV of XML2 + XML3"),
    ("XML1-SUM-04", "T_TONGCHI_BH", ("XML2", "XML3"), "THANH_TIEN_BH", None, "Σ THANH_TIEN_BH của XML2 + XML3",
     "Σ THANH_TIEN_BH of XML2 + XML3"),
    ("XML1-SUM-05", "T_BNTT", ("XML2", "XML3"), "T_BNTT", None, "Σ T_BNTT của XML2 + XML3", "Σ T_BNTT of XML2 + XML3"),
    ("XML1-SUM-06", "T_BNCCT", ("XML2", "XML3"), "T_BNCCT", None, "Σ T_BNCCT của XML2 + XML3", "Σ T_BNCCT of XML2 + XML3"),
    ("XML1-SUM-07", "T_NGUONKHAC", ("XML2", "XML3"), "T_NGUONKHAC", None, "Σ T_NGUONKHAC của XML2 + XML3",
     "Σ T_NGUONKHAC of XML2 + XML3"),
    ("XML1-SUM-08", "T_BHTT_GDV", ("XML2", "XML3"), "T_BHTT", (lambda r: r.get("MA_PTTT") == "1", "MA_PTTT"),
     "Σ T_BHTT của các dòng MA_PTTT = 1", "Σ T_BHTT of lines with MA_PTTT = 1"),
]


def _total_rule(rid, name, tables, line_field, where, vi, en):
    where, where_field = where if where else (None, None)
    @rule(rid, f"{name} phải bằng {vi}", f"{name} must equal {en}", source="QĐ 130 Bảng 1 (QĐ 3176)",
          fields=tuple(f for f in (name, line_field, where_field) if f))
    def check(v: EpisodeView, ctx):
        x = v.xml1
        lines = [r for t in tables for r in v.rows(t)]
        expected = _sum(lines, line_field, where or (lambda r: True))
        yield from _check(x, name, expected, vi, en)
    return check


for _spec in TOTALS:
    _total_rule(*_spec)


@rule("XML1-SUM-09", "T_BHTT phải bằng T_TONGCHI_BH − T_BNCCT", "T_BHTT must equal T_TONGCHI_BH − T_BNCCT",
      source="QĐ 130 Bảng 1", fields=("T_BHTT", "T_TONGCHI_BH", "T_BNCCT"))
def xml1_bhtt(v, ctx):
    bh, bncct = _n(v.xml1, "T_TONGCHI_BH", "T_BNCCT")
    if None not in (bh, bncct):
        yield from _check(v.xml1, "T_BHTT", bh - bncct, "T_TONGCHI_BH − T_BNCCT", "T_TONGCHI_BH − T_BNCCT")

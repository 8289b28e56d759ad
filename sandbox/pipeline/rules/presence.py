"""Conditional fields and which tables a form of care requires or forbids."""

from __future__ import annotations

import re

from . import WARNING, Hit, rule
from .view import EpisodeView

TREATMENT_FORMS = {"02", "03", "04", "05", "06", "08", "09"}
PERFORMED_GROUPS = {"1", "2", "3", "8", "18"}
GOI_VTYT = re.compile(r"^G[1-9]\d{0,2}$")


def _missing(row, name, table, vi, en):
    if not row.get(name):
        return Hit(table, row.path(name), "", vi, en, row.line)
    return None


@rule("XML1-COND-01", "LY_DO_VNT bắt buộc khi có NGAY_VAO_NOI_TRU", "LY_DO_VNT is required when NGAY_VAO_NOI_TRU is given",
      source="QĐ 4750 Bảng 1", fields=("NGAY_VAO_NOI_TRU", "LY_DO_VNT"))
def reason_for_admission(v: EpisodeView, ctx):
    x = v.xml1
    if x.get("NGAY_VAO_NOI_TRU") and not x.get("LY_DO_VNT"):
        yield Hit("XML1", x.path("LY_DO_VNT"), "", "ghi lý do vào nội trú", "give the reason for admission", x.line)


@rule("XML2-COND-01", "TT_THAU bắt buộc trừ MA_NHOM 7 và 17", "TT_THAU is required except for MA_NHOM 7 and 17",
      source="QĐ 130 Bảng 2", fields=("TT_THAU", "MA_NHOM"))
def drug_tender(v, ctx):
    for r in v.rows("XML2"):
        if r.get("MA_NHOM") not in ("7", "17") and not r.get("TT_THAU"):
            yield Hit("XML2", r.path("TT_THAU"), "", f"dòng {r.index}, MA_NHOM {r.get('MA_NHOM')}",
                      f"line {r.index}, MA_NHOM {r.get('MA_NHOM')}", r.line)


@rule("XML3-COND-01", "Thiếu trường bắt buộc theo MA_NHOM (MA_XANG_DAU khi 12, TT_THAU khi 10, NGUOI_THUC_HIEN và NGAY_TH_YL khi 1, 2, 3, 8, 18)",
      "Field required by MA_NHOM missing (MA_XANG_DAU for 12, TT_THAU for 10, NGUOI_THUC_HIEN and NGAY_TH_YL for 1, 2, 3, 8, 18)",
      source="QĐ 130/3176 Bảng 3", fields=("MA_NHOM", "MA_XANG_DAU", "TT_THAU", "NGUOI_THUC_HIEN", "NGAY_TH_YL"))
def service_conditionals(v, ctx):
    for r in v.rows("XML3"):
        group = r.get("MA_NHOM")
        needed = {"12": ("MA_XANG_DAU",), "10": ("TT_THAU",)}.get(group, ())
        if group in PERFORMED_GROUPS:
            needed = ("NGUOI_THUC_HIEN", "NGAY_TH_YL")
        for name in needed:
            if not r.get(name):
                yield Hit("XML3", r.path(name), "", f"dòng {r.index}: MA_NHOM {group} cần {name}",
                          f"line {r.index}: MA_NHOM {group} needs {name}", r.line)


@rule("XML3-FMT-01", "GOI_VTYT phải có dạng G1 … G999", "GOI_VTYT must look like G1 … G999",
      source="vendor rule [S3] (a vendor validation workbook)", fields=("GOI_VTYT",), confidence="vendor")
def supply_package(v, ctx):
    for r in v.rows("XML3"):
        if r.get("GOI_VTYT") and not GOI_VTYT.match(r.get("GOI_VTYT")):
            yield Hit("XML3", r.path("GOI_VTYT"), r.get("GOI_VTYT"), "", "", r.line)


@rule("XML4-COND-01", "NGAY_KQ bắt buộc khi có GIA_TRI", "NGAY_KQ is required when GIA_TRI is given",
      source="QĐ 130 Bảng 4", fields=("GIA_TRI", "NGAY_KQ"))
def lab_result_time(v, ctx):
    for r in v.rows("XML4"):
        if r.get("GIA_TRI") and not r.get("NGAY_KQ"):
            yield Hit("XML4", r.path("NGAY_KQ"), "", f"chỉ số {r.get('TEN_CHI_SO')}", f"indicator {r.get('TEN_CHI_SO')}", r.line)


@rule("XML7-COND-01", "Đình chỉ thai nghén: cần NGUYENNHAN_DINHCHI, THOIGIAN_DINHCHI và TUOI_THAI 1–42",
      "Termination of pregnancy needs NGUYENNHAN_DINHCHI, THOIGIAN_DINHCHI and TUOI_THAI 1–42",
      source="QĐ 130 Bảng 7", fields=("MA_DINH_CHI_THAI", "NGUYENNHAN_DINHCHI", "THOIGIAN_DINHCHI", "TUOI_THAI"))
def termination(v, ctx):
    for r in v.rows("XML7"):
        if r.get("MA_DINH_CHI_THAI") != "1":
            continue
        for name in ("NGUYENNHAN_DINHCHI", "THOIGIAN_DINHCHI"):
            if not r.get(name):
                yield Hit("XML7", r.path(name), "", f"thiếu {name}", f"{name} missing", r.line)
        age = r.get("TUOI_THAI")
        if not (age.isdigit() and 1 <= int(age) <= 42):
            yield Hit("XML7", r.path("TUOI_THAI"), age, "tuổi thai 1–42 tuần", "gestational age 1–42 weeks", r.line)


@rule("XML7-COND-02", "SO_NGAY_NGHI, NGOAITRU_TUNGAY, NGOAITRU_DENNGAY phải cùng có hoặc cùng trống",
      "SO_NGAY_NGHI, NGOAITRU_TUNGAY, NGOAITRU_DENNGAY are all or none", source="QĐ 130 Bảng 7",
      fields=("SO_NGAY_NGHI", "NGOAITRU_TUNGAY", "NGOAITRU_DENNGAY"))
def rest_fields(v, ctx):
    names = ("SO_NGAY_NGHI", "NGOAITRU_TUNGAY", "NGOAITRU_DENNGAY")
    for r in v.rows("XML7"):
        filled = [n for n in names if r.get(n)]
        if 0 < len(filled) < 3:
            missing = [n for n in names if n not in filled]
            yield Hit("XML7", r.path(missing[0]), "", f"thiếu {', '.join(missing)}", f"missing {', '.join(missing)}", r.line)


@rule("HOSO-TBL-02", "Điều trị nội trú / nội trú ban ngày phải có XML8 (tóm tắt hồ sơ bệnh án)",
      "Inpatient and day treatment need XML8 (case summary)", source="QĐ 130 Bảng 8; QĐ 2733 PL02",
      fields=("MA_LOAI_KCB",))
def summary_for_inpatients(v, ctx):
    if v.xml1.get("MA_LOAI_KCB") in ("03", "04") and not v.has("XML8"):
        yield Hit("XML8", "", v.xml1.get("MA_LOAI_KCB"), "bổ sung XML8", "add XML8")


@rule("HOSO-TBL-03", "Giấy chuyển tuyến XML13 chỉ gửi khi MA_LOAI_RV là 2 hoặc 5",
      "The referral paper XML13 is sent only when MA_LOAI_RV is 2 or 5", source="QĐ 4750 Bảng 13",
      fields=("MA_LOAI_RV",))
def referral_only_when_referred(v, ctx):
    if v.has("XML13") and v.xml1.get("MA_LOAI_RV") not in ("2", "5"):
        yield Hit("XML13", "/CHI_TIEU_GIAYCHUYENTUYEN", v.xml1.get("MA_LOAI_RV"),
                  f"MA_LOAI_RV = {v.xml1.get('MA_LOAI_RV')}", f"MA_LOAI_RV = {v.xml1.get('MA_LOAI_RV')}")


@rule("HOSO-TBL-04", "Chuyển tuyến (MA_LOAI_RV 2, 5) nhưng không có giấy chuyển tuyến XML13",
      "Referred (MA_LOAI_RV 2, 5) but no referral paper XML13", source="QĐ 4750 Bảng 13; QĐ 2733 Đ6",
      fields=("MA_LOAI_RV",), severity=WARNING, profiles=("QD4750", "QD3176"))
def referral_paper_expected(v, ctx):
    if v.xml1.get("MA_LOAI_RV") in ("2", "5") and not v.has("XML13"):
        yield Hit("XML1", v.xml1.path("MA_LOAI_RV"), v.xml1.get("MA_LOAI_RV"), "gửi kèm XML13", "send XML13 too", v.xml1.line)


@rule("HOSO-TBL-05", "Có giấy hẹn XML14 nhưng XML1.NGAY_TAI_KHAM trống", "XML14 present but XML1.NGAY_TAI_KHAM is empty",
      source="QĐ 4750 Bảng 14", fields=("NGAY_TAI_KHAM",), severity=WARNING, profiles=("QD4750", "QD3176"))
def appointment_date_in_xml1(v, ctx):
    if v.has("XML14") and not v.xml1.get("NGAY_TAI_KHAM"):
        yield Hit("XML1", v.xml1.path("NGAY_TAI_KHAM"), "", "điền ngày tái khám", "fill the follow-up date", v.xml1.line)

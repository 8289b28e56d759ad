"""Date-order rules and SO_NGAY_DTRI by form of care."""

from __future__ import annotations

from . import WARNING, Hit, rule
from .view import EpisodeView, day, ts

SRC = "QĐ 130/4750/3176, ràng buộc thời gian"
SRC_DEF = "QĐ 130 Bảng 1 (định nghĩa NGAY_VAO, NGAY_VAO_NOI_TRU, NGAY_RA)"


@rule("XML1-DATE-01", "NGAY_VAO phải trước hoặc bằng NGAY_RA", "NGAY_VAO must not be after NGAY_RA",
      source=SRC_DEF, fields=("NGAY_VAO", "NGAY_RA"))
def in_before_out(v: EpisodeView, ctx):
    x = v.xml1
    vao, ra = ts(x.get("NGAY_VAO")), ts(x.get("NGAY_RA"))
    if vao and ra and vao > ra:
        yield Hit("XML1", x.path("NGAY_RA"), x.get("NGAY_RA"), f"vào {x.get('NGAY_VAO')}, ra {x.get('NGAY_RA')}",
                  f"in {x.get('NGAY_VAO')}, out {x.get('NGAY_RA')}", x.line)


@rule("XML1-DATE-02", "NGAY_VAO ≤ NGAY_VAO_NOI_TRU ≤ NGAY_RA", "NGAY_VAO ≤ NGAY_VAO_NOI_TRU ≤ NGAY_RA",
      source=SRC_DEF, fields=("NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_RA"))
def admission_inside(v, ctx):
    x = v.xml1
    vao, vnt, ra = ts(x.get("NGAY_VAO")), ts(x.get("NGAY_VAO_NOI_TRU")), ts(x.get("NGAY_RA"))
    if vnt and ((vao and vnt < vao) or (ra and vnt > ra)):
        yield Hit("XML1", x.path("NGAY_VAO_NOI_TRU"), x.get("NGAY_VAO_NOI_TRU"),
                  f"vào {x.get('NGAY_VAO')}, vào nội trú {x.get('NGAY_VAO_NOI_TRU')}, ra {x.get('NGAY_RA')}",
                  f"in {x.get('NGAY_VAO')}, admitted {x.get('NGAY_VAO_NOI_TRU')}, out {x.get('NGAY_RA')}", x.line)


def _order(v, tables, first, second, vi, en):
    for t in tables:
        for r in v.rows(t):
            a, b = ts(r.get(first)), ts(r.get(second))
            if a and b and b < a:
                yield Hit(t, r.path(second), r.get(second), f"{first}={r.get(first)}, {second}={r.get(second)}",
                          f"{first}={r.get(first)}, {second}={r.get(second)}", r.line)


@rule("LINE-DATE-01", "NGAY_TH_YL (thực hiện) không được trước NGAY_YL (y lệnh)",
      "NGAY_TH_YL (execution) must not precede NGAY_YL (order)", source=SRC, fields=("NGAY_YL", "NGAY_TH_YL"),
      confidence="unconfirmed")
def executed_after_order(v, ctx):
    yield from _order(v, ("XML2", "XML3"), "NGAY_YL", "NGAY_TH_YL", "", "")


@rule("LINE-DATE-02", "NGAY_KQ (kết quả) không được trước NGAY_YL (y lệnh)",
      "NGAY_KQ (result) must not precede NGAY_YL (order)", source=SRC, fields=("NGAY_YL", "NGAY_KQ"),
      confidence="unconfirmed")
def result_after_order(v, ctx):
    yield from _order(v, ("XML3",), "NGAY_YL", "NGAY_KQ", "", "")


@rule("LINE-DATE-03", "Y lệnh nằm ngoài thời gian của đợt KCB", "An order lies outside the episode",
      source=SRC, fields=("NGAY_YL", "NGAY_VAO", "NGAY_RA"), severity=WARNING, confidence="unconfirmed")
def orders_inside_episode(v, ctx):
    vao, ra = ts(v.xml1.get("NGAY_VAO")), ts(v.xml1.get("NGAY_RA"))
    if not (vao and ra):
        return
    for t in ("XML2", "XML3"):
        for r in v.rows(t):
            yl = ts(r.get("NGAY_YL"))
            if yl and (yl < vao or yl > ra):
                yield Hit(t, r.path("NGAY_YL"), r.get("NGAY_YL"), f"đợt KCB {v.xml1.get('NGAY_VAO')}–{v.xml1.get('NGAY_RA')}",
                          f"episode {v.xml1.get('NGAY_VAO')}–{v.xml1.get('NGAY_RA')}", r.line)


@rule("XML14-DATE-01", "Ngày hẹn khám lại (NGAY_HEN_KL) phải sau hoặc bằng ngày ra (NGAY_RA)",
      "NGAY_HEN_KL must not be before the discharge date", source="QĐ 4750/3176 Bảng 14",
      fields=("NGAY_HEN_KL", "NGAY_RA"))
def appointment_after_discharge(v, ctx):
    ra = day(v.xml1.get("NGAY_RA"))
    for r in v.rows("XML14"):
        hen = day(r.get("NGAY_HEN_KL"))
        if hen and ra and hen < ra:
            yield Hit("XML14", r.path("NGAY_HEN_KL"), r.get("NGAY_HEN_KL"), f"ra viện {v.xml1.get('NGAY_RA')[:8]}",
                      f"discharged {v.xml1.get('NGAY_RA')[:8]}", r.line)


@rule("XML14-DATE-02", "Ngày cấp giấy hẹn (NGAY_CT) phải sau hoặc bằng ngày vào", "NGAY_CT must not precede NGAY_VAO",
      source="QĐ 4750/3176 Bảng 14", fields=("NGAY_CT", "NGAY_VAO"))
def slip_after_arrival(v, ctx):
    vao = day(v.xml1.get("NGAY_VAO"))
    for r in v.rows("XML14"):
        ct = day(r.get("NGAY_CT"))
        if ct and vao and ct < vao:
            yield Hit("XML14", r.path("NGAY_CT"), r.get("NGAY_CT"), f"vào {v.xml1.get('NGAY_VAO')[:8]}",
                      f"arrived {v.xml1.get('NGAY_VAO')[:8]}", r.line)


SRC_DAYS = "QĐ 4750 Bảng 1 STT 38 (SO_NGAY_DTRI), official/qd4750-appendix-fields.csv"


@rule("XML1-DAYS-01", "SO_NGAY_DTRI không đúng theo hình thức KCB (QĐ 4750)",
      "SO_NGAY_DTRI does not fit the form of care (QĐ 4750)", source=SRC_DAYS,
      fields=("SO_NGAY_DTRI", "MA_LOAI_KCB", "NGAY_VAO", "NGAY_RA"))
def treatment_days(v, ctx):
    """MA_LOAI_KCB 01, 07, 09 → 0; 02, 03, 04, 06 → NGAY_RA − NGAY_VAO + 1 (the text says so plainly)."""
    x = v.xml1
    form, value = x.get("MA_LOAI_KCB"), x.get("SO_NGAY_DTRI")
    vao, ra = day(x.get("NGAY_VAO")), day(x.get("NGAY_RA"))
    if not value.isdigit() or not (vao and ra):
        return
    if form in ("02", "03", "04", "06"):
        expected, why, why_en = (ra - vao).days + 1, "ngày ra − ngày vào + 1", "discharge − arrival + 1"
    elif form in ("01", "07", "09"):
        expected, why, why_en = 0, "bằng 0 với hình thức này", "0 for this form of care"
    else:
        return
    if int(value) != expected:
        yield Hit("XML1", x.path("SO_NGAY_DTRI"), value, f"MA_LOAI_KCB {form}: {why} = {expected}",
                  f"MA_LOAI_KCB {form}: {why_en} = {expected}", x.line)


@rule("XML1-DAYS-02", "SO_NGAY_DTRI không khớp số ngày dùng thuốc (05) / số ngày có DVKT (08)",
      "SO_NGAY_DTRI does not match the days of drug use (05) / days with a technical service (08)",
      source=SRC_DAYS + "; how the days are counted from XML2/XML3 is the sandbox's reading",
      fields=("SO_NGAY_DTRI", "MA_LOAI_KCB", "NGAY_YL", "NGAY_TH_YL", "MA_DICH_VU"), confidence="unconfirmed")
def counted_days(v, ctx):
    x = v.xml1
    form, value = x.get("MA_LOAI_KCB"), x.get("SO_NGAY_DTRI")
    if not value.isdigit() or form not in ("05", "08"):
        return
    if form == "05":
        if v.rows("XML2") and int(value) == 0:
            yield Hit("XML1", x.path("SO_NGAY_DTRI"), value, "có thuốc nhưng SO_NGAY_DTRI = 0",
                      "drugs were given but SO_NGAY_DTRI = 0", x.line)
        return
    dates = {(r.get("NGAY_TH_YL") or r.get("NGAY_YL"))[:8] for r in v.rows("XML3")
             if r.get("MA_DICH_VU") and (r.get("NGAY_TH_YL") or r.get("NGAY_YL"))}
    if int(value) != len(dates):
        yield Hit("XML1", x.path("SO_NGAY_DTRI"), value, f"số ngày có DVKT trong XML3 = {len(dates)}",
                  f"days with a technical service in XML3 = {len(dates)}", x.line)

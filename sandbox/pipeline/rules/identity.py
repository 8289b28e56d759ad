"""Identity rules: repeated identity fields equal XML1, card validity covers the visit, identifiers
well formed (12-digit personal ID structure, 15-character card)"""

from __future__ import annotations

import re

from ...reference.codelists import BENEFIT_LEVELS, CARD_OBJECTS, provinces
from . import Hit, rule
from .view import EpisodeView, day

REPEATED = {  # table -> identity fields that must equal XML1 when present
    "XML6": ("MA_THE_BHYT", "SO_CCCD", "NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MATINH_CU_TRU", "MAHUYEN_CU_TRU",
             "MAXA_CU_TRU", "MA_CSKCB"),
    "XML13": ("HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_QUOCTICH", "MA_DANTOC", "MA_NGHE_NGHIEP", "DIA_CHI",
              "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_RA", "CHAN_DOAN_RV",
              "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_LOAI_RV", "MA_CSKCB"),
    "XML14": ("HO_TEN", "NGAY_SINH", "GIOI_TINH", "DIA_CHI", "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO",
              "NGAY_VAO_NOI_TRU", "NGAY_RA", "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT",
              "MA_DOITUONG_KCB", "MA_CSKCB"),
    "XML15": ("HO_TEN", "SO_CCCD", "MA_CSKCB"),
}
RENAMED = {("XML13", "MA_CSKCB_DEN"): "MA_NOI_DEN", ("XML13", "MA_CSKCB_DI"): "MA_NOI_DI"}
PERSONAL_ID = re.compile(r"^\d{12}$")
OTHER_ID = re.compile(r"^(\d{9}|[A-Z]\d{7})$")
CARD = re.compile(r"^[A-Z]{2}\d{13}$")


@rule("HOSO-ID-01", "Thông tin hành chính lặp lại phải giống XML1", "Repeated identity fields must equal XML1",
      source="QĐ 4750/3176 Bảng 6, 13, 14, 15 (\"nếu có phải trùng XML1\")", fields=tuple(sorted({n for names in REPEATED.values() for n in names} | {"MA_NOI_DEN", "MA_CSKCB_DEN"})))
def same_identity(v: EpisodeView, ctx):
    x = v.xml1
    for table, names in REPEATED.items():
        for r in v.rows(table):
            for name in names:
                value = r.get(name)
                if value and x.get(name) and value != x.get(name):
                    yield Hit(table, r.path(name), value, f"{name}: {value!r} ≠ XML1 {x.get(name)!r}",
                              f"{name}: {value!r} ≠ XML1 {x.get(name)!r}", r.line)
    for r in v.rows("XML13"):  # referral destination equals XML1.MA_NOI_DEN
        dest = r.get("MA_CSKCB_DEN") or r.get("MA_NOI_DEN")
        if dest and x.get("MA_NOI_DEN") and dest != x.get("MA_NOI_DEN"):
            yield Hit("XML13", r.path("MA_CSKCB_DEN"), dest, f"nơi đến {dest} ≠ XML1.MA_NOI_DEN {x.get('MA_NOI_DEN')}",
                      f"destination {dest} ≠ XML1.MA_NOI_DEN {x.get('MA_NOI_DEN')}", r.line)


@rule("XML1-CARD-01", "Thời hạn thẻ BHYT không bao trùm đợt KCB", "The BHYT card's validity does not cover the visit",
      source="QĐ 130 Bảng 1 (GT_THE_TU/GT_THE_DEN); Luật BHYT",
      fields=("MA_THE_BHYT", "GT_THE_TU", "GT_THE_DEN", "NGAY_VAO", "NGAY_RA"))
def card_covers_visit(v, ctx):
    x = v.xml1
    if not x.get("MA_THE_BHYT"):
        return
    starts = [day(s) for s in x.get("GT_THE_TU").split(";") if s]
    ends = [day(s) for s in x.get("GT_THE_DEN").split(";") if s]
    vao, ra = day(x.get("NGAY_VAO")), day(x.get("NGAY_RA"))
    if not (starts and ends and vao and ra) or None in starts + ends:
        return
    if min(starts) > vao:
        yield Hit("XML1", x.path("GT_THE_TU"), x.get("GT_THE_TU"), f"thẻ có hiệu lực từ {min(starts):%d/%m/%Y}, vào {vao:%d/%m/%Y}",
                  f"card valid from {min(starts)}, visit from {vao}", x.line)
    if max(ends) < ra:
        yield Hit("XML1", x.path("GT_THE_DEN"), x.get("GT_THE_DEN"), f"thẻ hết hạn {max(ends):%d/%m/%Y}, ra {ra:%d/%m/%Y}",
                  f"card expires {max(ends)}, visit ends {ra}", x.line)


@rule("XML1-CARD-02", "Mã thẻ BHYT sai cấu trúc (2 chữ mã đối tượng, 1 số quyền lợi 1–5, 2 số tỉnh, 10 số BHXH)",
      "Malformed BHYT card (object code, benefit 1–5, province, 10-digit BHXH number)",
      source="QĐ 1351/QĐ-BHXH", fields=("MA_THE_BHYT", "NGAY_VAO"))
def card_structure(v, ctx):
    x = v.xml1
    when = day(x.get("NGAY_VAO"))
    for card in (c for c in x.get("MA_THE_BHYT").split(";") if c):
        problems = []
        if not CARD.match(card):
            problems.append("phải gồm 2 chữ in hoa và 13 chữ số")
        else:
            if not CARD_OBJECTS.valid(card[:2], when):
                problems.append(f"mã đối tượng {card[:2]} không có trong danh mục")
            if not BENEFIT_LEVELS.valid(card[2], when):
                problems.append(f"mã quyền lợi {card[2]} phải từ 1 đến 5")
            if when and card[3:5] not in provinces().codes_on(when) and card[3:5] not in ("97", "98"):
                problems.append(f"mã tỉnh {card[3:5]} không tồn tại")
            if card[5:] == "0" * 10:
                problems.append("mã số BHXH không được toàn số 0")
        if problems:
            yield Hit("XML1", x.path("MA_THE_BHYT"), card, "; ".join(problems), "; ".join(problems), x.line)


@rule("XML1-ID-01", "Số định danh cá nhân (SO_CCCD) sai cấu trúc", "Malformed personal ID (SO_CCCD)",
      source="Luật Căn cước 2023 Đ12; TT 07/2016/TT-BCA",
      fields=("SO_CCCD", "NGAY_SINH", "GIOI_TINH", "NGAY_VAO"))
def personal_id(v, ctx):
    x = v.xml1
    value = x.get("SO_CCCD")
    if not value:
        return
    if not PERSONAL_ID.match(value):
        if not OTHER_ID.match(value):
            yield Hit("XML1", x.path("SO_CCCD"), value, "12 chữ số (hoặc CMND 9 số / hộ chiếu 1 chữ + 7 số)",
                      "12 digits (or 9-digit ID card / passport letter + 7 digits)", x.line)
        return
    problems = []
    when = day(x.get("NGAY_VAO"))
    if value[0] != "0" or (when and value[1:3] not in provinces().codes_on(when)):
        problems.append(f"mã tỉnh khai sinh {value[:3]} không hợp lệ")
    century = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}[int(value[3])]
    birth = x.get("NGAY_SINH")
    if birth[:4].isdigit() and century + int(value[4:6]) != int(birth[:4]):
        problems.append(f"thế kỷ/năm sinh {value[3:6]} không khớp NGAY_SINH {birth[:4]}")
    sex = x.get("GIOI_TINH")
    if sex in ("1", "2") and (int(value[3]) % 2 == 0) != (sex == "1"):
        problems.append(f"chữ số giới tính {value[3]} không khớp GIOI_TINH {sex}")
    if problems:
        yield Hit("XML1", x.path("SO_CCCD"), value, "; ".join(problems), "; ".join(problems), x.line)

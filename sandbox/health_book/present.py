"""A health-book visit as a person reads it: names beside codes, dates as dd/MM/yyyy HH:mm.

The entry keeps the codes the facility sent (QĐ 1332); this module adds, at read time, the names a
citizen or a receptionist needs: the facility's name (registry), form of care, route (đối tượng
KCB), ethnicity, nationality, sex, ICD-10 titles of the diagnoses, the facility a referral goes to.
The web pages and the PDF read the same result, so the two never disagree.
"""

from __future__ import annotations

import copy
import re

from sqlalchemy import select

from ..clock import vn_text
from ..context import Context
from ..reference.codelists import EARLIEST, GIOI_TINH, MA_DANTOC, MA_QUOCTICH, icd10_name
from ..storage.models import Facility


def vi_num(value) -> str:
    """A number as a Vietnamese reader writes it: 65.5 → "65,5", 1200 → "1.200" (text that is not a number: as is)."""
    text = "" if value is None else str(value).strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    whole, _, frac = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits):,}".replace(",", ".") if len(digits) > 4 else digits
    return sign + grouped + ("," + frac if frac else "")


def wire_dt(value: str | None) -> str:
    """yyyyMMddHHmm / yyyyMMdd (already Vietnam time on the wire) → dd/MM/yyyy HH:mm / dd/MM/yyyy."""
    v = value or ""
    if len(v) >= 8 and v[:8].isdigit():
        out = f"{v[6:8]}/{v[4:6]}/{v[:4]}"
        return out + (f" {v[8:10]}:{v[10:12]}" if len(v) >= 12 and v[8:12].isdigit() else "")
    return v


def vn_dt(value) -> str:
    """A stored instant (datetime or ISO text, UTC) → dd/MM/yyyy HH:mm in Vietnam time (UTC+7)."""
    if not value:
        return ""
    if isinstance(value, str):
        from datetime import datetime
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return vn_text(value)


def facility_names(ctx: Context, codes) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    with ctx.db.read() as s:
        return dict(s.execute(select(Facility.code, Facility.name).where(Facility.code.in_(wanted))).all())


def with_name(code: str, name: str) -> str:
    """"Name (code)" where the name is known, else the code."""
    return f"{name} ({code})" if code and name else (code or "")


def _named(codes, value: str) -> str:
    return with_name(value, codes.codes_on(EARLIEST).get(value, "")) if value else ""


def validity(the: dict) -> str:
    """"từ dd/MM/yyyy đến dd/MM/yyyy" of a card (card_facts), as every screen and the PDF say it."""
    parts = [f"từ {wire_dt(the.get('giaTriTu'))[:10]}" if the.get("giaTriTu") else "",
             f"đến {wire_dt(the.get('giaTriDen'))[:10]}" if the.get("giaTriDen") else ""]
    return " ".join(p for p in parts if p) or "—"


def card_facts(number: str, valid_from: str, valid_to: str, registered: str, names: dict) -> dict:
    """The facts of a BHYT card as every citizen screen shows them, in one shape — the wallet's card and the
    card a visit was made with (``ten["the"]``): number, validity, the registered facility by name
    (``names``: facility_names of the codes on the screen)."""
    return {"maThe": number, "giaTriTu": valid_from, "giaTriDen": valid_to,
            "noiDangKyBanDau": with_name(registered, names.get(registered, ""))}


def readable(ctx: Context, visit: dict) -> dict:
    """A copy of the visit with a ``ten`` group of display names (the codes stay as they were)."""
    v = copy.deepcopy(visit)
    admin = v.get("hanhChinh") or {}
    lk = v.get("luotKham") or {}
    referral = v.get("giayChuyenTuyen") or {}
    facility = v.get("maCSKCB") or lk.get("maCSKCB", "")
    names = facility_names(ctx, (facility, admin.get("noiDangKyBanDau", ""), referral.get("noiDen", "")))
    diagnoses = [c for c in [lk.get("maBenhChinh", "")] + list(lk.get("maBenhKemTheo") or []) if c]
    v["ten"] = {
        "coSo": with_name(facility, names.get(facility, "")),
        "noiDangKyBanDau": with_name(admin.get("noiDangKyBanDau", ""), names.get(admin.get("noiDangKyBanDau", ""), "")),
        "noiDen": with_name(referral.get("noiDen", ""), names.get(referral.get("noiDen", ""), "")),
        "gioiTinh": GIOI_TINH.codes_on(EARLIEST).get(admin.get("gioiTinh", ""), admin.get("gioiTinh", "")),
        "danToc": _named(MA_DANTOC, admin.get("danToc", "")),
        "quocTich": _named(MA_QUOCTICH, admin.get("quocTich", "")),
        "hinhThuc": with_name(lk.get("hinhThuc", ""), lk.get("hinhThucTen", "")),
        "doiTuong": with_name(lk.get("doiTuongKcb", ""), lk.get("doiTuongKcbTen", "")),
        "ketQua": lk.get("ketQuaTen") or lk.get("ketQua", ""),
        "raVien": lk.get("tinhTrangRaVienTen") or lk.get("tinhTrangRaVien", ""),
        "chanDoan": [{"ma": c, "ten": icd10_name(c), "chinh": i == 0 and c == lk.get("maBenhChinh")}
                     for i, c in enumerate(diagnoses)],
    }
    v["ten"]["the"] = card_facts(admin.get("theBhyt", ""), admin.get("theTuNgay", ""), admin.get("theDenNgay", ""),
                                 admin.get("noiDangKyBanDau", ""), names)
    return v


def file_name(visit: dict) -> str:
    """so-suc-khoe_<facility>_<dd-MM-yyyy of admission>_<id>.pdf (ASCII only, for every browser)."""
    lk = visit.get("luotKham") or {}
    day = wire_dt(lk.get("ngayVao", ""))[:10].replace("/", "-") or "khong-ngay"
    return f"so-suc-khoe_{visit.get('maCSKCB') or lk.get('maCSKCB', '')}_{day}_{visit.get('id', '')}.pdf"

"""The six-monthly report of QĐ 2733 Đ8 (Kon Tum seed plan, mục IV.3): per facility and for the
province, for each of the six forms of care × {BHYT, non-BHYT}, the number of visits and the number
sent to the gateway and accepted (interconnected), with the difficulties and proposals.

The sandbox counts what reached its gateway; the number of visits is the facility's own count,
declared by CSV (``ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb``) — left empty when not declared.
The grouping of MA_LOAI_KCB codes into the six forms is ours (Đ8 names the forms, not the codes):
UNCONFIRMED, shown in the report's note.  The column layout of cdc.kcb.vn is not in our documents
(UNCONFIRMED): one row per facility, two columns per form and category.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from sandbox.clock import VN_TZ
from sandbox.context import Context
from sandbox.errors import InvalidInputError
from sandbox.storage.models import Episode, Facility, PeriodicNote

from sandbox.reference import units
from sandbox.tables import Table, read_csv
from .board import place
from .users import ProvinceCaller, facility_in_scope
from . import permissions

FORMS = {  # QĐ 2733 Đ8's six forms ← MA_LOAI_KCB; the grouping is UNCONFIRMED
    "kham": ("Khám ngoại trú", ("01", "05", "10", "11", "12", "13", "15", "16")),
    "ngoai_tru": ("Điều trị ngoại trú", ("02", "08")),
    "linh_thuoc": ("Lĩnh thuốc theo hẹn", ("07",)),
    "noi_tru": ("Nội trú", ("03", "06", "09")),
    "ban_ngay": ("Nội trú ban ngày", ("04",)),
    "tu_xa": ("KCB từ xa", ("14",)),
}
FORM_OF = {code: key for key, (_, codes) in FORMS.items() for code in codes}
CATEGORIES = {"BHYT": "BHYT", "KHONG_BHYT": "Không BHYT"}
PERIOD = re.compile(r"^(20\d{2})-H([12])$")


def bounds(label: str) -> tuple[datetime, datetime]:
    match = PERIOD.match(label or "")
    if not match:
        raise InvalidInputError("kỳ báo cáo dạng 2026-H1 (tháng 1–6) hoặc 2026-H2 (tháng 7–12)", "period as 2026-H1 or 2026-H2")
    year, half = int(match.group(1)), int(match.group(2))
    start = datetime(year, 1 if half == 1 else 7, 1, tzinfo=VN_TZ)
    end = datetime(year + (half == 2), 7 if half == 1 else 1, 1, tzinfo=VN_TZ)
    return start, end


def current_label(ctx: Context) -> str:
    today = ctx.clock.now().astimezone(VN_TZ)
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def counts(ctx: Context, who: ProvinceCaller, label: str) -> dict[str, dict[str, int]]:
    """facility → "form|category" → episodes received in the period and accepted (current version)."""
    start, end = bounds(label)
    with ctx.db.read() as s:
        codes = list(s.scalars(select(Facility.code).where(Facility.province_code == who.province_code)))
        category = case((Episode.card_number != "", "BHYT"), else_="KHONG_BHYT")
        rows = s.execute(select(Episode.facility_code, Episode.ma_loai_kcb, category, func.count())
                         .where(Episode.facility_code.in_(codes), Episode.created_at >= start, Episode.created_at < end,
                                Episode.status == "HOP_LE", Episode.disposition != "duplicate")
                         .group_by(Episode.facility_code, Episode.ma_loai_kcb, category))
        out: dict[str, dict[str, int]] = {}
        for facility, form_code, cat, n in rows:
            form = FORM_OF.get(form_code)
            if form:
                key = f"{form}|{cat}"
                out.setdefault(facility, {}).setdefault(key, 0)
                out[facility][key] += n
    return out


def declare_visits(ctx: Context, who: ProvinceCaller, label: str, data: bytes | str) -> dict:
    """The facilities' own visit counts for the period (CSV), replacing what was declared before."""
    permissions.require(who, "declare_visits")
    bounds(label)
    reader = read_csv(data)
    declared: dict[str, dict[str, int]] = {}
    for i, row in enumerate(reader, start=2):
        if set(row) != {"ma_cskcb", "hinh_thuc", "doi_tuong", "so_luot_kcb"}:
            raise InvalidInputError("cột phải là ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb",
                                    "columns: ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb")
        code, form, cat, n = (str(row[k] or "").strip() for k in ("ma_cskcb", "hinh_thuc", "doi_tuong", "so_luot_kcb"))
        facility_in_scope(ctx, who, code)
        if form not in FORMS:
            raise InvalidInputError(f"dòng {i}: hinh_thuc là {', '.join(FORMS)}", f"row {i}: form one of {list(FORMS)}")
        if cat not in CATEGORIES:
            raise InvalidInputError(f"dòng {i}: doi_tuong là BHYT hoặc KHONG_BHYT", f"row {i}: BHYT or KHONG_BHYT")
        if not n.isdigit() or len(n) > 9:
            raise InvalidInputError(f"dòng {i}: so_luot_kcb là số nguyên không âm", f"row {i}: a whole number")
        declared.setdefault(code, {})[f"{form}|{cat}"] = int(n)
    if not declared:
        raise InvalidInputError("tệp không có dòng nào (dòng tiêu đề ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb rồi các dòng)",
                                "no rows (a header line ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb, then the rows)")
    for code, values in declared.items():
        _note(ctx, who, label, code, declared=values)
    permissions.decided(ctx, who, "declare_visits", label, facilities=len(declared))
    return {"facilities": len(declared), "rows": len(reader)}


def _note(ctx: Context, who: ProvinceCaller, label: str, facility_code: str, **values) -> dict:
    with ctx.db.session() as s:
        note = s.scalars(select(PeriodicNote).where(PeriodicNote.province_code == who.province_code,
                                                    PeriodicNote.facility_code == facility_code,
                                                    PeriodicNote.period == label)).first()
        if note is None:
            note = PeriodicNote(province_code=who.province_code, facility_code=facility_code, period=label,
                                difficulties="", proposals="", declared={}, updated_by=who.username,
                                updated_at=ctx.clock.now())
            s.add(note)
        for key, value in values.items():
            setattr(note, key, value)
        note.updated_by, note.updated_at = who.username, ctx.clock.now()
        return {"facility": facility_code, "period": label, "difficulties": note.difficulties, "proposals": note.proposals}


def save_notes(ctx: Context, who: ProvinceCaller, label: str, difficulties: str, proposals: str,
               facility_code: str = "") -> dict:
    permissions.require(who, "periodic_notes")
    bounds(label)
    if facility_code:
        facility_in_scope(ctx, who, facility_code)
    saved = _note(ctx, who, label, facility_code, difficulties=difficulties.strip()[:4000], proposals=proposals.strip()[:4000])
    permissions.decided(ctx, who, "periodic_notes", f"{label} {facility_code}".strip())
    return saved


def report(ctx: Context, who: ProvinceCaller, label: str) -> list[Table]:
    sent = counts(ctx, who, label)
    with ctx.db.read() as s:
        facilities = list(s.scalars(select(Facility).where(Facility.province_code == who.province_code).order_by(Facility.code)))
        notes = {n.facility_code: n for n in s.scalars(select(PeriodicNote).where(
            PeriodicNote.province_code == who.province_code, PeriodicNote.period == label))}
    start, end = bounds(label)
    before = not units.reformed((end - timedelta(days=1)).date())     # the units of the period's time
    columns = [("code", "Mã CSKCB"), ("name", "Tên cơ sở"),
               ("place", "Huyện — tỉnh (trước 01/07/2025)" if before else "Xã, phường — địa bàn tỉnh cũ")]
    for form, (name, _) in FORMS.items():
        for cat, cat_name in CATEGORIES.items():
            columns += [(f"{form}|{cat}|visits", f"{name} — {cat_name}: số lượt KCB"),
                        (f"{form}|{cat}|sent", f"{name} — {cat_name}: số lượt liên thông")]
    columns += [("difficulties", "Khó khăn, vướng mắc"), ("proposals", "Đề xuất, kiến nghị")]
    rows, totals = [], {"code": "", "name": "Toàn tỉnh"}
    for f in facilities:
        note = notes.get(f.code)
        district, commune, former = place(f)
        row = {"code": f.code, "name": f.name, "place": (f"{district} — {former}" if before else
                                                          f"{commune} — {former} cũ" if former else commune),
               "difficulties": note.difficulties if note else "",
               "proposals": note.proposals if note else ""}
        for form in FORMS:
            for cat in CATEGORIES:
                key = f"{form}|{cat}"
                visits = (note.declared or {}).get(key) if note else None
                row[f"{key}|visits"] = visits
                row[f"{key}|sent"] = sent.get(f.code, {}).get(key, 0)
                for part, value in (("visits", visits), ("sent", row[f"{key}|sent"])):
                    if value is not None:
                        totals[f"{key}|{part}"] = totals.get(f"{key}|{part}", 0) + value
        rows.append(row)
    province_note = notes.get("")
    if province_note:
        totals["difficulties"], totals["proposals"] = province_note.difficulties, province_note.proposals
    formers = [units.short(units.provinces_2024().get(c, c)) for c in units.former_provinces(who.province_code)]
    cover = (f"Tỉnh {who.province_name} gồm địa bàn {' và '.join(formers)} trước 01/07/2025; "
             if len(formers) > 1 else "")
    note = (f"Kỳ {label}, từ {start:%d/%m/%Y} đến trước {end:%d/%m/%Y} (QĐ 2733/QĐ-BYT Điều 8). {cover}"
            f"Địa bàn theo đơn vị hành chính của kỳ ({'có cấp huyện' if before else 'từ 01/07/2025'}). "
            "Số lượt liên thông: "
            "hồ sơ gửi đến cổng trong kỳ và được chấp nhận (không tính bản trùng). Số lượt KCB: do cơ sở khai báo "
            "(trống khi chưa khai báo). Nhóm mã MA_LOAI_KCB theo 6 hình thức: "
            + "; ".join(f"{n}: {', '.join(c)}" for n, c in FORMS.values())
            + " (cách nhóm của sandbox, chưa được văn bản xác nhận).")
    matrix_columns = [("form", "Hình thức KCB")] + [(f"{c}|{p}", f"{cn}: {'số lượt KCB' if p == 'visits' else 'số lượt liên thông'}")
                                                    for c, cn in CATEGORIES.items() for p in ("visits", "sent")]
    matrix = [{"form": name, **{f"{c}|{p}": totals.get(f"{form}|{c}|{p}") for c in CATEGORIES for p in ("visits", "sent")}}
              for form, (name, _) in FORMS.items()]
    return [Table(f"Tổng hợp toàn tỉnh — kỳ {label}", matrix_columns, matrix, note=note, sheet="Tong hop tinh"),
            Table(f"Theo cơ sở KCB — kỳ {label}", columns, rows, sheet="Theo co so", totals=totals)]

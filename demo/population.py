"""The sandbox population: citizens, BHYT cards covering every card-check code, lookup officers,
practitioners and departments for the demo facilities.  ``skdt-sandbox cards`` prints the cases.

Dates are relative to the sandbox "today" at load time, so valid cards stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import click

from sandbox import admin
from sandbox.clock import VN_TZ
from sandbox.context import Context
from sandbox.settings import Settings

OFFICER = ("058190000001", "Nguyễn Thị Thu")        # registered lookup officer of each demo facility
PRACTITIONERS = ("000123/NT-CCHN", "000456/NT-CCHN", "000001/NT-CCHN")
DEPARTMENTS = (("K01", "Khoa Khám bệnh"), ("K02", "Khoa Hồi sức cấp cứu"), ("K19", "Khoa Ngoại"))


@dataclass(frozen=True)
class Case:
    code: str
    label: str
    ma_the: str
    ho_ten: str
    ngay_sinh: str
    ho_ten_cb: str = OFFICER[1]
    cccd_cb: str = OFFICER[0]


def card_row(number, pid, name, birth, sex, today: date, *, expired=False, **extra) -> dict:
    year = today.year
    row = {"number": number, "personal_id": pid, "full_name": name, "birth_date": birth, "sex": str(sex),
           "address": "Phan Rang - Tháp Chàm, Ninh Thuận", "ma_dkbd": "58001", "issuer": "BHXH tỉnh Ninh Thuận",
           "valid_from": f"{year - 1 if expired else year}0101", "valid_to": f"{year - 1 if expired else year + 1}1231",
           "area": "", "five_years_from": "", "status": "active", "reduction": "", "replaced_by": "", "manager": "",
           "simulate": ""}
    row.update(extra)
    return row


def population(today: date) -> tuple[list[dict], list[dict], list[Case]]:
    """(citizens, cards, cases)."""
    citizens = [
        {"personal_id": "058085000001", "full_name": "Trần Văn An", "birth_date": "19850201", "sex": "1",
         "address": "Phường Phan Rang, tỉnh Khánh Hòa", "phone": "0912000001", "guardian_id": "", "vneid_level": "2",
         "district_code": "582", "commune": "Kinh Dinh"},
        {"personal_id": "058190000002", "full_name": "Lê Thị Hoa", "birth_date": "19900315", "sex": "2",
         "address": "Xã Ninh Hải, tỉnh Khánh Hòa", "phone": "0912000002", "guardian_id": "", "vneid_level": "2",
         "district_code": "586", "commune": "Khánh Hải"},
        {"personal_id": f"0582{(today.year - 3) % 100:02d}000130", "full_name": "Trần Minh Khôi",
         "birth_date": f"{today.year - 3}0610", "sex": "1", "address": "Phường Phan Rang, tỉnh Khánh Hòa",
         "phone": "", "guardian_id": "058085000001", "vneid_level": "0", "district_code": "582", "commune": "Kinh Dinh"},
    ]
    c = lambda *a, **k: card_row(*a, today=today, **k)  # noqa: E731
    cards = [
        c("DN4585800000001", "058085000001", "Trần Văn An", "19850201", 1),
        c("HN2585800000016", "058190000002", "Lê Thị Hoa", "19900315", 2),
        c("QN5975800000002", "", "Phạm Quốc Huy", "19800101", 1, manager="BQP", issuer="BHXH Bộ Quốc phòng"),
        c("CA5985800000003", "", "Đỗ Minh Tâm", "19820202", 1, manager="BCA", issuer="BHXH Bộ Công an"),
        c("HC4585800000004", "", "Võ Thị Lan", "19750505", 2, expired=True, replaced_by="HC4585800000104"),
        c("HC4585800000104", "", "Võ Thị Lan", "19750505", 2),
        c("HT3585800000005", "", "Bùi Văn Sơn", "19500707", 1, replaced_by="HT3585800000105"),
        c("HT3585800000105", "", "Bùi Văn Sơn", "19500707", 1),
        c("GD4585800000006", "", "Ngô Thị Mai", "19880808", 2, expired=True),
        c("DN4585800000007", "", "Hồ Văn Phúc", "19910909", 1),
        c("TK4585800000008", "", "Dương Thị Yến", "19921010", 2, simulate="100"),
        c("TK4585800000009", "", "Lý Văn Tài", "19931111", 1, simulate="101"),
        c("TK4585800000019", "", "Tô Văn Hậu", "19931212", 1, simulate="500"),
        c("DN4585800000010", "", "Đặng Thị Ngân", "19941212", 2, status="withdrawn"),
        c("DN4585800000011", "", "Chế Văn Linh", "19950101", 1, status="reduced"),
        c("DN4585800000012", "", "Đàng Thị Nhung", "19960202", 2, status="reduced", reduction="moved_province"),
        c("DN4585800000013", "", "Katơr Văn Long", "19970303", 1, status="reduced", reduction="moved_within"),
        c("DN4585800000014", "", "Pinăng Thị Trang", "19980404", 2, status="reduced", reduction="reincreased"),
        c("DN4585800000015", "", "Huỳnh Văn Quân", "19990505", 1, status="reduced", reduction="stopped"),
    ]
    cases = [
        Case("000", "Thẻ hợp lệ", "DN4585800000001", "Trần Văn An", "01/02/1985"),
        Case("000", "Tra bằng mã số BHXH 10 số", "5800000001", "Trần Văn An", "01/02/1985"),
        Case("000", "Tra bằng số định danh 12 số", "058085000001", "Trần Văn An", "1985"),
        Case("001", "Thẻ BHXH Bộ Quốc phòng", "QN5975800000002", "Phạm Quốc Huy", "01/01/1980"),
        Case("002", "Thẻ BHXH Bộ Công an", "CA5985800000003", "Đỗ Minh Tâm", "02/02/1982"),
        Case("003", "Thẻ cũ hết hạn, đã có thẻ mới", "HC4585800000004", "Võ Thị Lan", "05/05/1975"),
        Case("004", "Thẻ cũ còn hạn, đã có thẻ mới", "HT3585800000005", "Bùi Văn Sơn", "07/07/1950"),
        Case("010", "Thẻ hết hạn", "GD4585800000006", "Ngô Thị Mai", "08/08/1988"),
        Case("050", "Không có thẻ", "DN4585800009999", "Không Có Thẻ", "01/01/1990"),
        Case("051", "Sai mã đối tượng", "HS4585800000007", "Hồ Văn Phúc", "09/09/1991"),
        Case("052", "Sai mã tỉnh (ký tự 4–5)", "DN4625800000007", "Hồ Văn Phúc", "09/09/1991"),
        Case("053", "Sai mã quyền lợi (ký tự 3)", "DN2585800000007", "Hồ Văn Phúc", "09/09/1991"),
        Case("054", "CCCD cán bộ chưa đăng ký", "DN4585800000001", "Trần Văn An", "01/02/1985", cccd_cb="058190009999"),
        Case("055", "Tên cán bộ không khớp CCCD", "DN4585800000001", "Trần Văn An", "01/02/1985", ho_ten_cb="Người Khác"),
        Case("060", "Sai họ tên", "DN4585800000001", "Lê Văn Bình", "01/02/1985"),
        Case("061", "Sai họ tên, đúng ký tự đầu", "DN4585800000001", "Trần Văn Anh", "01/02/1985"),
        Case("070", "Sai ngày sinh", "DN4585800000001", "Trần Văn An", "02/01/1985"),
        Case("100", "Lỗi dữ liệu thẻ (thẻ thử nghiệm)", "TK4585800000008", "Dương Thị Yến", "10/10/1992"),
        Case("101", "Lỗi server (thẻ thử nghiệm)", "TK4585800000009", "Lý Văn Tài", "11/11/1993"),
        Case("500", "Lỗi không xác định (thẻ thử nghiệm)", "TK4585800000019", "Tô Văn Hậu", "12/12/1993"),
        Case("110", "Thẻ đã thu hồi", "DN4585800000010", "Đặng Thị Ngân", "12/12/1994"),
        Case("120", "Thẻ báo giảm", "DN4585800000011", "Chế Văn Linh", "01/01/1995"),
        Case("121", "Báo giảm: chuyển ngoại tỉnh", "DN4585800000012", "Đàng Thị Nhung", "02/02/1996"),
        Case("122", "Báo giảm: chuyển nội tỉnh", "DN4585800000013", "Katơr Văn Long", "03/03/1997"),
        Case("123", "Báo giảm: tăng lại cùng đơn vị", "DN4585800000014", "Pinăng Thị Trang", "04/04/1998"),
        Case("124", "Báo giảm: ngừng tham gia", "DN4585800000015", "Huỳnh Văn Quân", "05/05/1999"),
        Case("130", "Trẻ em không xuất trình thẻ", citizens[2]["personal_id"], "Trần Minh Khôi", f"10/06/{today.year - 3}"),
        Case("205", "Sai định dạng tham số", "12345", "Trần Văn An", "1985-02-01"),
    ]
    return citizens, cards, cases


# The co-payment look-up's answers with the demo data (demo/citizens.py holds the co-paying visits).
MCCT_CASES = (
    ("200", "DN4585800000020", "Nguyễn Văn Miễn", "04/04/1970", "đủ 5 năm liên tục, lũy kế vượt 6 tháng lương cơ sở: có tiền miễn"),
    ("200", "5800000021", "Trần Thị Chưa", "05/1975", "lũy kế chưa vượt ngưỡng, chưa đủ 5 năm: không miễn"),
    ("204", "HC4585800000104", "Võ Thị Lan", "05/05/1975", "có thẻ, không có chi phí cùng chi trả (HTTP 200)"),
    ("204", "DN4585800009999", "Không Có Thẻ", "1990", "không tìm thấy thẻ (HTTP 200)"),
    ("400", "DN45858", "Trần Văn An", "01/02/1985", "maThe không đủ 10, 12 hoặc 15 ký tự"),
    ("500", "TK4585800000019", "Tô Văn Hậu", "12/12/1993", "GhiChu \"Có lỗi hệ thống…\" (thẻ thử nghiệm)"),
    ("401", "(bất kỳ)", "", "", "token sai, quá 10 phút hoặc gọi từ địa chỉ khác: HTTP 401, thân rỗng"),
)


def load_population(ctx: Context, facilities=("58001",)) -> list[Case]:
    today = ctx.clock.now().astimezone(VN_TZ).date()
    citizens, cards, cases = population(today)
    admin.load_registry(ctx, "citizens", citizens)
    admin.load_registry(ctx, "cards", cards)
    staff, depts = [], []
    for code in facilities:
        staff.append({"facility_code": code, "personal_id": OFFICER[0], "full_name": OFFICER[1],
                      "practitioner_code": "", "can_lookup": "1"})
        for i, gphn in enumerate(PRACTITIONERS, start=1):
            staff.append({"facility_code": code, "personal_id": f"0581800000{i:02d}", "full_name": f"Bác sĩ {i}",
                          "practitioner_code": gphn, "can_lookup": "0"})
        depts.extend({"facility_code": code, "code": k, "name": n} for k, n in DEPARTMENTS)
    admin.load_registry(ctx, "staff", staff)
    admin.load_registry(ctx, "departments", depts)
    return cases


@click.command("cards")
@click.option("--json", "as_json", is_flag=True)
def cards_command(as_json):
    """Thẻ thử nghiệm và mã kết quả tra cứu mà mỗi thẻ cho (KQNhanLichSuKCB2024)."""
    import json
    from datetime import datetime
    try:
        today = Context.create(Settings.from_env()).clock.now().astimezone(VN_TZ).date()
    except Exception:  # noqa: BLE001 - no database yet: the cases need only a date
        today = datetime.now(VN_TZ).date()
    _, _, cases = population(today)
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in cases], ensure_ascii=False, indent=2))
        return
    click.echo(f"Cán bộ tra cứu đã đăng ký: cccdCb={OFFICER[0]} hoTenCb=\"{OFFICER[1]}\"")
    click.echo("KQNhanLichSuKCB2024 (tra cứu thẻ) và Lskcb2025 (lịch sử KCB, cùng mã kết quả):")
    click.echo(f"{'mã':<4} {'maThe':<16} {'hoTen':<18} {'ngaySinh':<11} trường hợp")
    for c in cases:
        note = "" if (c.cccd_cb, c.ho_ten_cb) == OFFICER else f" (cccdCb={c.cccd_cb}, hoTenCb={c.ho_ten_cb})"
        click.echo(f"{c.code:<4} {c.ma_the:<16} {c.ho_ten:<18} {c.ngay_sinh:<11} {c.label}{note}")
    click.echo("\nTraCuuTienMCCT (tra cứu cùng chi trả, CV 1839) — MaKetQua:")
    for code, ma_the, name, birth, label in MCCT_CASES:
        click.echo(f"{code:<4} {ma_the:<16} {name:<18} {birth:<11} {label}")

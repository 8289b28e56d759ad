"""Campaign reports (targets CSV, counts per district and commune from the VNeID simulator, the
schedule of daily / weekly / final reports) and the six-monthly report of QĐ 2733 Đ8, read back from
the xlsx files with openpyxl."""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest

from province import campaign, periodic, settings
from sandbox import admin
from sandbox.clock import VN_TZ
from sandbox.errors import SandboxError
from sandbox.storage.models import CampaignTarget, VneidAccount, WalletCard
from tests.province.helpers import sheet, PASSWORD, episodes, province_user, seed

TARGETS = "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,level2,4\n582,,card,4\n582,Kinh Dinh,book,2\n586,,card,10\n"


def _population(ctx, at):
    """Five citizens: three in Kinh Dinh (582), one in Đô Vinh (582), one in Vĩnh Hải (586)."""
    people = [("058085000101", "582", "Kinh Dinh"), ("058085000102", "582", "Kinh Dinh"),
              ("058085000103", "582", "Kinh Dinh"), ("058085000104", "582", "Đô Vinh"),
              ("058085000105", "586", "Vĩnh Hải")]
    admin.load_registry(ctx, "citizens", [{"personal_id": p, "full_name": f"Công dân {i}", "birth_date": "19800101",
                                           "sex": "1", "vneid_level": "2", "district_code": d, "commune": c}
                                          for i, (p, d, c) in enumerate(people)])
    for p, _, _ in people[:4]:
        admin.add_vneid_account(ctx, p, "Vneid@2026", "123456")
    with ctx.db.session() as s:
        for i, (p, _, _) in enumerate(people[:3]):          # cards: two before the period, one inside it
            s.add(WalletCard(personal_id=p, card_number=f"DN45858000001{i:02d}", linked_at=at - timedelta(hours=30 if i < 2 else 2)))
        s.get(VneidAccount, people[0][0]).book_consent_at = at - timedelta(hours=1)


def test_targets_csv_is_checked_and_replaced_whole(ctx):
    who = province_user(ctx)
    assert campaign.load_targets(ctx, who, TARGETS.encode()) == {"loaded": 4}
    for bad in ("ma_huyen,xa_phuong,chi_tieu,so_luong\n999,,card,1\n", "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,Hà Nội,card,1\n",
                "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,cards,1\n", "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,card,-1\n",
                "huyen,chi_tieu\n582,card\n", b"ma_huyen,xa_phuong,chi_tieu,so_luong\n582,Ph\xff,card,1\n",
                "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,card,1\n582,,card,2\n", "ma_huyen,xa_phuong,chi_tieu,so_luong\n"):
        with pytest.raises(SandboxError) as caught:
            campaign.load_targets(ctx, who, bad)
        assert caught.value.code_info.code == "4221"
    with ctx.db.read() as s:
        assert s.query(CampaignTarget).count() == 4        # every refused file changed nothing


def _report_day(ctx, day):
    """The clock at one hour after ``day``'s daily cutoff, the population and targets loaded."""
    cutoff = datetime.combine(day, campaign.DAILY_DUE, VN_TZ)
    ctx.clock.set_offset(cutoff + timedelta(hours=1) - ctx.clock.now() + ctx.clock.offset())
    _population(ctx, cutoff)


def test_report_after_the_reform_groups_by_former_province_and_new_commune(ctx, client):
    """Khánh Hòa in 2026: the Ninh Thuận districts' counts under "Ninh Thuận cũ", the communes by their 2025
    names (Kinh Dinh went into Phường Phan Rang), commune targets summed into the new commune."""
    seed(ctx)
    who = province_user(ctx)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    _report_day(ctx, today)
    campaign.load_targets(ctx, who, TARGETS)
    _, tables = campaign.report(ctx, who, "daily", today.isoformat())
    groups = {r["place"]: r for r in tables[0].rows}
    assert set(groups) == {"Khánh Hòa cũ", "Ninh Thuận cũ"} and "địa bàn tỉnh cũ" in tables[0].title
    assert (groups["Ninh Thuận cũ"]["level2"], groups["Ninh Thuận cũ"]["card_target"]) == (4, 14)
    assert groups["Ninh Thuận cũ"]["level2_pct"] is not None and groups["Khánh Hòa cũ"]["level2"] == 0
    communes = {r["place"]: r for r in tables[1].rows}
    assert set(communes) == {"Phường Phan Rang", "Phường Đô Vinh"}      # Vĩnh Hải has nobody with VNeID
    assert (communes["Phường Phan Rang"]["card"], communes["Phường Phan Rang"]["book_target"]) == (3, 2)
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/so-y-te/chien-dich/daily.xlsx?ky={today.isoformat()}").content))
    assert "Theo dia ban cu" in wb.sheetnames
    assert not any("Huyện" in str(c.value) for row in wb["Theo xa"].iter_rows() for c in row)


def test_daily_report_counts_against_targets_and_reads_back_from_xlsx(ctx, client):
    """A report of the first half of 2025 (before the reform): by district and commune of that time."""
    seed(ctx)
    who = province_user(ctx)
    today = datetime(2025, 3, 12).date()
    cutoff = datetime.combine(today, campaign.DAILY_DUE, VN_TZ)
    ctx.clock.set_offset(cutoff + timedelta(hours=1) - ctx.clock.now() + ctx.clock.offset())
    _population(ctx, cutoff)
    campaign.load_targets(ctx, who, TARGETS)
    period, tables = campaign.report(ctx, who, "daily", today.isoformat())
    by_district = {r["place"][:3]: r for r in tables[0].rows}
    assert (by_district["582"]["level2"], by_district["582"]["level2_target"], by_district["582"]["level2_pct"]) == (4, 4, 100.0)
    assert (by_district["582"]["card"], by_district["582"]["card_new"], by_district["582"]["book"]) == (3, 1, 1)
    assert by_district["582"]["book_target"] == 2 and by_district["586"]["card"] == 0
    assert tables[0].totals["level2"] == 4 and tables[0].totals["card_target"] == 14
    kinh_dinh = next(r for r in tables[1].rows if "Kinh Dinh" in r["place"])
    assert (kinh_dinh["card"], kinh_dinh["book"], kinh_dinh["book_pct"]) == (3, 1, 50.0)
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    xlsx = client.get(f"/so-y-te/chien-dich/daily.xlsx?ky={today.isoformat()}")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    _, header, values = sheet(wb["Theo huyen"])
    row_582 = next(v for v in values if str(v[0]).startswith("582"))
    assert row_582[header.index("Thẻ BHYT tích hợp trên VNeID")] == 3
    assert row_582[header.index("Tài khoản định danh điện tử mức 2")] == 4
    assert values[-1][0] == "Toàn tỉnh" and values[-1][header.index("Thẻ BHYT tích hợp trên VNeID")] == 3
    csv_text = client.get(f"/so-y-te/chien-dich/daily.csv?ky={today.isoformat()}&bang=2").content.decode("utf-8-sig")
    assert "Kinh Dinh" in csv_text and csv_text.splitlines()[0].startswith("Địa bàn")
    pdf = client.get(f"/so-y-te/chien-dich/daily.pdf?ky={today.isoformat()}")
    assert pdf.content.startswith(b"%PDF")


def test_schedule_due_late_filed(ctx):
    who = province_user(ctx)
    now = ctx.clock.now().astimezone(VN_TZ)
    today = now.date()
    settings.update(ctx, "56", campaign_start=(today - timedelta(days=9)).strftime("%Y%m%d"),
                    campaign_end=(today + timedelta(days=5)).strftime("%Y%m%d"))
    ctx.clock.set_offset(datetime.combine(today, datetime.min.time(), VN_TZ).replace(hour=15) - ctx.clock.now()
                         + ctx.clock.offset())      # 15:00 today: today's daily report is due, yesterday's is late
    campaign.file_report(ctx, who, "daily", (today - timedelta(days=9)).isoformat())
    items = {(x["kind"], x["period"]): x["state"] for x in campaign.schedule(ctx, who)}
    assert items[("daily", today.isoformat())] == "due"
    assert items[("daily", (today - timedelta(days=1)).isoformat())] == "late"
    assert items[("daily", (today - timedelta(days=9)).isoformat())] == "filed_late"
    assert items[("daily", (today + timedelta(days=1)).isoformat())] == "upcoming"
    assert items[("final", "final")] == "upcoming"
    weekly = [x for x in campaign.schedule(ctx, who) if x["kind"] == "weekly"]
    assert weekly and all(datetime.fromisoformat(x["due"]).weekday() == 2 and x["due"].endswith("14:00+07:00")
                          for x in weekly)
    campaign.file_report(ctx, who, "daily", today.isoformat())
    assert {(x["kind"], x["period"]): x["state"] for x in campaign.schedule(ctx, who)}[("daily", today.isoformat())] == "filed"


def test_periodic_report_by_form_of_care_and_card(ctx, client):
    seed(ctx)
    who = province_user(ctx)
    now = ctx.clock.now()
    label = periodic.current_label(ctx)
    episodes(ctx, "58001", 5, 2, at=now, form="01")                 # khám ngoại trú, BHYT (rejected not counted)
    episodes(ctx, "58001", 3, 0, at=now, form="03", bhyt=False)     # nội trú, không BHYT
    episodes(ctx, "58002", 2, 0, at=now, form="07")                 # lĩnh thuốc theo hẹn
    episodes(ctx, "58002", 4, 0, at=now - timedelta(days=400), form="07")   # another period
    periodic.declare_visits(ctx, who, label, "ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb\n58001,kham,BHYT,9\n")
    periodic.save_notes(ctx, who, label, "Thiếu đầu đọc thẻ", "Hỗ trợ kinh phí")
    matrix, by_facility = periodic.report(ctx, who, label)
    row = next(r for r in by_facility.rows if r["code"] == "58001")
    assert (row["kham|BHYT|visits"], row["kham|BHYT|sent"], row["noi_tru|KHONG_BHYT|sent"]) == (9, 5, 3)
    assert next(r for r in by_facility.rows if r["code"] == "58002")["linh_thuoc|BHYT|sent"] == 2
    kham = next(r for r in matrix.rows if r["form"] == "Khám ngoại trú")
    assert kham["BHYT|sent"] == 5 and kham["BHYT|visits"] == 9
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/so-y-te/dinh-ky/{label}.xlsx").content))
    _, header, values = sheet(wb["Theo co so"])
    r58001 = next(v for v in values if v[0] == "58001")
    assert r58001[header.index("Khám ngoại trú — BHYT: số lượt liên thông")] == 5
    assert r58001[header.index("Nội trú — Không BHYT: số lượt liên thông")] == 3
    assert values[-1][1] == "Toàn tỉnh" and values[-1][header.index("Khó khăn, vướng mắc")] == "Thiếu đầu đọc thẻ"
    with pytest.raises(SandboxError):
        periodic.declare_visits(ctx, who, label, "ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb\n62001,kham,BHYT,1\n")
    with pytest.raises(SandboxError):
        periodic.report(ctx, who, "2026-H3")


def test_schedule_exports(ctx, client):
    province_user(ctx)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    settings.update(ctx, "56", campaign_start=(today - timedelta(days=2)).strftime("%Y%m%d"),
                    campaign_end=(today + timedelta(days=2)).strftime("%Y%m%d"))
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    text = client.get("/so-y-te/chien-dich/lich.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Báo cáo,Kỳ,Hạn nộp,Tình trạng,Người nộp,Thời điểm nộp"
    assert f"Báo cáo ngày,{(today - timedelta(days=2)):%d/%m/%Y}," in text and "quá hạn" in text
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/so-y-te/chien-dich/lich.xlsx").content))
    assert sheet(wb["Lich bao cao"])[0] == "LỊCH BÁO CÁO CHIẾN DỊCH"


def test_six_monthly_report_uses_the_units_of_its_half_year(ctx):
    """Khánh Hòa's report for the first half of 2025 places its facilities by district and former province
    (the units of that time); for the second half by 2025 commune, and says it covers both former provinces."""
    seed(ctx)
    who = province_user(ctx)
    first = {r["code"]: r for r in periodic.report(ctx, who, "2025-H1")[1].rows}
    second_tables = periodic.report(ctx, who, "2025-H2")
    second = {r["code"]: r for r in second_tables[1].rows}
    assert first["58002"]["place"] == "Huyện Ninh Phước — Ninh Thuận"
    assert second["58002"]["place"] == "Xã Ninh Phước — Ninh Thuận cũ"
    assert "62001" not in second                                  # Kon Tum is in Quảng Ngãi
    assert "gồm địa bàn Khánh Hòa và Ninh Thuận" in second_tables[0].note
    columns = dict(periodic.report(ctx, who, "2025-H1")[1].columns)
    assert columns["place"].startswith("Huyện")

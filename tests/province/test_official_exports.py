"""Reports look like the documents a Sở Y tế files (issue 22): the agency under its parent top left, the Quốc
hiệu and motto top right, the place and date line, the title, an STT column, numbers and dates as Excel values
with their formats, print setup (A4 landscape, fit to width, header row repeated), autofilter, the signer
block; the PDF the same, numbers in Vietnamese form, no word split inside a syllable — looked at as a picture."""

import io
import subprocess
from datetime import datetime, timedelta, timezone

import openpyxl

from province import settings
from sandbox.clock import VN_TZ
from sandbox.tables import Letterhead, Table, to_pdf, to_xlsx
from tests.province.helpers import PASSWORD, province_user, sheet

TABLE = Table("Bảng sẵn sàng theo cơ sở", [("code", "Mã cơ sở"), ("name", "Tên cơ sở"), ("rate", "Tỷ lệ hợp lệ (%)"),
                                              ("visits", "Số lượt"), ("last", "Gửi lần cuối")],
              [{"code": f"560{i:02d}", "name": "Trung tâm Y tế huyện Khánh Vĩnh và các trạm y tế xã", "rate": 97.456,
                "visits": 105479, "last": datetime(2026, 12, 6, 3, 47, tzinfo=timezone.utc)} for i in range(40)])
HEAD = Letterhead("Sở Y tế tỉnh Khánh Hòa", "UBND tỉnh Khánh Hòa", "Khánh Hòa",
                  when=datetime(2026, 12, 6, 10, 0, tzinfo=VN_TZ), signer="GIÁM ĐỐC")


def test_the_workbook_is_a_document():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx([TABLE], HEAD))).active
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}
    texts = list(cells.values())
    assert "UBND TỈNH KHÁNH HÒA" in texts and "SỞ Y TẾ TỈNH KHÁNH HÒA" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert "Khánh Hòa, ngày 06 tháng 12 năm 2026" in texts
    title, header, rows = sheet(ws)
    assert title == "BẢNG SẴN SÀNG THEO CƠ SỞ" and header[0] == "Mã cơ sở" and len(rows) == 40
    first = next(r for r in ws.iter_rows() if r[0].value == 1)
    assert first[3].value == 97.456 and first[3].number_format == "#,##0.00"     # a number, shown 97,46 in vi Excel
    assert first[4].value == 105479 and first[4].number_format == "#,##0"
    assert first[5].value == datetime(2026, 12, 6, 10, 47) and first[5].number_format == "dd/mm/yyyy hh:mm"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows
    assert ws.auto_filter.ref and ws.freeze_panes
    assert "NGƯỜI LẬP BIỂU" in texts and "GIÁM ĐỐC" in texts and "(Ký, ghi rõ họ tên, đóng dấu)" in texts


def test_the_pdf_is_a_document_looked_at_as_a_picture(tmp_path):
    pdf = to_pdf("Báo cáo tiến độ liên thông", "Kỳ 01/12/2026 – 06/12/2026", [TABLE], HEAD)
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ Y TẾ TỈNH KHÁNH HÒA",
                     "Khánh Hòa, ngày 06 tháng 12 năm 2026", "BÁO CÁO TIẾN ĐỘ LIÊN THÔNG", "STT", "97,456", "105.479",
                     "06/12/2026 10:47", "NGƯỜI LẬP BIỂU", "GIÁM ĐỐC"):
        assert expected in text, expected
    words = set(text.split())
    assert {"Trung", "tâm", "Khánh", "Vĩnh"} <= words                 # whole syllables, none cut in two
    assert not any(w in words for w in ("Khá", "Vĩn", "huyệ"))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
                   check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_the_province_exports_carry_the_letterhead(ctx, client):
    province_user(ctx)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    settings.update(ctx, "56", campaign_start=(today - timedelta(days=2)).strftime("%Y%m%d"),
                    campaign_end=(today + timedelta(days=2)).strftime("%Y%m%d"))
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/so-y-te/chien-dich/lich.xlsx").content)).active
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and any(str(t).startswith("SỞ Y TẾ") for t in texts)
    pdf = client.get("/so-y-te/chien-dich/lich.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

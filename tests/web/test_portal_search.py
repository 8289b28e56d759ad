"""The portal's list searched by MA_LK and by date, and exported as xlsx and CSV with the same filter."""

import csv
import io

from openpyxl import load_workbook

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from sandbox.clock import VN_TZ


def test_search_by_ma_lk_and_date_and_export(ctx, his, client):
    first = generate(31, "58001", "kham")
    second = generate(32, "58001", "kham")
    his.submit_ok(envelope("58001", [first.documents()]))
    admin.set_clock(ctx, "+3d")
    his.login()
    his.submit_ok(envelope("58001", [second.documents()]))
    client.post("/portal/login", data={"username": his.username, "password": his.password})
    everything = client.get("/portal/").text
    assert first.ma_lk in everything and second.ma_lk in everything
    only = client.get(f"/portal/?ma_lk={first.ma_lk}").text
    assert first.ma_lk in only and second.ma_lk not in only
    today = ctx.clock.now().astimezone(VN_TZ).date()
    recent = client.get(f"/portal/?tu={today.isoformat()}").text
    assert second.ma_lk in recent and first.ma_lk not in recent
    nothing = client.get("/portal/?ma_lk=KHONG-CO").text
    assert "Không có lần gửi nào khớp" in nothing
    data = client.get(f"/portal/xuat.csv?ma_lk={first.ma_lk}")
    assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã giao dịch" and len(rows) == 2 and first.ma_lk in rows[1][4]
    book = load_workbook(io.BytesIO(client.get("/portal/xuat.xlsx").content))
    sheet = book.active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert first.ma_lk in " ".join(map(str, values)) and second.ma_lk in " ".join(map(str, values))
    assert client.get("/portal/xuat.pdf").status_code == 404
    assert client.get("/portal/?tu=2026-13-45&ma_lk=" + "x" * 500).status_code == 200


def test_export_needs_a_login(client):
    response = client.get("/portal/xuat.csv", follow_redirects=False)
    assert response.status_code == 302 and "/portal/login" in response.headers["location"]

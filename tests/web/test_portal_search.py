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


def test_a_vietnam_day_bounds_instants_stored_in_utc(ctx):
    """18:00 UTC on 4 March is 01:00 on 5 March in Vietnam: a search from 5 March (Vietnam time)
    finds it and one until 5 March does not, on both databases (SQLite keeps datetimes as text
    without their offset, so a bound is converted to UTC before it is compared)."""
    from datetime import datetime, timezone

    from sandbox.storage.models import Submission
    from sandbox.storage.submissions import list_submissions
    admin.add_facility(ctx, "58001", "BV")
    at = datetime(2026, 3, 4, 18, 0, tzinfo=timezone.utc)
    with ctx.db.session() as s:
        s.add(Submission(id="S-VN-DAY", facility_code="58001", username="u", endpoint="e", profile="QD3176",
                         kind="HOSO", loai_ho_so="130", payload=b"", payload_sha256="", received_at=at,
                         status="DA_XU_LY", attempts=1, findings=[], records=[]))
    midnight_vn = datetime(2026, 3, 5, tzinfo=VN_TZ)
    with ctx.db.read() as s:
        assert [x.id for x in list_submissions(s, "58001", since=midnight_vn)] == ["S-VN-DAY"]
        assert list_submissions(s, "58001", until=midnight_vn) == []

"""Every workbook an official or a facility downloads from the demo — the province's board, facility, campaign and
six-monthly reports, the portal's export and comparisons, a certification checklist — holds no English status
word in its cells ("ready", "pending", "UNCONFIRMED", "true" …): the cells are what gets filed."""

import io
import os
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.slow
ENGLISH = re.compile(r"\b(ready|pending|accepted|rejected|valid|invalid|true|false|none|yes|unconfirmed|official|"
                     r"draft|open|closed|pass|fail|skip|error|active|suspended|approved|refused|late|due|filed|"
                     r"daily|weekly|final|total|facility|status|province|commune|district)\b", re.I)


def _english(data: bytes) -> set:
    found = set()
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found |= {(ws.title, m.group(0), cell.value[:60]) for m in ENGLISH.finditer(cell.value)}
    return found


def test_no_english_status_word_in_any_downloaded_workbook(tmp_path, monkeypatch):
    from sandbox.tables import Table, to_xlsx
    assert _english(to_xlsx([Table("Bảng", [("a", "Trạng thái")], [{"a": "UNCONFIRMED"}])]))   # the check sees one
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PASSWORD_HASH_ITERATIONS="1000")
    subprocess.run([sys.executable, "-m", "sandbox.cli", "demo", "--pki-dir", str(tmp_path / "pki")], env=env,
                   check=True, capture_output=True)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SANDBOX_CSRF", "false")
    monkeypatch.setenv("SANDBOX_ISSUER_DIR", str(tmp_path / "issuer"))
    from starlette.testclient import TestClient
    from conformance import service
    from conformance.reports import WRITERS
    from sandbox.app import create_app
    app = create_app(start_worker=False)
    province, portal = TestClient(app), TestClient(app)
    assert province.post("/so-y-te/dang-nhap", data={"username": "syt.khanhhoa", "password": "SoYTe@2026"}).status_code == 200
    assert portal.post("/portal/login", data={"username": "58001_BV", "password": "Demo@58001"}).status_code == 200
    codes = sorted(set(re.findall(r"/so-y-te/co-so/(\d{5})", province.get("/so-y-te/bang").text)))[:3]
    downloads = {u: province.get(u).content for u in
                 ["/so-y-te/bang.xlsx", "/so-y-te/chien-dich/lich.xlsx", "/so-y-te/chien-dich/daily.xlsx",
                  "/so-y-te/chien-dich/weekly.xlsx", "/so-y-te/chien-dich/final.xlsx", "/so-y-te/dinh-ky/2026-H2.xlsx",
                  "/so-y-te/dinh-ky/2026-H1.xlsx"] + [f"/so-y-te/co-so/{c}.xlsx" for c in codes]}
    downloads.update({u: portal.get(u).content for u in ("/portal/xuat.xlsx", "/portal/doi-chieu.xlsx")})
    ctx = app.app.extensions["skdt"]
    opened = service.open_session(ctx, "58001", "58001_BV", "HIS Demo", "Nhà cung cấp", "1.0", "QD3176")
    downloads["checklist"] = WRITERS["xlsx"][0](service.progress(ctx, opened["id"], "58001"))
    assert len(codes) == 3 and all(data[:2] == b"PK" for data in downloads.values()), \
        [u for u, d in downloads.items() if d[:2] != b"PK"]
    found = {u: _english(data) for u, data in downloads.items()}
    assert not any(found.values()), {u: sorted(f)[:5] for u, f in found.items() if f}

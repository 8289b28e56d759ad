"""Formula injection (issue 23, finding 2): a text that starts like a formula — a HIS name in a certification
session, an MA_LK in a signed envelope — stays text in every export (xlsx cells typed as text, CSV values
prefixed with an apostrophe); one writer (sandbox/tables.py) serves every export."""

import io

from openpyxl import load_workbook

from conformance import service
from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.tables import Table, to_csv, to_xlsx

EVIL = ('=HYPERLINK("http://example.invalid","Bấm")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1")


def _cells(data: bytes) -> list:
    return [c for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for c in row]


def test_the_writer_keeps_formula_like_text_as_text():
    table = Table("Bảng", [("a", "Tên")], [{"a": v} for v in EVIL])
    cells = _cells(to_xlsx([table]))
    written = [c for c in cells if c.value in EVIL]
    assert len(written) == len(EVIL) and all(c.data_type == "s" for c in written)
    import csv
    read = [row[0] for row in csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig")))][1:]
    assert read == ["'" + v for v in EVIL]


def test_portal_exports_of_an_evil_ma_lk(ctx, his, client):
    ma_lk = "=1+2"
    his.submit_ok(envelope("58001", [generate(5, "58001", "kham", ma_lk=ma_lk).documents()]))
    client.post("/portal/login", data={"username": his.username, "password": his.password})
    xlsx = client.get("/portal/xuat.xlsx").content
    assert all(c.data_type != "f" for c in _cells(xlsx))
    assert any(c.value == ma_lk and c.data_type == "s" for c in _cells(xlsx))
    assert "'=1+2" in client.get("/portal/xuat.csv").content.decode("utf-8-sig")


def test_certification_checklist_of_an_evil_software_name(ctx, his):
    opened = service.open_session(ctx, "58001", his.username, EVIL[0], "@Vendor", "=1", "QD3176")
    from conformance.reports import WRITERS
    writer, _ = WRITERS["xlsx"]
    data = writer(service.progress(ctx, opened["id"], "58001"))
    cells = _cells(data)
    assert all(c.data_type != "f" for c in cells)
    assert any(str(c.value).startswith(EVIL[0]) and c.data_type == "s" for c in cells)


def test_control_characters_neither_break_a_workbook_nor_enter_a_session(ctx):
    """A control character openpyxl cannot store was a 500 on the checklist export (schemathesis found it):
    the writer replaces it, and a certification session refuses it up front with a coded error."""
    import pytest
    from sandbox import admin
    from sandbox.errors import InvalidInputError
    cells = _cells(to_xlsx([Table("Bảng", [("a", "Tên")], [{"a": "HIS\x01 X"}])]))
    assert any(c.value == "HIS\ufffd X" for c in cells)
    admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
    with pytest.raises(InvalidInputError):
        service.open_session(ctx, "58001", "58001_BV", "HIS\x1f", "Công ty", "1.0")

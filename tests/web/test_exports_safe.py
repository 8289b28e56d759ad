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


def test_csv_uploads_as_excel_on_vietnamese_windows_writes_them():
    """UTF-8 with BOM, Windows-1258 (letters with horn/circumflex/breve whole, tone marks combining), semicolons:
    the same rows; an unreadable or too large file is refused with what to do."""
    import pytest
    from sandbox.errors import InvalidInputError
    from sandbox.tables import MAX_UPLOAD_BYTES, read_csv
    rows = [{"ma_huyen": "568", "xa_phuong": "Phường Đô Vinh", "so_luong": "120"}]
    assert read_csv("\ufeffma_huyen,xa_phuong,so_luong\r\n568,Phường Đô Vinh,120\r\n".encode("utf-8")) == rows
    semicolons = "ma_huyen;xa_phuong;so_luong\r\n568;Phường Đô Vinh;120\r\n"
    assert read_csv(semicolons.encode("utf-8")) == rows
    assert read_csv(_cp1258(semicolons)) == rows
    with pytest.raises(InvalidInputError) as refused:
        read_csv(b"x" * (MAX_UPLOAD_BYTES + 1))
    assert "quá lớn" in refused.value.hint_vi
    with pytest.raises(InvalidInputError) as refused:
        read_csv(b"ma;ten\r\n1;\x81\x8d\x8f\x90\r\n")        # bytes no code page here gives a letter to
    assert "CSV UTF-8" in refused.value.hint_vi


def _cp1258(text: str) -> bytes:
    """What Windows' Vietnamese code page writes: tone marks as combining characters after the letter."""
    import unicodedata
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")

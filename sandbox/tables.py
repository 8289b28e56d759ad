"""A table as the portal and province pages show it, and the same table as a file: xlsx (openpyxl), CSV
(UTF-8 with BOM, so Excel reads the Vietnamese), or PDF (fpdf2, landscape A4)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.clock import vn_text

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]            # (key, Vietnamese header)
    rows: list[dict]
    note: str = ""
    sheet: str = ""
    totals: dict = field(default_factory=dict)

    def cells(self, row: dict) -> list:
        return [cell(row.get(key)) for key, _ in self.columns]


def cell(value):
    if isinstance(value, datetime):
        return vn_text(value)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what a spreadsheet may read as the start of a formula


def csv_safe(value):
    """A text that would start a formula in Excel gets a leading apostrophe in CSV (OWASP's advice): a
    facility's HIS name or MA_LK cannot become a live formula in the Sở Y tế's spreadsheet."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def append_row(ws, values) -> None:
    """``ws.append`` for every xlsx writer: a text that starts like a formula is stored as text, never as
    a formula (openpyxl reads "=…" as one); control characters a workbook cannot hold become U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in values])
    for c in ws[ws.max_row]:
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
            c.data_type = "s"


MAX_UPLOAD_BYTES = 5 * 1024 * 1024   # a province's targets or declared visits: a few thousand lines at most


def read_csv(data: bytes | str) -> list[dict]:
    """The rows of an uploaded CSV as Excel writes it, on any Windows: UTF-8 (with or without BOM) or, from
    "CSV (Comma delimited)" on a Vietnamese Windows, Windows-1258 (its combining accents made whole, NFC);
    separated by commas or — where the list separator is a semicolon — by semicolons. Anything else, or a
    file over MAX_UPLOAD_BYTES, is a coded refusal that says what to do."""
    import unicodedata
    from sandbox.errors import InvalidInputError
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(f"tệp quá lớn ({len(data) // 1024} KB), tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
                                f"file too large ({len(data) // 1024} KB), at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            try:
                text = unicodedata.normalize("NFC", data.decode("cp1258"))
            except UnicodeDecodeError:
                raise InvalidInputError(f"tệp không đọc được (byte {exc.start}): trong Excel chọn Lưu thành "
                                        "«CSV UTF-8 (Comma delimited)»",
                                        f"unreadable file (byte {exc.start}): save it as CSV UTF-8 in Excel") from None
    else:
        text = data
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidInputError(f"CSV không hợp lệ: {exc}", f"invalid CSV: {exc}") from None


def to_xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    wb = Workbook()
    wb.remove(wb.active)
    for i, table in enumerate(tables, start=1):
        ws = wb.create_sheet((table.sheet or f"Bang {i}")[:31])
        append_row(ws, [table.title])
        ws["A1"].font = Font(bold=True, size=13)
        if table.note:
            append_row(ws, [table.note])
        append_row(ws, [label for _, label in table.columns])
        header_row = ws.max_row
        for c in ws[header_row]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            append_row(ws, table.cells(row))
        if table.totals:
            append_row(ws, table.cells(table.totals))
            for c in ws[ws.max_row]:
                c.font = Font(bold=True)
        for col, (key, label) in enumerate(table.columns, start=1):
            width = max([len(str(label))] + [len(str(cell(r.get(key)))) for r in table.rows[:200]])
            ws.column_dimensions[ws.cell(row=header_row, column=col).column_letter].width = min(60, max(8, width + 2))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(label) for _, label in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(v) for v in table.cells(row)])
    if table.totals:
        writer.writerow([csv_safe(v) for v in table.cells(table.totals)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_pdf(title: str, subtitle: str, tables: list[Table]) -> bytes:
    from fpdf import FPDF
    from sandbox.health_book.pdf import _font
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", size=14)
    pdf.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        pdf.ln(4)
        pdf.set_font("DejaVu", size=11)
        pdf.multi_cell(0, 6, table.title, new_x="LMARGIN", new_y="NEXT")
        if table.note:
            pdf.set_font("DejaVu", size=8)
            pdf.multi_cell(0, 4, table.note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=7)
        rows = [[str(label) for _, label in table.columns]] + [[str(c) for c in table.cells(r)] for r in table.rows]
        if table.totals:
            rows.append([str(c) for c in table.cells(table.totals)])
        from fpdf.fonts import FontFace
        with pdf.table(first_row_as_headings=True, line_height=4,
                       headings_style=FontFace(emphasis="", fill_color=(232, 238, 245))) as grid:
            for values in rows:
                line = grid.row()
                for value in values:
                    line.cell(value)
    return bytes(pdf.output())

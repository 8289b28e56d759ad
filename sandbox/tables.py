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


@dataclass
class Letterhead:
    """What makes an export a document an official files (Nghị định 30/2020/NĐ-CP's layout): the issuing agency
    top left under its parent, the Quốc hiệu and motto top right, the place and date line, and the signer
    block at the end."""
    agency: str                                 # "SỞ Y TẾ TỈNH KHÁNH HÒA"
    parent: str = ""                            # "UBND TỈNH KHÁNH HÒA"
    place: str = ""                             # "Khánh Hòa"
    when: datetime | None = None                # the date line (Vietnam time)
    signer: str = "THỦ TRƯỞNG ĐƠN VỊ"
    preparer: str = "NGƯỜI LẬP BIỂU"

    def date_line(self) -> str:
        from sandbox.clock import VN_TZ
        when = (self.when or datetime.now(VN_TZ)).astimezone(VN_TZ)
        return f"{self.place + ', ' if self.place else ''}ngày {when:%d} tháng {when:%m} năm {when:%Y}"


NATION = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def vi_number(value) -> str:
    """1234567.5 → "1.234.567,5" (Babel's vi_VN), as a Vietnamese reader writes numbers."""
    from babel.numbers import format_decimal
    return format_decimal(value, locale="vi_VN", format="#,##0.####")


def xlsx_value(value):
    """A cell as Excel should hold it: numbers as numbers, instants as dates in Vietnam time."""
    if isinstance(value, datetime):
        from sandbox.clock import VN_TZ
        return value.astimezone(VN_TZ).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


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


def to_xlsx(tables: list[Table], letterhead: Letterhead | None = None) -> bytes:
    """One sheet per table: the letterhead (when given), the title, an STT column, numbers and dates as Excel
    values with their formats (a Vietnamese Excel shows 1.234,5 and 06/12/2026 14:05), an autofilter, frozen
    header, print setup (A4 landscape, fit to width, header rows repeated) and the signer block."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    thin = Side(style="thin", color="999999")
    wb = Workbook()
    wb.remove(wb.active)
    for i, table in enumerate(tables, start=1):
        ws = wb.create_sheet((table.sheet or f"Bang {i}")[:31])
        width = len(table.columns) + 1
        right = max(3, width - 3)                     # where the Quốc hiệu block starts
        if letterhead:
            append_row(ws, [letterhead.parent.upper()] + [""] * (right - 2) + [NATION[0]])
            append_row(ws, [letterhead.agency.upper()] + [""] * (right - 2) + [NATION[1]])
            append_row(ws, [""] * (right - 1) + [letterhead.date_line()])
            for r, bold in ((1, False), (2, True)):
                ws.cell(r, 1).font = Font(bold=bold)
                ws.cell(r, right).font = Font(bold=True, underline="single" if r == 2 else None)
            ws.cell(3, right).font = Font(italic=True)
            append_row(ws, [])
        append_row(ws, [table.title.upper() if letterhead else table.title])
        title_row = ws.max_row
        ws.cell(title_row, 1).font = Font(bold=True, size=13)
        if letterhead:
            ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=width)
            ws.cell(title_row, 1).alignment = Alignment(horizontal="center")
        if table.note:
            append_row(ws, [table.note])
        append_row(ws, ["STT"] + [label for _, label in table.columns])
        header_row = ws.max_row
        for c in ws[header_row]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            c.fill = PatternFill("solid", fgColor="E8EEF5")
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        for n, row in enumerate(table.rows, start=1):
            append_row(ws, [n] + [xlsx_value(row.get(key)) for key, _ in table.columns])
            _formats(ws[ws.max_row], thin)
        last = ws.max_row
        if table.totals:
            append_row(ws, ["Tổng"] + [xlsx_value(table.totals.get(key)) for key, _ in table.columns])
            _formats(ws[ws.max_row], thin)
            for c in ws[ws.max_row]:
                c.font = Font(bold=True)
        ws.column_dimensions["A"].width = 6
        for col, (key, label) in enumerate(table.columns, start=2):
            longest = max([len(str(label)) // 2] + [len(str(cell(r.get(key)))) for r in table.rows[:200]])
            ws.column_dimensions[ws.cell(row=header_row, column=col).column_letter].width = min(60, max(9, longest + 2))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
        if table.rows:
            ws.auto_filter.ref = f"A{header_row}:{ws.cell(last, width).column_letter}{last}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if letterhead:
            append_row(ws, [])
            append_row(ws, [letterhead.preparer] + [""] * (right - 2) + [letterhead.signer])
            append_row(ws, ["(Ký, ghi rõ họ tên)"] + [""] * (right - 2) + ["(Ký, ghi rõ họ tên, đóng dấu)"])
            for c in (ws.cell(ws.max_row - 1, 1), ws.cell(ws.max_row - 1, right)):
                c.font = Font(bold=True)
            for c in (ws.cell(ws.max_row, 1), ws.cell(ws.max_row, right)):
                c.font = Font(italic=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _formats(cells, side) -> None:
    from openpyxl.styles import Border
    for c in cells:
        c.border = Border(top=side, bottom=side, left=side, right=side)
        if isinstance(c.value, bool):
            continue
        if isinstance(c.value, int):
            c.number_format = "#,##0"
        elif isinstance(c.value, float):
            c.number_format = "#,##0.00"
        elif isinstance(c.value, datetime):
            c.number_format = "dd/mm/yyyy hh:mm"


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(label) for _, label in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(v) for v in table.cells(row)])
    if table.totals:
        writer.writerow([csv_safe(v) for v in table.cells(table.totals)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_pdf(title: str, subtitle: str, tables: list[Table], letterhead: Letterhead | None = None) -> bytes:
    """Landscape A4: the letterhead (when given), the title, each table with an STT column, numbers in
    Vietnamese form (1.234,5), dates dd/MM/yyyy HH:mm in Vietnam time, cells left-aligned (never justified),
    words never split inside a syllable, the signer block at the end."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace
    from sandbox.health_book.pdf import _font
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    if letterhead:
        top, half = pdf.get_y(), (pdf.w - pdf.l_margin - pdf.r_margin) / 2
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(half - 20, 5, letterhead.parent.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(half - 20, 5, letterhead.agency.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(pdf.l_margin + half - 10, top)
        pdf.multi_cell(half + 10, 5, NATION[0], align="C", new_x="LEFT", new_y="NEXT")
        pdf.multi_cell(half + 10, 5, NATION[1], align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        pdf.multi_cell(half + 10, 6, letterhead.date_line(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, title.upper() if letterhead else title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, table.title, align="L", new_x="LMARGIN", new_y="NEXT")
        if table.note:
            pdf.set_font("DejaVu", size=8)
            pdf.multi_cell(0, 4, table.note, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=7)
        rows = [["STT"] + [str(label) for _, label in table.columns]]
        rows += [[str(n)] + [_pdf_text(row.get(key)) for key, _ in table.columns] for n, row in enumerate(table.rows, 1)]
        if table.totals:
            rows.append(["Tổng"] + [_pdf_text(table.totals.get(key)) for key, _ in table.columns])
        widths = _widths(pdf, rows)
        with pdf.table(first_row_as_headings=True, line_height=4, col_widths=widths, text_align="LEFT",
                       wrapmode="WORD", headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 245))) as grid:
            for values in rows:
                line = grid.row()
                for value in values:
                    line.cell(value)
    if letterhead:
        pdf.ln(6)
        half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
        y = pdf.get_y()
        for x, lines in ((pdf.l_margin, (letterhead.preparer, "(Ký, ghi rõ họ tên)")),
                         (pdf.l_margin + half, (letterhead.signer, "(Ký, ghi rõ họ tên, đóng dấu)"))):
            pdf.set_xy(x, y)
            pdf.set_font("DejaVu", "B", 9)
            pdf.cell(half, 5, lines[0], align="C", new_x="LEFT", new_y="NEXT")
            pdf.set_font("DejaVu", size=8)
            pdf.cell(half, 5, lines[1], align="C")
    return bytes(pdf.output())


def _pdf_text(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):
        return vi_number(value)
    return str(cell(value))


def _widths(pdf, rows: list[list[str]]) -> list[float]:
    """Column widths from their content (the longest word and a typical line), so no word is split."""
    widths = []
    for col in range(len(rows[0])):
        texts = [r[col] for r in rows[:300] if col < len(r)]
        longest_word = max((pdf.get_string_width(w) for t in texts for w in t.split()), default=5)
        typical = sorted(pdf.get_string_width(t) for t in texts)[len(texts) * 3 // 4] if texts else 5
        widths.append(max(longest_word + 3, min(typical + 3, 60), 8))
    return widths

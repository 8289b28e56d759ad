"""PDF of one health-book visit (QĐ 31/QĐ-BYT Đ3: downloadable, same value as paper).

Laid out as the visit record of the Sổ SKĐT (QĐ 31 nhóm 1–3, QĐ 1332): a header, the person's
administrative data, the visit (facility by name, form of care, route, dates in Vietnam time,
diagnoses with ICD-10 titles), test results, drugs, procedures, the record summary, and the papers
that count as paper ones (discharge, appointment, referral).  ``visit`` is what
``present.readable`` returns.
"""

from __future__ import annotations

from pathlib import Path

from .present import validity, vi_num, wire_dt

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
DASH = "—"


def _font(name: str = "DejaVuSans.ttf") -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    raise FileNotFoundError(f"{name} not found (Debian package fonts-dejavu-core)")


class _Doc:
    def __init__(self, generated: str):
        from fpdf import FPDF

        class Page(FPDF):
            def footer(self):
                self.set_y(-12)
                self.set_font("DejaVu", size=7)
                self.cell(0, 5, f"Tạo lúc {generated} (giờ Việt Nam) · Dữ liệu sandbox, không có giá trị pháp lý · "
                                f"Trang {self.page_no()}/{{nb}}", align="C")

        self.pdf = Page(format="A4")
        self.pdf.add_font("DejaVu", "", _font())
        self.pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_margins(14, 12, 14)
        self.pdf.add_page()

    def title(self, text: str, size: int = 14) -> None:
        self.pdf.set_font("DejaVu", "B", size)
        self.pdf.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def section(self, text: str) -> None:
        self.pdf.ln(2)
        self.pdf.set_font("DejaVu", "B", 11)
        self.pdf.set_fill_color(226, 236, 248)
        self.pdf.multi_cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def fields(self, pairs) -> None:
        """Label: value lines, two columns of labels and values."""
        pairs = [(k, v) for k, v in pairs if v not in (None, "", [])]
        if not pairs:
            return
        self.pdf.set_font("DejaVu", size=9)
        with self.pdf.table(col_widths=(52, 130), first_row_as_headings=False, line_height=5.5,
                            borders_layout="HORIZONTAL_LINES") as table:
            for label, value in pairs:
                row = table.row()
                row.cell(label)
                row.cell(str(value))

    def table(self, headings, widths, rows) -> None:
        if not rows:
            return
        self.pdf.set_font("DejaVu", size=8)
        with self.pdf.table(col_widths=widths, line_height=5, headings_style=_headings_style()) as table:
            head = table.row()
            for h in headings:
                head.cell(h)
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(str(value) if value not in (None, "") else DASH)

    def note(self, text: str) -> None:
        self.pdf.set_font("DejaVu", size=8)
        self.pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _headings_style():
    from fpdf.fonts import FontFace
    return FontFace(emphasis="BOLD", fill_color=(240, 240, 240))


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


def visit_pdf(visit: dict, generated: str = "") -> bytes:
    admin = visit.get("hanhChinh") or {}
    lk = visit.get("luotKham") or {}
    ten = visit.get("ten") or {}
    doc = _Doc(generated)
    doc.note("BẢO HIỂM XÃ HỘI VIỆT NAM · BỘ Y TẾ")
    doc.title("SỔ SỨC KHỎE ĐIỆN TỬ")
    doc.title("THÔNG TIN LƯỢT KHÁM BỆNH, CHỮA BỆNH", 11)
    doc.note(f"Cơ sở khám bệnh, chữa bệnh: {ten.get('coSo') or visit.get('maCSKCB', '')} · Mã liên kết (MA_LK): "
             f"{visit.get('maLk', '')}")

    doc.section("I. Thông tin hành chính")
    doc.fields((("Họ và tên", admin.get("hoTen")), ("Ngày sinh", wire_dt(admin.get("ngaySinh", ""))[:10]),
                ("Giới tính", ten.get("gioiTinh")), ("Dân tộc", ten.get("danToc")), ("Quốc tịch", ten.get("quocTich")),
                ("Số định danh cá nhân", admin.get("soDinhDanh")), ("Điện thoại", admin.get("dienThoai")),
                ("Địa chỉ", admin.get("diaChi")),
                ("Thẻ BHYT khi khám — mã thẻ", (ten.get("the") or {}).get("maThe")),
                ("Giá trị sử dụng", validity(ten.get("the") or {})),
                ("Nơi đăng ký KCB ban đầu", (ten.get("the") or {}).get("noiDangKyBanDau"))))

    doc.section("II. Lượt khám bệnh, chữa bệnh")
    doc.fields((("Cơ sở KCB", ten.get("coSo")), ("Hình thức KCB", ten.get("hinhThuc")),
                ("Đối tượng / tuyến", ten.get("doiTuong")), ("Thời gian vào", wire_dt(lk.get("ngayVao"))),
                ("Vào nội trú", wire_dt(lk.get("ngayVaoNoiTru"))), ("Thời gian ra", wire_dt(lk.get("ngayRa"))),
                ("Lý do đến khám", lk.get("lyDo")), ("Chẩn đoán", lk.get("chanDoan")),
                ("Kết quả điều trị", ten.get("ketQua")), ("Tình trạng ra viện", ten.get("raVien")),
                ("Nhóm máu", lk.get("nhomMau")), ("Chiều cao", lk.get("chieuCao") and f"{vi_num(lk['chieuCao'])} cm"),
                ("Cân nặng", lk.get("canNang") and f"{vi_num(lk['canNang'])} kg"), ("Lời dặn", lk.get("loiDan")),
                ("Ngày tái khám", wire_dt(lk.get("ngayTaiKham")))))
    doc.table(("Mã ICD-10", "Tên bệnh (ICD-10)", "Loại"), (24, 128, 30),
              [(d["ma"], d["ten"] or "(không có trong danh mục sandbox)", "Bệnh chính" if d["chinh"] else "Bệnh kèm theo")
               for d in ten.get("chanDoan", [])])

    if visit.get("canLamSang"):
        doc.section("III. Kết quả cận lâm sàng")
        doc.table(("Chỉ số", "Kết quả", "Đơn vị", "Mô tả / khoảng tham chiếu", "Kết luận", "Ngày kết quả"),
                  (44, 20, 18, 40, 34, 26),
                  [(r.get("tenChiSo"), vi_num(r.get("giaTri")), r.get("donVi"), r.get("moTa"), r.get("ketLuan"),
                    wire_dt(r.get("ngayKetQua"))) for r in visit["canLamSang"]])
    if visit.get("thuoc"):
        doc.section("IV. Thuốc")
        # DUONG_DUNG is a code of the Ministry's route list, which we do not hold: a citizen reads how to take
        # the drug from LIEU_DUNG and CACH_DUNG, never a bare code
        doc.table(("Tên thuốc", "Hàm lượng", "Liều dùng, cách dùng", "Số lượng"), (52, 26, 78, 26),
                  [(r.get("tenThuoc"), r.get("hamLuong"), _join(r.get("lieuDung"), r.get("cachDung")),
                    _join(vi_num(r.get("soLuong")), r.get("donViTinh"))) for r in visit["thuoc"]])
    if visit.get("thuThuat"):
        doc.section("V. Phẫu thuật, thủ thuật")
        doc.table(("Dịch vụ", "Mã ICD-9-CM", "Thời gian thực hiện"), (110, 34, 38),
                  [(r.get("tenDichVu"), r.get("maPtttQt"), wire_dt(r.get("ngayThucHien"))) for r in visit["thuThuat"]])
    summary = visit.get("tomTat") or {}
    if summary:
        doc.section("VI. Tóm tắt hồ sơ bệnh án")
        doc.fields((("Quá trình bệnh lý", summary.get("quaTrinhBenhLy")), ("Tóm tắt kết quả", summary.get("tomTatKetQua")),
                    ("Phương pháp điều trị", summary.get("phuongPhapDieuTri")), ("Ghi chú", summary.get("ghiChu")),
                    ("Ngày chứng từ", wire_dt(summary.get("ngayChungTu"))), ("Người ký", summary.get("nguoiKy"))))
    papers = (("giayRaVien", "Giấy ra viện", (("Số lưu trữ", "soLuuTru"), ("Chẩn đoán", "chanDoan"),
                                               ("Phương pháp điều trị", "phuongPhapDieuTri"), ("Số ngày nghỉ", "soNgayNghi"),
                                               ("Ghi chú", "ghiChu"), ("Bác sĩ", "bacSi"), ("Ngày", "ngayChungTu"))),
              ("giayHen", "Giấy hẹn khám lại", (("Số giấy hẹn", "soGiayHen"), ("Ngày hẹn", "ngayHen"),
                                                ("Chẩn đoán", "chanDoan"), ("Bác sĩ", "bacSi"), ("Ngày", "ngayChungTu"))),
              ("giayChuyenTuyen", "Giấy chuyển tuyến", (("Số giấy", "soGiay"), ("Số hồ sơ", "soHoSo"),
                                                        ("Nơi chuyển đến", "noiDen"), ("Dấu hiệu lâm sàng", "dauHieuLamSang"),
                                                        ("Hướng điều trị", "huongDieuTri"), ("Phương tiện", "phuongTien"),
                                                        ("Bác sĩ", "bacSi"))))
    numbers = iter(("VII", "VIII", "IX"))
    for group, label, keys in papers:
        paper = visit.get(group)
        if not paper:
            continue
        doc.section(f"{next(numbers)}. {label} (có giá trị như bản giấy, QĐ 2733 Đ6)")
        values = {k: (wire_dt(paper.get(k)) if k in ("ngayHen", "ngayChungTu") else paper.get(k)) for _, k in keys}
        if group == "giayChuyenTuyen":
            values["noiDen"] = ten.get("noiDen") or paper.get("noiDen")
        doc.fields((lbl, values[k]) for lbl, k in keys)
    return doc.output()


def document(ctx, visit: dict) -> tuple[bytes, dict]:
    """The PDF of a visit and the headers to send it with (a file name, inline display)."""
    from .present import file_name, readable, vn_dt
    data = visit_pdf(readable(ctx, visit), vn_dt(ctx.clock.now()))
    return data, {"Content-Disposition": f'inline; filename="{file_name(visit)}"'}

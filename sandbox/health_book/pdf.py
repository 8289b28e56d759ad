"""PDF of one health-book visit (QĐ 31/QĐ-BYT Đ3: downloadable, same value as paper)."""

from __future__ import annotations

from pathlib import Path

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf")
LABELS = {"hanhChinh": "Thông tin hành chính", "luotKham": "Lượt khám chữa bệnh", "canLamSang": "Kết quả cận lâm sàng",
          "thuoc": "Thuốc", "thuThuat": "Phẫu thuật, thủ thuật", "tomTat": "Tóm tắt hồ sơ bệnh án",
          "giayRaVien": "Giấy ra viện", "giayHen": "Giấy hẹn khám lại", "giayChuyenTuyen": "Giấy chuyển tuyến"}


def _font() -> str:
    for path in FONT_PATHS:
        if Path(path).exists():
            return path
    raise FileNotFoundError("DejaVuSans.ttf not found (Debian package fonts-dejavu-core)")


def visit_pdf(visit: dict) -> bytes:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=14)
    pdf.multi_cell(0, 8, "SỔ SỨC KHỎE ĐIỆN TỬ — Lượt khám chữa bệnh", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, f"Cơ sở KCB {visit.get('maCSKCB', '')} · Mã liên kết {visit.get('maLk', '')} · "
                         "Dữ liệu sandbox, không có giá trị pháp lý", new_x="LMARGIN", new_y="NEXT")
    for group, label in LABELS.items():
        data = visit.get(group)
        if not data:
            continue
        pdf.set_font("DejaVu", size=12)
        pdf.multi_cell(0, 8, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        rows = data if isinstance(data, list) else [data]
        for row in rows:
            text = "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in row.items() if v)
            pdf.multi_cell(0, 5, text or "—", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

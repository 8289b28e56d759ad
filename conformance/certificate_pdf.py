"""The readiness certificate as a PDF a Sở Y tế can print and file, with a QR code leading to
its online verification."""

from __future__ import annotations

from datetime import datetime, timezone

from sandbox.clock import VN_TZ
from sandbox.health_book.pdf import _font

from .certificate import short_digest


def draw_qr(pdf, text: str, x: float, y: float, size: float) -> None:
    import qrcode
    qr = qrcode.QRCode(border=2)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + r * cell, cell, cell, style="F")


def signed_rows(pdf, rows: list[tuple[str, str]], verify_url: str, notes: list[str], label_width: float = 58) -> None:
    """The document's labelled rows, then the QR code of its verification link with the notes beside it
    (the readiness certificate and the province's statement share this layout)."""
    pdf.set_font("DejaVu", size=11)
    for label, value in rows:
        pdf.set_x(15)
        pdf.cell(label_width, 8, label)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 8
    draw_qr(pdf, verify_url, 15, y, 45)
    pdf.set_xy(65, y + 4)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, "\n".join(notes), new_x="LMARGIN", new_y="NEXT")


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).astimezone(VN_TZ).strftime("%d/%m/%Y")


def certificate_pdf(token: str, claims: dict, verify_url: str) -> bytes:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Sandbox liên thông dữ liệu KCB", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", size=18)
    pdf.multi_cell(0, 10, "GIẤY CHỨNG NHẬN SẴN SÀNG LIÊN THÔNG", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 6, "Readiness certificate — QĐ 2733/QĐ-BYT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    f, sw, suite = claims["facility"], claims["software"], claims["suite"]
    rows = [("Cơ sở KCB", f"{f['code']} — {f['name']}"),
            ("Phần mềm HIS", f"{sw['name']} phiên bản {sw['version']}"),
            ("Nhà cung cấp", sw["vendor"]),
            ("Chuẩn dữ liệu", claims["profile"]),
            ("Bộ kiểm tra", f"{suite['id']} phiên bản {suite['version']}"),
            ("Mã băm bộ kiểm tra", suite["hash"]),
            ("Mã băm báo cáo", claims["report"]["sha256"]),
            ("Ngày cấp", _when(claims["iat"])),
            ("Có giá trị đến", _when(claims["exp"])),
            ("Số chứng nhận", claims["jti"])]
    signed_rows(pdf, rows, verify_url, [f"Quét mã QR để kiểm tra chứng nhận trực tuyến (kể cả thu hồi):\n{verify_url}",
                                         f"Dấu vân tay: {short_digest(token)}",
                                         "Kiểm tra ngoại tuyến: skdt-sandbox certificate verify certificate.jws "
                                         "--issuer issuer.cert.pem",
                                         "Dữ liệu sandbox: chứng nhận kết quả kiểm tra trên môi trường thử nghiệm."])
    return bytes(pdf.output())

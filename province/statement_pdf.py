"""The provincial readiness statement as a PDF: the facility, the decision, who took it and when, the
evidence (certificate, software, report digest), and a QR code leading to its verification page."""

from __future__ import annotations

from datetime import datetime, timezone

from conformance.certificate import short_digest
from conformance.certificate_pdf import signed_rows
from sandbox.clock import VN_TZ
from sandbox.health_book.pdf import _font


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def statement_pdf(token: str, claims: dict, verify_url: str) -> bytes:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.add_page()
    province = claims["province"]
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, f"{province['organisation'].upper()}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                         "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 9, "VĂN BẢN XÁC NHẬN CƠ SỞ SẴN SÀNG LIÊN THÔNG DỮ LIỆU SỔ SỨC KHỎE ĐIỆN TỬ", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, "Provincial readiness statement — QĐ 2733/QĐ-BYT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    f, c, by = claims["facility"], claims["certificate"], claims["decidedBy"]
    sw = c["software"]
    rows = [("Cơ sở KCB", f"{f['code']} — {f['name']}"),
            ("Kết luận", "Đủ điều kiện, sẵn sàng liên thông dữ liệu lên Cổng tiếp nhận dữ liệu giám định BHYT"),
            ("Căn cứ", f"Giấy chứng nhận sẵn sàng số {c['id']}"),
            ("Phần mềm HIS", f"{sw['name']} phiên bản {sw['version']} ({sw['vendor']})"),
            ("Mã băm báo cáo kiểm tra", c["reportSha256"]),
            ("Chứng nhận có giá trị đến", _when(c["expires"])),
            ("Người xác nhận", f"{by['fullName']} ({by['username']}), {province['organisation']}"),
            ("Thời điểm xác nhận", _when(claims["iat"])),
            ("Số văn bản", claims["jti"])]
    signed_rows(pdf, rows, verify_url, [f"Quét mã QR để kiểm tra văn bản trực tuyến:\n{verify_url}",
                                         f"Dấu vân tay: {short_digest(token)}",
                                         "Văn bản tự hết hiệu lực khi giấy chứng nhận bị thu hồi hoặc hết hạn.",
                                         "Dữ liệu sandbox: xác nhận trên môi trường thử nghiệm."])
    return bytes(pdf.output())

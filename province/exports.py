"""The board's and a facility's tables as sandbox.tables.Table, for xlsx, CSV and PDF."""

from __future__ import annotations

from .board import CERT_STATES, STAGES, Row
from .settings import Settings
from datetime import datetime

from sandbox.tables import Table

SIGN_OFF_VI = {"": "", "ready": "Đã xác nhận sẵn sàng", "refused": "Chưa đạt", "withdrawn": "Đã rút xác nhận"}


def _pct(value):
    return None if value is None else round(100 * value, 2)


def board_table(rows: list[Row], cfg: Settings) -> Table:
    columns = [("code", "Mã CSKCB"), ("name", "Tên cơ sở"), ("commune", "Xã, phường (từ 01/07/2025)"),
               ("former", "Địa bàn tỉnh cũ"), ("district", "Huyện cũ (trước 01/07/2025)"), ("accounts", "Tài khoản"),
               ("certificate_expiry", "Chứng thư số hết hạn"), ("last_submission", "Gửi dữ liệu gần nhất"),
               ("accepted", "Hồ sơ hợp lệ"), ("rejected", "Hồ sơ bị từ chối"), ("error_rate", "Tỷ lệ lỗi %"),
               ("display", "Hiển thị đúng hạn 24 giờ %"), ("late", "Hiển thị trễ / quá hạn"),
               ("certification", "Chứng nhận"), ("software", "Phần mềm"), ("grace", "Sau chứng nhận: tỷ lệ lỗi %"),
               ("sign_off", "Xác nhận của tỉnh"), ("stage", "Giai đoạn")]
    out = []
    for r in rows:
        grace = r.grace or {}
        out.append({"code": r.code, "name": r.name, "commune": r.commune, "former": r.former_province,
                    "district": r.district, "accounts": r.accounts,
                    "certificate_expiry": r.certificate_expiry, "last_submission": r.last_submission,
                    "accepted": r.accepted, "rejected": r.rejected, "error_rate": _pct(r.error_rate),
                    "display": _pct(r.display_ok), "late": r.shown_late + r.overdue,
                    "certification": CERT_STATES[r.certification], "software": r.software,
                    "grace": (f"{_pct(grace['errorRate'])}" + (" — VƯỢT NGƯỠNG" if grace["fellBack"] else "")
                              if grace.get("errorRate") is not None else ""),
                    "sign_off": SIGN_OFF_VI[r.sign_off], "stage": STAGES[r.stage]})
    note = (f"Số liệu {cfg.window_days} ngày gần nhất; ngưỡng tỷ lệ lỗi sau chứng nhận {cfg.grace_threshold:.0%} "
            f"trong {cfg.grace_days} ngày.")
    return Table("Bảng theo dõi sẵn sàng liên thông", columns, out, note=note, sheet="Bang san sang")


STATE_VI = {"ready": "còn hiệu lực", "refused": "chưa đạt", "withdrawn": "đã rút"}


def _when(value):
    """An ISO instant of the JSON figures as a datetime: the workbook holds a date, the PDF writes it in Vietnam time."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else value
    except ValueError:
        return value


def facility_tables(data: dict) -> list[Table]:
    f = data["facility"]
    sessions = Table(f"Phiên chứng nhận của cơ sở {f['code']}", [
        ("id", "Phiên"), ("software", "Phần mềm"), ("version", "Phiên bản"), ("vendor", "Nhà cung cấp"),
        ("openedAt", "Mở lúc"), ("outcome", "Kết quả"), ("certificate", "Giấy chứng nhận")],
        [{**s, "openedAt": _when(s.get("openedAt")), }
         for s in data["sessions"]], sheet="Phien chung nhan")
    conditions = []
    for s in data["sessions"][:1]:
        for c in s["conditions"]:
            a = c["attested"] or {}
            conditions.append({"id": c["id"], "title": c["title"], "requirements": c["requirements"],
                               "by": a.get("by", ""), "statement": a.get("statement", ""), "at": _when(a.get("at", ""))})
    attested = Table("Điều kiện sẵn sàng (QĐ 2733 Đ4) và người xác nhận", [
        ("id", "Mã"), ("title", "Điều kiện"), ("requirements", "Căn cứ"), ("by", "Người xác nhận"),
        ("statement", "Nội dung xác nhận"), ("at", "Thời điểm")], conditions, sheet="Dieu kien")
    signoffs = Table("Quyết định của tỉnh", [("decidedAt", "Thời điểm"), ("decisionVi", "Quyết định"),
                                             ("state", "Hiện trạng"), ("reason", "Lý do"), ("decidedBy", "Người quyết định"),
                                             ("certificateId", "Giấy chứng nhận"), ("withdrawnReason", "Lý do rút")],
                     [{**x, "decidedAt": _when(x.get("decidedAt")), "state": STATE_VI.get(x.get("state"), x.get("state"))}
                      for x in data["signOffs"]], sheet="Xac nhan")
    causes = Table("Nguyên nhân từ chối", [("code", "Mã lỗi"), ("name", "Mô tả"), ("count", "Số hồ sơ")],
                   data["rejectionCauses"], sheet="Nguyen nhan")
    return [sessions, attested, signoffs, causes]

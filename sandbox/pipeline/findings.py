"""A finding is one thing processing found in a submission, rendered as a portal ``dsLoi`` item."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..result_codes import ResultCode, info

ERROR = "LOI"
WARNING = "CANH_BAO"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str            # LOI | CANH_BAO (never depends on language)
    message_vi: str
    message_en: str
    file_type: str = ""      # LOAIHOSO: XML1 … XML15, XML0, XML12 or "" for the envelope
    xpath: str = ""
    line: int | None = None
    ma_lk: str = ""
    value: str = ""
    basis: str = ""          # the dated document it was judged by (reference/calendar.py), when one is named

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_wire(self) -> dict:
        return {"maLoi": self.code, "moTaLoi": self.message_vi, "moTaLoiEn": self.message_en,
                "mucDo": self.severity, "loaiHoSo": self.file_type, "viTri": self.xpath,
                "dong": self.line, "giaTri": self.value, "maLk": self.ma_lk, "canCu": self.basis,
                "nhomPhanHoi": feedback_class(self.code)}

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Finding":
        return cls(**data)


# TT 12/2026/TT-BTC: the gateway's automatic feedback, by class, within these hours of receipt.
FEEDBACK_HOURS = {"late": 6, "format": 24, "mismatch": 48, "content": 7 * 24}
FEEDBACK_VI = {"late": "gửi muộn (≤ 6 giờ)", "format": "cấu trúc, định dạng từng trường (≤ 24 giờ)",
               "mismatch": "tổng hợp và chi tiết không khớp (≤ 48 giờ)",
               "content": "giám định nội dung (7 ngày làm việc)"}
_FORMAT_PARTS = ("-CODE-", "-FMT-", "-ID-", "-DATE-", "-ICD-", "-PROV-", "-CARD-")


def feedback_class(code: str) -> str:
    """The TT 12/2026 feedback class a finding belongs to (which automatic answer the real gateway gives):
    our reading of the code families — the circular names the classes, not the codes (UNCONFIRMED)."""
    if "TIME" in code:
        return "late"
    if code.startswith("XML1-SUM"):
        return "mismatch"
    if code.split("-")[0] in ("ENV", "STR", "XSD", "SIG", "CHK") or any(p in code for p in _FORMAT_PARTS):
        return "format"
    return "content"


def finding(code: ResultCode | str, severity: str = ERROR, *, hint_vi: str = "", hint_en: str = "",
            **where) -> Finding:
    """Build a finding from the code table, adding what to fix."""
    entry = info(code)
    vi = f"{entry.vi}: {hint_vi}" if hint_vi else entry.vi
    en = f"{entry.en}: {hint_en}" if hint_en else entry.en
    value = where.pop("value", "")
    if value is not None and len(str(value)) > 200:
        value = str(value)[:200] + "…"
    return Finding(entry.code, severity, vi, en, value="" if value is None else str(value), **where)

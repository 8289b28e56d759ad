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

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_wire(self) -> dict:
        return {"maLoi": self.code, "moTaLoi": self.message_vi, "moTaLoiEn": self.message_en,
                "mucDo": self.severity, "loaiHoSo": self.file_type, "viTri": self.xpath,
                "dong": self.line, "giaTri": self.value, "maLk": self.ma_lk}

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Finding":
        return cls(**data)


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

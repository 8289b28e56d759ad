"""What a province sets for its pages: the board's counting window, the grace period after
certification (threshold and rolling window), the campaign's dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.context import Context
from sandbox.errors import InvalidInputError
from sandbox.storage.models import ProvinceSetting

DEFAULTS = {"window_days": 30, "grace_days": 7, "grace_threshold": 0.05, "campaign_start": "", "campaign_end": ""}


@dataclass(frozen=True)
class Settings:
    province_code: str
    window_days: int
    grace_days: int
    grace_threshold: float      # error rate above which a certified facility "falls back"
    campaign_start: str         # yyyyMMdd, "" when not set
    campaign_end: str

    def as_json(self) -> dict:
        return {"windowDays": self.window_days, "graceDays": self.grace_days, "graceThreshold": self.grace_threshold,
                "campaignStart": self.campaign_start, "campaignEnd": self.campaign_end}


def get(ctx: Context, province_code: str) -> Settings:
    with ctx.db.read() as s:
        row = s.get(ProvinceSetting, province_code)
        values = {k: getattr(row, k) for k in DEFAULTS} if row else dict(DEFAULTS)
    return Settings(province_code, **values)


def update(ctx: Context, province_code: str, **values) -> Settings:
    clean = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in ("window_days", "grace_days"):
            if not isinstance(value, int) or not 1 <= value <= 366:
                raise InvalidInputError("số ngày từ 1 đến 366", f"{key} must be 1..366 days")
        elif key == "grace_threshold":
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise InvalidInputError("ngưỡng tỷ lệ lỗi từ 0 đến 1 (0,05 = 5%)", "threshold must be within 0..1")
            value = float(value)
        elif key in ("campaign_start", "campaign_end"):
            if value and not re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])", value):
                raise InvalidInputError("ngày dạng yyyyMMdd", f"{key} must be yyyyMMdd")
        else:
            raise InvalidInputError(f"không có thiết lập {key}", f"no setting {key}")
        clean[key] = value
    current = get(ctx, province_code)
    merged = {**{k: getattr(current, k) for k in DEFAULTS}, **clean}
    if merged["campaign_start"] and merged["campaign_end"] and merged["campaign_end"] < merged["campaign_start"]:
        raise InvalidInputError("ngày kết thúc chiến dịch trước ngày bắt đầu", "the campaign ends before it starts")
    with ctx.db.session() as s:
        s.merge(ProvinceSetting(province_code=province_code, **merged))
    return Settings(province_code, **merged)

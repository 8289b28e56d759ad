"""Sending deadlines that follow a dated document: the draft replacing TT 48/2017/TT-BYT (data sent within
3 hours of the end of a visit, expected from 01/01/2027).  A draft is off unless a vendor rehearses it
(``--as-of``, the account's rehearsal date): then a HOSO sent later than that warns."""

from __future__ import annotations

from datetime import timedelta

from ...clock import VN_TZ
from . import Hit, rule
from .view import ts

DEADLINE = timedelta(hours=3)


@rule("XML1-TIME-01", "Hồ sơ gửi quá 3 giờ sau khi kết thúc lượt KCB", "HOSO sent more than 3 hours after the visit ended",
      source="Dự thảo thay thế TT 48/2017/TT-BYT (gửi trong 3 giờ; UNCONFIRMED, chỉ khi diễn tập)",
      fields=("NGAY_RA",), confidence="unconfirmed", document="TT48-DRAFT-2027")
def within_three_hours(v, ctx):
    x = v.xml1
    ended = ts(x.get("NGAY_RA"))
    if ended is None:
        return
    sent = ctx.now.astimezone(VN_TZ).replace(tzinfo=None)
    if sent - ended > DEADLINE:
        hours = (sent - ended).total_seconds() / 3600
        yield Hit("XML1", x.path("NGAY_RA"), x.get("NGAY_RA"), f"gửi sau {hours:.1f} giờ (tối đa 3 giờ)",
                  f"sent {hours:.1f} hours after (at most 3)", x.line)

"""The display clock: when an entry becomes visible on VNeID (QĐ 2733 Đ5 b7: within 24 hours of receipt).

Profiles (``SANDBOX_DISPLAY_PROFILE``):
* ``immediate`` — visible at receipt (the default for development);
* ``realistic`` — a deterministic spread between 5 minutes and 23 hours;
* ``late`` — like realistic, but one entry in five shows after 25–48 hours (breaks the rule).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select


PROFILES = ("immediate", "realistic", "late")
LIMIT = timedelta(hours=24)


def _fraction(key: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def delay(profile: str, key: str) -> timedelta:
    if profile == "immediate":
        return timedelta(0)
    if profile not in PROFILES:
        raise ValueError(f"display profile must be one of {PROFILES}")
    if profile == "late" and _fraction(key, "late") < 0.2:
        return timedelta(hours=25) + timedelta(hours=23) * _fraction(key, "late-spread")
    return timedelta(minutes=5) + (timedelta(hours=23) - timedelta(minutes=5)) * _fraction(key, "spread")


@dataclass(frozen=True)
class DisplayCounts:
    pending: int     # not visible yet, still within 24 hours of receipt
    shown: int       # visible now
    overdue: int     # not visible yet and more than 24 hours since receipt
    shown_late: int  # visible now, but became visible more than 24 hours after receipt


def report(session, now: datetime) -> dict[str, DisplayCounts]:
    """Per facility and overall ("*"), on the sandbox clock: one aggregate query."""
    from ..storage.models import HealthBookEntry as E
    visible = E.visible_at <= now
    stale = E.received_at < now - LIMIT
    count = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    rows = session.execute(select(E.facility_code, count(and_(~visible, ~stale)), count(visible),
                                  count(and_(~visible, stale)), count(and_(visible, E.delay_seconds > LIMIT.total_seconds())))
                           .where(E.is_current.is_(True)).group_by(E.facility_code).order_by(E.facility_code))
    out = {facility: DisplayCounts(*(int(v or 0) for v in values)) for facility, *values in rows}
    out["*"] = DisplayCounts(*(sum(getattr(c, f) for c in out.values())
                               for f in ("pending", "shown", "overdue", "shown_late")))
    return out

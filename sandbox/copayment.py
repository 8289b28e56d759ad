"""The co-payment look-up (CV 1839/CNTT-PM, POST /api/TraCuuCCT/TraCuuTienMCCT): a person's cumulative
co-payment of the calendar year from the episodes the sandbox accepted (XML1 T_BNCCT), and the part
exempt under NĐ 188/2025/NĐ-CP Đ18 k2 — after 5 continuous years of cover (the card's ``ngayDu5Nam``),
the co-payment above 6 × lương cơ sở in the year is exempt.  When lương cơ sở changes in the year the
threshold is pro-rated by month (Đ18 k2 c): half the sum of the twelve months' lương cơ sở.  That reading
of "pro-rated" is ours (UNCONFIRMED); the strict ">" is the decree's ("lớn hơn")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, or_, select

from .storage.models import Episode, Submission
from .storage.prepared import Prepared

# lương cơ sở by the date it applies from: NĐ 24/2023/NĐ-CP, NĐ 73/2024/NĐ-CP, and 2 530 000 from 01/07/2026
# (a vendor's manual and configuration citing NĐ 161/2026: UNCONFIRMED)
BASE_SALARY = ((date(2023, 7, 1), 1_800_000), (date(2024, 7, 1), 2_340_000), (date(2026, 7, 1), 2_530_000))


def base_salary(day: date) -> int:
    return max((d, v) for d, v in BASE_SALARY if d <= day)[1] if day >= BASE_SALARY[0][0] else BASE_SALARY[0][1]


def threshold(year: int) -> Decimal:
    """6 months of lương cơ sở for the year, pro-rated by month when it changes."""
    return Decimal(sum(base_salary(date(year, m, 1)) for m in range(1, 13))) / 2


@dataclass(frozen=True)
class Line:
    id: int
    facility: str
    card: str
    admitted: str     # yyyyMMddHHmm
    discharged: str
    object_code: str
    copayment: Decimal
    received: object  # datetime


def _lines_statement(by_personal_id: bool):
    keys = [Episode.bhxh_number == bindparam("bhxh")]
    if by_personal_id:
        keys.append(Episode.personal_id == bindparam("personal_id"))
    return (select(Episode.id, Episode.facility_code, Episode.card_number, Episode.admitted_at, Episode.discharged_at,
                   Episode.facts, Submission.received_at)
            .join(Submission, Submission.id == Episode.submission_id)
            .where(Episode.is_current.is_(True), or_(*keys), Episode.discharged_at >= bindparam("from_"),
                   Episode.discharged_at < bindparam("to")))


LINES = {by_id: Prepared(_lines_statement(by_id)) for by_id in (False, True)}


def lines(conn, card, year: int) -> list[Line]:
    """The person's accepted episodes that ended in ``year`` and carry a co-payment, oldest first."""
    by_id = bool(card.personal_id)
    values = {"bhxh": card.bhxh_number, "from_": f"{year}01010000", "to": f"{year + 1}01010000"}
    if by_id:
        values["personal_id"] = card.personal_id
    out = []
    for row in LINES[by_id].all(conn, values):
        facts = row.facts or {}
        try:
            amount = Decimal(str(facts.get("T_BNCCT") or "0"))
        except ArithmeticError:
            amount = Decimal(0)
        if amount > 0:
            out.append(Line(row.id, row.facility_code, row.card_number, row.admitted_at, row.discharged_at,
                            str(facts.get("MA_DOITUONG_KCB", "")), amount, row.received_at))
    return sorted(out, key=lambda x: (x.discharged, x.id))


def exempt_parts(items: list[Line], year: int, five_years_from: str) -> list[tuple[Line, Decimal, Decimal]]:
    """(line, cumulative co-payment after it, its exempt part), oldest first.  Exempt: what lies above the
    year's threshold, for an episode ending once the 5 continuous years are reached."""
    limit, running, out = threshold(year), Decimal(0), []
    for item in items:
        before, running = running, running + item.copayment
        eligible = bool(five_years_from) and five_years_from <= item.discharged[:8]
        exempt = max(Decimal(0), running - max(before, limit)) if eligible and running > limit else Decimal(0)
        out.append((item, running, exempt))
    return out

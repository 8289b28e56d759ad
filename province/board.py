"""The readiness board: per facility of a province, its account, certificate, last submission,
accepted / rejected counts and error rate over the window, 24-hour display compliance, the state
of its certification and sign-off, and the grace period after certification.

Every figure comes from aggregate queries on indexed columns (one per kind of figure, not one per
facility), so a province of 500 facilities with a year of submissions loads in well under a second
(benchmarks/bench_province_board.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.reference import units
from sandbox.storage.models import (Account, Certificate, CertificationSession, Episode, Facility, HealthBookEntry,
                                    IssuedCertificate, SignOff, Submission)

from . import settings as province_settings
from .users import ProvinceCaller

DAY = 24 * 3600
CERT_STATES = {"none": "Chưa chứng nhận", "open": "Đang kiểm tra", "certified": "Đã chứng nhận",
               "expired": "Chứng nhận hết hạn", "revoked": "Chứng nhận bị thu hồi"}
STAGES = ("Chưa có tài khoản", "Có tài khoản, chưa gửi dữ liệu", "Đã gửi dữ liệu", "Đã chứng nhận",
          "Đã xác nhận sẵn sàng")


@dataclass
class Row:
    code: str
    name: str
    district_code: str              # before 01/07/2025
    district: str
    commune_code: str               # from 01/07/2025
    commune: str
    former_province: str            # the province before 01/07/2025 ("Ninh Thuận")
    status: str
    accounts: list[str]
    certificate_expiry: datetime | None
    certificate_state: str          # valid | expired | revoked | none (signing certificate)
    last_submission: datetime | None
    accepted: int
    rejected: int
    shown: int
    shown_late: int
    overdue: int
    certification: str              # none | open | certified | expired | revoked
    certification_id: str
    software: str
    certified_at: datetime | None
    sign_off: str                   # "" | ready | refused | withdrawn
    grace: dict | None
    delays: tuple = (0, 0, 0, 0, 0)  # shown within 1 h, 1–6 h, 6–24 h, after 24 h; not shown yet

    @property
    def error_rate(self) -> float | None:
        total = self.accepted + self.rejected
        return self.rejected / total if total else None

    @property
    def display_ok(self) -> float | None:
        total = self.shown + self.overdue
        return (self.shown - self.shown_late) / total if total else None

    @property
    def stage(self) -> int:
        if self.sign_off == "ready":
            return 4
        if self.certification == "certified":
            return 3
        if self.last_submission is not None:
            return 2
        return 1 if self.accounts else 0

    def as_json(self) -> dict:
        iso = lambda d: as_utc(d).isoformat(timespec="seconds") if d else None  # noqa: E731
        return {"code": self.code, "name": self.name, "districtCode": self.district_code, "district": self.district,
                "communeCode": self.commune_code, "commune": self.commune, "formerProvince": self.former_province,
                "status": self.status, "accounts": self.accounts, "certificateExpiry": iso(self.certificate_expiry),
                "certificateState": self.certificate_state, "lastSubmission": iso(self.last_submission),
                "accepted": self.accepted, "rejected": self.rejected, "errorRate": self.error_rate,
                "displayShown": self.shown, "displayLate": self.shown_late, "displayOverdue": self.overdue,
                "displayCompliance": self.display_ok, "certification": self.certification,
                "certificationVi": CERT_STATES[self.certification], "certificateId": self.certification_id,
                "software": self.software, "certifiedAt": iso(self.certified_at), "signOff": self.sign_off,
                "stage": STAGES[self.stage], "grace": self.grace}


def _certification(issued: IssuedCertificate | None, open_session: bool, now: datetime) -> str:
    if issued is not None:
        if issued.revoked_at is not None and as_utc(issued.revoked_at) <= now:
            return "revoked"
        return "expired" if as_utc(issued.expires_at) < now else "certified"
    return "open" if open_session else "none"


def place(f: Facility) -> tuple[str, str, str]:
    """(district before 01/07/2025, commune after, former province) of a facility, by name."""
    district = units.districts_2024().get(f.district_code, ("", ""))[1]
    former = units.former_province_of(f.commune_code) or (f.code[:2] if f.code[:2] in units.provinces_2024() else "")
    return district, units.commune_name(f.commune_code, units.REFORM), units.short(units.provinces_2024().get(former, ""))


def rows(ctx: Context, who: ProvinceCaller, *, district: str | None = None, query: str | None = None,
         certification: str | None = None, commune: str | None = None,
         former: str | None = None) -> tuple[list[Row], province_settings.Settings]:
    """``commune``: a 2025 commune code; ``former``: a former province's code (58: Ninh Thuận cũ);
    ``district``: a district code of before 01/07/2025."""
    cfg = province_settings.get(ctx, who.province_code)
    now = ctx.clock.now()
    since = now - timedelta(days=cfg.window_days)
    with ctx.db.read() as s:
        facilities = list(s.scalars(select(Facility).where(Facility.province_code == who.province_code)
                                    .order_by(Facility.code)))
        codes = [f.code for f in facilities]
        in_province = lambda column: column.in_(codes)  # noqa: E731
        accounts: dict[str, list[str]] = {}
        for code, username in s.execute(select(Account.facility_code, Account.username)
                                        .where(in_province(Account.facility_code)).order_by(Account.username)):
            accounts.setdefault(code, []).append(username)
        signing: dict[str, tuple[str, datetime | None]] = {}
        for c in s.scalars(select(Certificate).where(in_province(Certificate.facility_code))):
            state = "revoked" if c.revoked_at else ("expired" if as_utc(c.not_after) < now else "valid")
            best = signing.get(c.facility_code)
            if best is None or (state == "valid" and (best[0] != "valid" or as_utc(c.not_after) > as_utc(best[1]))):
                signing[c.facility_code] = (state, c.not_after)
        last = dict(s.execute(select(Facility.code, select(func.max(Submission.received_at))
                                     .where(Submission.facility_code == Facility.code).scalar_subquery())
                              .where(Facility.province_code == who.province_code)).all())
        verdicts: dict[str, Counter] = {}
        for code, status, n in s.execute(select(Episode.facility_code, Episode.status, func.count())
                                         .where(in_province(Episode.facility_code), Episode.created_at >= since)
                                         .group_by(Episode.facility_code, Episode.status)):
            verdicts.setdefault(code, Counter())[status] += n
        delays, overdue = _display(s, codes, since, now)
        issued = {}
        for c in s.scalars(select(IssuedCertificate).where(in_province(IssuedCertificate.facility_code))
                           .order_by(IssuedCertificate.issued_at)):
            issued[c.facility_code] = c   # the latest wins
        sessions = {x.id: x for x in s.scalars(select(CertificationSession)
                                                .where(in_province(CertificationSession.facility_code)))}
        open_sessions = {x.facility_code for x in sessions.values() if x.state == "open"}
        decisions = {}
        for d in s.scalars(select(SignOff).where(SignOff.province_code == who.province_code).order_by(SignOff.decided_at)):
            decisions[d.facility_code] = d
        grace = _grace(s, cfg, issued, now)
    out = []
    for f in facilities:
        cert = issued.get(f.code)
        state = _certification(cert, f.code in open_sessions, now)
        session = sessions.get(cert.session_id) if cert else None
        decision = decisions.get(f.code)
        sign_off = "" if decision is None else ("withdrawn" if decision.withdrawn_at else decision.decision)
        if sign_off == "ready" and state != "certified":
            sign_off = "withdrawn"   # the certificate was revoked or expired since (recorded by signoff.refresh)
        v = verdicts.get(f.code, Counter())
        buckets = delays.get(f.code, (0, 0, 0, 0, 0))
        sign_state, sign_expiry = signing.get(f.code, ("none", None))
        district_name, commune_name, former_name = place(f)
        out.append(Row(f.code, f.name, f.district_code, district_name, f.commune_code, commune_name, former_name,
                       f.status,
                       accounts.get(f.code, []), sign_expiry, sign_state, last.get(f.code),
                       v.get("HOP_LE", 0), v.get("KHONG_HOP_LE", 0), sum(buckets[:4]), buckets[3],
                       overdue.get(f.code, 0), state, cert.id if cert else "",
                       f"{session.software} {session.version}" if session else "", cert.issued_at if cert else None,
                       sign_off, grace.get(f.code) if state == "certified" else None, buckets))
    if district:
        out = [r for r in out if r.district_code == district]
    if commune:
        out = [r for r in out if r.commune_code == commune]
    if former:
        name = units.short(units.provinces_2024().get(former, ""))
        out = [r for r in out if r.former_province == name]
    if query:
        q = query.strip().lower()
        out = [r for r in out if q in r.code or q in r.name.lower()]
    if certification:
        out = [r for r in out if r.certification == certification]
    return out, cfg


def _grace(s, cfg, issued: dict[str, IssuedCertificate], now: datetime) -> dict[str, dict]:
    """The live error rate of each certified facility over the rolling grace window (never before
    its certification): under the province's threshold, or fallen back."""
    window_start = now - timedelta(days=cfg.grace_days)
    certified = {code: max(as_utc(c.issued_at), window_start) for code, c in issued.items()}
    if not certified:
        return {}
    counts: dict[str, Counter] = {}
    for code, status, n in s.execute(
            select(Episode.facility_code, Episode.status, func.count())
            .where(Episode.facility_code.in_(list(certified)), Episode.created_at >= window_start)
            .group_by(Episode.facility_code, Episode.status)):
        counts.setdefault(code, Counter())[status] += n
    recent = [code for code, start in certified.items() if start > window_start]
    for code in recent:   # certified within the window: count only what came after the certificate
        counts[code] = Counter(dict(s.execute(select(Episode.status, func.count()).where(
            Episode.facility_code == code, Episode.created_at >= certified[code]).group_by(Episode.status)).all()))
    out = {}
    for code in certified:
        c = counts.get(code, Counter())
        total = c.get("HOP_LE", 0) + c.get("KHONG_HOP_LE", 0)
        rate = c.get("KHONG_HOP_LE", 0) / total if total else None
        out[code] = {"since": certified[code].isoformat(timespec="seconds"), "episodes": total, "errorRate": rate,
                     "threshold": cfg.grace_threshold,
                     "fellBack": rate is not None and rate > cfg.grace_threshold}
    return out


def summary(rows_: list[Row]) -> dict:
    stages = Counter(STAGES[r.stage] for r in rows_)
    return {"facilities": len(rows_), "stages": {name: stages.get(name, 0) for name in STAGES},
            "certified": sum(1 for r in rows_ if r.certification == "certified"),
            "signedOff": sum(1 for r in rows_ if r.sign_off == "ready"),
            "fellBack": sum(1 for r in rows_ if r.grace and r.grace["fellBack"]),
            "accepted": sum(r.accepted for r in rows_), "rejected": sum(r.rejected for r in rows_),
            "displayLate": sum(r.shown_late + r.overdue for r in rows_)}


def _display(s, codes: list[str], since: datetime, now: datetime) -> tuple[dict, dict]:
    """Per facility, the current entries of the window by display delay (index-only on
    ix_book_facility_visible), and the entries not shown yet more than 24 hours after receipt."""
    E = HealthBookEntry
    count = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    d = E.delay_seconds
    delays = {code: tuple(int(v or 0) for v in values) + (0,) for code, *values in s.execute(
        select(E.facility_code, count(d <= 3600), count(and_(d > 3600, d <= 6 * 3600)),
               count(and_(d > 6 * 3600, d <= DAY)), count(d > DAY))
        .where(E.facility_code.in_(codes), E.visible_at >= since, E.visible_at <= now, E.is_current.is_(True))
        .group_by(E.facility_code))}
    overdue = {}
    for code, pending, late in s.execute(   # not visible yet: a few hours' worth of entries
            select(E.facility_code, func.count(), count(E.received_at < now - timedelta(days=1)))
            .where(E.facility_code.in_(codes), E.visible_at > now, E.is_current.is_(True)).group_by(E.facility_code)):
        delays[code] = delays.get(code, (0, 0, 0, 0, 0))[:4] + (int(pending),)
        overdue[code] = int(late or 0)
    return delays, overdue


DELAY_LABELS = ("Dưới 1 giờ", "1–6 giờ", "6–24 giờ", "Quá 24 giờ", "Chưa hiển thị")


def display_delays(rows_: list[Row]) -> list[tuple[str, int]]:
    """Entries of the window by how long they took to show on VNeID (QĐ 2733 Đ5 b7: within 24 hours)."""
    return [(label, sum(r.delays[i] for r in rows_)) for i, label in enumerate(DELAY_LABELS)]


def rejection_causes(ctx: Context, who: ProvinceCaller, facility: str | None = None,
                     limit: int = 8) -> list[tuple[str, int]]:
    """The most frequent errors of the episodes rejected in the window (each counted by its first error)."""
    cfg = province_settings.get(ctx, who.province_code)
    since = ctx.clock.now() - timedelta(days=cfg.window_days)
    with ctx.db.read() as s:
        codes = [facility] if facility else list(s.scalars(select(Facility.code)
                                                           .where(Facility.province_code == who.province_code)))
        found = s.execute(select(Episode.error_code, func.count()).where(
            Episode.facility_code.in_(codes), Episode.created_at >= since, Episode.status == "KHONG_HOP_LE")
            .group_by(Episode.error_code).order_by(func.count().desc(), Episode.error_code).limit(limit))
        return [(code or "?", int(n)) for code, n in found]


@dataclass
class Places:
    communes: list[tuple[str, str]]     # (2025 commune code, name) of the province's facilities
    formers: list[tuple[str, str]]      # (former province code, name) the province took in


def places(ctx: Context, who: ProvinceCaller) -> Places:
    """What the board's filters offer: the communes the province's facilities are in, and the former
    provinces of a merged province ("Khánh Hòa — địa bàn Ninh Thuận cũ")."""
    with ctx.db.read() as s:
        codes = sorted(set(s.scalars(select(Facility.commune_code).where(Facility.province_code == who.province_code,
                                                                         Facility.commune_code != ""))))
    communes = sorted(((c, units.commune_name(c, units.REFORM)) for c in codes), key=lambda x: x[1])
    formers = [(c, units.short(units.provinces_2024().get(c, c))) for c in units.former_provinces(who.province_code)]
    return Places(communes, formers)

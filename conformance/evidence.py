"""What a certification session's HIS did, read from the sandbox: the evidence the checks judge.

Submissions, episodes, card look-ups, exchanges (with the faults the sandbox gave), attestations
and health-book entries of the session's facility between its opening and now (or its closing).
Each HOSO is read once more from the stored payload to know which tables it carried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.pipeline.parsing import ROOT_HOSO, XmlRefused, parse_document, read_envelope, table_rows, text_of
from sandbox.storage.models import (Attestation, CardCheck, CertificationSession, Episode, Exchange, HealthBookEntry,
                                    Submission)

LAB_GROUPS = {"1", "2", "3"}      # MA_NHOM: xét nghiệm, CĐHA, TDCN → results in XML4


@dataclass(frozen=True)
class Hoso:
    submission_id: str
    received_at: datetime
    ma_lk: str
    status: str               # HOP_LE | KHONG_HOP_LE
    disposition: str          # new | replacement | duplicate | rejected
    tables: frozenset[str]
    form: str                 # MA_LOAI_KCB
    discharge: str            # MA_LOAI_RV
    ngay_ra: str
    card: str
    personal_id: str
    has_lab_services: bool
    codes: tuple[str, ...]    # finding codes of this HOSO


@dataclass
class Evidence:
    session: CertificationSession
    now: datetime
    submissions: list[Submission] = field(default_factory=list)
    hosos: list[Hoso] = field(default_factory=list)
    checkins: list[tuple[datetime, str, bool]] = field(default_factory=list)   # (received, MA_LK, accepted)
    card_checks: list[CardCheck] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    attestations: dict[str, Attestation] = field(default_factory=dict)
    book: dict[str, dict] = field(default_factory=dict)          # MA_LK → health-book entry data
    episodes: list[Episode] = field(default_factory=list)
    allowed_delay_hours: float = 24.0

    def accepted(self, form: str | None = None) -> list[Hoso]:
        return [h for h in self.hosos if h.status == "HOP_LE" and (form is None or h.form == form)]

    def submission_codes(self) -> set[str]:
        out = {f["code"] for s in self.submissions for f in (s.findings or [])}
        for h in self.hosos:
            out |= set(h.codes)
        return out


def _hosos(sub: Submission, episodes: dict[tuple[str, int], Episode]) -> list[Hoso]:
    try:
        root = parse_document(sub.payload)
    except XmlRefused:
        return []
    if root.tag != ROOT_HOSO:
        return []
    out = []
    for hoso in read_envelope(root, 10**9).hosos:
        ep = episodes.get((sub.id, hoso.position))
        xml1 = hoso.file("XML1")
        x = xml1.root if xml1 is not None and xml1.root is not None else None
        xml3 = hoso.file("XML3")
        lab = bool(xml3 is not None and xml3.root is not None and any(
            text_of(r, "MA_NHOM") in LAB_GROUPS for r in xml3.root.iter("CHI_TIET_DVKT")))
        record = next((r for r in (sub.records or []) if r.get("maLk") == hoso.ma_lk), {})
        out.append(Hoso(sub.id, as_utc(sub.received_at), hoso.ma_lk,
                        ep.status if ep else record.get("trangThai", "KHONG_HOP_LE"),
                        ep.disposition if ep else "rejected",
                        frozenset(f.loai for f in hoso.files), text_of(x, "MA_LOAI_KCB") if x is not None else "",
                        text_of(x, "MA_LOAI_RV") if x is not None else "", text_of(x, "NGAY_RA") if x is not None else "",
                        text_of(x, "MA_THE_BHYT") if x is not None else "", text_of(x, "SO_CCCD") if x is not None else "",
                        lab, tuple(f["code"] for f in record.get("findings", []))))
    return out


def gather(ctx: Context, session_id: str, allowed_delay_hours: float = 24.0) -> Evidence:
    with ctx.db.read() as s:
        session = s.get(CertificationSession, session_id)
        if session is None:
            raise LookupError(session_id)
        start = session.opened_at
        end = session.closed_at or ctx.clock.now()
        subs = list(s.scalars(select(Submission).where(
            Submission.facility_code == session.facility_code, Submission.received_at >= start,
            Submission.received_at <= end).order_by(Submission.received_at)))
        ids = [x.id for x in subs]
        episodes = list(s.scalars(select(Episode).where(Episode.submission_id.in_(ids)))) if ids else []
        by_place = {(e.submission_id, e.position): e for e in episodes}
        ev = Evidence(session, ctx.clock.now(), subs, allowed_delay_hours=allowed_delay_hours, episodes=episodes)
        for sub in subs:
            if sub.kind == "HOSO":
                ev.hosos.extend(_hosos(sub, by_place))
            elif sub.kind == "CHECKIN":
                try:
                    rows = table_rows(parse_document(sub.payload))
                except XmlRefused:
                    rows = []
                accepted = {r.get("maLk") for r in (sub.records or []) if r.get("trangThai") == "HOP_LE"}
                ev.checkins += [(as_utc(sub.received_at), text_of(r, "MA_LK"), text_of(r, "MA_LK") in accepted) for r in rows]
        ev.card_checks = list(s.scalars(select(CardCheck).where(
            CardCheck.facility_code == session.facility_code, CardCheck.checked_at >= start,
            CardCheck.checked_at <= end).order_by(CardCheck.checked_at)))
        ev.exchanges = list(s.scalars(select(Exchange).where(Exchange.session_id == session_id).order_by(Exchange.id)))
        ev.attestations = {a.check_id: a for a in s.scalars(select(Attestation).where(Attestation.session_id == session_id))}
        current = [e.id for e in episodes if e.is_current]
        if current:
            for entry in s.scalars(select(HealthBookEntry).where(HealthBookEntry.episode_id.in_(current))):
                ev.book[entry.ma_lk] = entry.data
        s.expunge_all()
    return ev


def mask(value: str) -> str:
    """A card number, personal ID or MA_LK as reports show it: first 3 and last 2 characters."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]

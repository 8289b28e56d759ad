"""Repository of submissions and episodes: durable intake, claiming, verdicts, MA_LK history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..pipeline.findings import WARNING, finding
from ..result_codes import ResultCode as RC
from ..clock import as_utc
from .queue_signal import announce
from .models import Episode, HealthBookEntry, Submission

RECEIVED, PROCESSING, PROCESSED = "DA_TIEP_NHAN", "DANG_XU_LY", "DA_XU_LY"
VALID, INVALID = "HOP_LE", "KHONG_HOP_LE"
# Storing verdicts (the workers' writes) runs Core statements on the tables: no ORM objects are loaded,
# tracked or flushed for a verdict (measured: the ORM's unit of work cost more than the statements).
SUBMISSION, EPISODE, BOOK = Submission.__table__, Episode.__table__, HealthBookEntry.__table__


def create_submission(s: Session, *, id: str, facility_code: str, username: str, endpoint: str,
                      profile: str, kind: str, loai_ho_so: str, payload: bytes, now: datetime) -> Submission:
    sub = Submission(id=id, facility_code=facility_code, username=username, endpoint=endpoint,
                     profile=profile, kind=kind, loai_ho_so=loai_ho_so, payload=payload,
                     payload_sha256=hashlib.sha256(payload).hexdigest(), received_at=now,
                     status=RECEIVED, attempts=0, findings=[], records=[])
    s.add(sub)
    s.flush()
    announce(s)          # PostgreSQL: the workers wake when this commits (queue_signal.py)
    return sub


def _claimable(now: datetime, stale_seconds: int):
    stale_before = now - timedelta(seconds=stale_seconds)
    return or_(Submission.status == RECEIVED,
               and_(Submission.status == PROCESSING, Submission.claimed_at <= stale_before))


def pending_ids(s: Session, now: datetime, stale_seconds: int, limit: int = 100) -> list[str]:
    query = (select(Submission.id).where(_claimable(now, stale_seconds))
             .order_by(Submission.received_at, Submission.id).limit(limit))
    return list(s.scalars(query))


def claim(s: Session, submission_id: str, now: datetime, stale_seconds: int, token: str = "") -> bool:
    """Atomically move a submission to DANG_XU_LY under ``token``; False if someone else holds it."""
    result = s.execute(update(Submission)
                       .where(Submission.id == submission_id, _claimable(now, stale_seconds))
                       .values(status=PROCESSING, claimed_at=now, claimed_by=token, attempts=Submission.attempts + 1))
    return result.rowcount == 1


def claim_batch(s: Session, now: datetime, stale_seconds: int, token: str, limit: int) -> list[str]:
    """Claim up to ``limit`` submissions at once.  On PostgreSQL the rows are picked with
    ``FOR UPDATE SKIP LOCKED``, so workers never wait on each other's picks."""
    query = (select(Submission.id).where(_claimable(now, stale_seconds))
             .order_by(Submission.received_at, Submission.id).limit(limit))
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(s.scalars(query))
    if not ids:
        return []
    s.execute(update(Submission).where(Submission.id.in_(ids), _claimable(now, stale_seconds))
              .values(status=PROCESSING, claimed_at=now, claimed_by=token, attempts=Submission.attempts + 1))
    return list(s.scalars(select(Submission.id).where(Submission.id.in_(ids), Submission.claimed_by == token,
                                                      Submission.status == PROCESSING)))


@dataclass(frozen=True)
class Held:
    """A submission whose claim is held, with what storing its verdict needs to know of it."""
    id: str
    kind: str
    facility_code: str
    received_at: datetime


HOLD = (update(SUBMISSION).where(SUBMISSION.c.id == bindparam("sid"), SUBMISSION.c.status == PROCESSING,
                                 SUBMISSION.c.claimed_by == bindparam("token"))
        .values(claimed_at=bindparam("now"))
        .returning(SUBMISSION.c.kind, SUBMISSION.c.facility_code, SUBMISSION.c.received_at))


def hold(s: Session, submission_id: str, token: str, now: datetime) -> Held | None:
    """First statement of the transaction that stores a verdict: the claim is still ours (row-locked
    until commit) — the submission as storing needs it — or None: another worker took it over and
    this verdict must not be stored."""
    row = s.execute(HOLD, {"sid": submission_id, "token": token, "now": now}).first()
    return None if row is None else Held(submission_id, row.kind, row.facility_code, row.received_at)


def renew(s: Session, claims: list[tuple[str, str]], now: datetime) -> None:
    """The heartbeat: claims still being worked on are not stale."""
    for submission_id, token in claims:
        s.execute(update(Submission).where(Submission.id == submission_id, Submission.claimed_by == token,
                                           Submission.status == PROCESSING).values(claimed_at=now))


def release_after_failure(s: Session, submission_id: str, now: datetime, max_attempts: int,
                          error_text: str, token: str | None = None) -> None:
    """Processing raised: retry later, or after max_attempts record a system finding (payload kept).
    Only the claim's holder releases it (a verdict stored meanwhile by another worker stands)."""
    sub = s.get(Submission, submission_id)
    if sub is None or sub.status != PROCESSING or (token is not None and sub.claimed_by != token):
        return
    if sub.attempts >= max_attempts:
        sub.status = PROCESSED
        sub.processed_at = now
        sub.findings = [finding(RC.PROCESSING_FAILED, hint_vi=f"đã thử {sub.attempts} lần",
                                hint_en=f"{sub.attempts} attempts; {error_text}").to_json()]
    else:
        sub.status = RECEIVED
        sub.claimed_at = None


CURRENT = select(EPISODE.c.id, EPISODE.c.content_sha256, EPISODE.c.submission_id, EPISODE.c.version).where(
    EPISODE.c.facility_code == bindparam("facility"), EPISODE.c.ma_lk == bindparam("ma_lk"),
    EPISODE.c.is_current.is_(True))
ADD_EPISODE = insert(EPISODE).returning(EPISODE.c.id)


def _replace(s: Session, current, now: datetime) -> None:
    """The current version of an MA_LK stops being current, and so does its health-book entry —
    before the new version is inserted (one current version per facility + MA_LK)."""
    s.execute(update(EPISODE).where(EPISODE.c.id == current.id).values(is_current=False, replaced_at=now))
    s.execute(update(BOOK).where(BOOK.c.episode_id == current.id).values(is_current=False))


def save_outcome(s: Session, sub: Held, outcome, now: datetime,
                 display_delay: Callable[[str], timedelta] = lambda key: timedelta(0)) -> None:
    """Record the verdicts; for HOSO, apply replacement (QĐ 3176) and duplicate detection, and
    put accepted episodes into the Sổ SKĐT (visible after ``display_delay``)."""
    env_ok = outcome.envelope_valid
    records = []
    for rec in outcome.records:
        found = [f.to_json() for f in rec.findings]
        valid = env_ok and rec.valid and (bool(rec.ma_lk) or sub.kind != "HOSO")
        disposition = "rejected"
        version = 0
        if sub.kind == "HOSO":
            current = s.execute(CURRENT, {"facility": sub.facility_code, "ma_lk": rec.ma_lk}).first() if valid else None
            if valid and current is not None and current.content_sha256 == rec.content_sha256:
                disposition = "duplicate"
                found.append(finding(RC.DUPLICATE, WARNING, ma_lk=rec.ma_lk, file_type="XML1",
                                     hint_vi=f"trùng giao dịch {current.submission_id}",
                                     hint_en=f"same as transaction {current.submission_id}").to_json())
            elif valid:
                disposition = "new"
                version = 1
                if current is not None:
                    _replace(s, current, now)
                    disposition = "replacement"
                    version = current.version + 1
                    found.append(finding(RC.REPLACED, WARNING, ma_lk=rec.ma_lk, file_type="XML1",
                                         hint_vi=f"thay thế phiên bản {current.version} (giao dịch {current.submission_id})",
                                         hint_en=f"replaces version {current.version} (transaction {current.submission_id})"
                                         ).to_json())
            facts = rec.facts if valid else {}
            card = facts.get("MA_THE_BHYT", "").split(";")[-1].strip()
            is_current = disposition in ("new", "replacement")
            admitted = facts.get("NGAY_VAO", "")[:12]
            episode_id = s.execute(ADD_EPISODE, {
                "submission_id": sub.id, "position": rec.position, "facility_code": sub.facility_code,
                "ma_lk": rec.ma_lk, "status": VALID if valid else INVALID, "disposition": disposition,
                "content_sha256": rec.content_sha256, "findings": found, "is_current": is_current,
                "version": version, "created_at": now, "card_number": card[:15], "bhxh_number": card[5:15],
                "personal_id": facts.get("SO_CCCD", "")[:15], "admitted_at": admitted,
                "discharged_at": facts.get("NGAY_RA", "")[:12], "ma_loai_kcb": facts.get("MA_LOAI_KCB", "")[:2],
                "error_code": "" if valid else _first_error(found, outcome.findings), "facts": facts}).scalar_one()
            if is_current and rec.entry:
                delay = display_delay(f"{sub.facility_code}:{rec.ma_lk}:{version}")
                s.execute(insert(BOOK), {
                    "episode_id": episode_id, "submission_id": sub.id, "personal_id": facts.get("SO_CCCD", "")[:15],
                    "card_number": card[:15], "facility_code": sub.facility_code, "ma_lk": rec.ma_lk,
                    "year": int(admitted[:4]) if admitted[:4].isdigit() else sub.received_at.year,
                    "admitted_at": admitted, "received_at": sub.received_at,
                    "visible_at": as_utc(sub.received_at) + delay, "delay_seconds": int(delay.total_seconds()),
                    "is_current": True, "data": rec.entry})
        elif valid:
            disposition = "new"
        records.append({"position": rec.position, "maLk": rec.ma_lk, "trangThai": VALID if valid else INVALID,
                        "xuLy": disposition, "findings": found})
    s.execute(update(SUBMISSION).where(SUBMISSION.c.id == sub.id).values(
        records=records, findings=[f.to_json() for f in outcome.findings], status=PROCESSED, processed_at=now))


def _first_error(found: list[dict], envelope_findings) -> str:
    """The code the province board counts a rejection under: the record's first error, else the envelope's."""
    for f in found:
        if f.get("severity") != WARNING:
            return f["code"][:16]
    for f in envelope_findings:
        if f.is_error:
            return f.code[:16]
    return ""


def get_submission(s: Session, submission_id: str) -> Submission | None:
    return s.get(Submission, submission_id)


def list_submissions(s: Session, facility_code: str, *, limit: int = 50, offset: int = 0,
                     since: datetime | None = None, until: datetime | None = None,
                     ma_lk: str | None = None) -> list[Submission]:
    """A facility's submissions, newest first; optionally received in [since, until) or holding one MA_LK."""
    query = select(Submission).where(Submission.facility_code == facility_code)
    if since is not None:
        query = query.where(Submission.received_at >= since)
    if until is not None:
        query = query.where(Submission.received_at < until)
    if ma_lk:
        query = query.where(Submission.id.in_(select(Episode.submission_id).where(
            Episode.facility_code == facility_code, Episode.ma_lk == ma_lk)))
    query = query.order_by(Submission.received_at.desc(), Submission.id.desc()).limit(limit).offset(offset)
    return list(s.scalars(query))


def count_by_status(s: Session, facility_code: str | None = None) -> dict[str, int]:
    query = select(Submission.status, func.count()).group_by(Submission.status)
    if facility_code:
        query = query.where(Submission.facility_code == facility_code)
    return {status: n for status, n in s.execute(query)}


def episode_history(s: Session, facility_code: str, ma_lk: str) -> list[Episode]:
    return list(s.scalars(select(Episode).where(Episode.facility_code == facility_code,
                                                Episode.ma_lk == ma_lk).order_by(Episode.id)))

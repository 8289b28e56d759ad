"""Repository of submissions and episodes: durable intake, claiming, verdicts, MA_LK history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, bindparam, func, insert, literal_column, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..pipeline.findings import WARNING, finding
from ..result_codes import ResultCode as RC
from ..clock import as_utc
from .prepared import Prepared
from .queue_signal import CHANNEL
from .models import Episode, HealthBookEntry, Submission

RECEIVED, PROCESSING, PROCESSED = "DA_TIEP_NHAN", "DANG_XU_LY", "DA_XU_LY"
VALID, INVALID = "HOP_LE", "KHONG_HOP_LE"
# Storing verdicts (the workers' writes) runs Core statements on the tables: no ORM objects are loaded,
# tracked or flushed for a verdict (measured: the ORM's unit of work cost more than the statements).
SUBMISSION, EPISODE, BOOK = Submission.__table__, Episode.__table__, HealthBookEntry.__table__


_ADD = insert(SUBMISSION).values({c.name: bindparam(f"v_{c.name}", type_=c.type) for c in SUBMISSION.c})
# PostgreSQL: the row and the workers' wake-up in one statement, committed when it returns (an
# autocommit connection of Database.intake); the notification is delivered at that commit, never before
_WAKE = func.pg_notify(literal_column(f"'{CHANNEL}'"), literal_column("''"))
ACKNOWLEDGE = {"postgresql": Prepared(select(_WAKE).select_from(_ADD.returning(SUBMISSION.c.id).cte("added"))),
               "sqlite": Prepared(_ADD)}


def acknowledge(conn: Connection, *, id: str, facility_code: str, username: str, endpoint: str, profile: str,
                kind: str, loai_ho_so: str, payload: bytes, now: datetime) -> None:
    """Store an acknowledged submission (DA_TIEP_NHAN) in one statement on ``conn`` (Database.intake:
    durable when it returns); on PostgreSQL the same statement wakes the workers (queue_signal.py)."""
    row = {"id": id, "facility_code": facility_code, "username": username, "endpoint": endpoint, "profile": profile,
           "kind": kind, "loai_ho_so": loai_ho_so, "payload": payload,
           "payload_sha256": hashlib.sha256(payload).hexdigest(), "received_at": now, "status": RECEIVED,
           "claimed_at": None, "claimed_by": "", "processed_at": None, "attempts": 0, "findings": [], "records": []}
    ACKNOWLEDGE[conn.dialect.name].execute(conn, {f"v_{k}": v for k, v in row.items()})


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


HOLD = (update(SUBMISSION).where(SUBMISSION.c.id.in_(bindparam("ids", expanding=True)),
                                 SUBMISSION.c.status == PROCESSING, SUBMISSION.c.claimed_by == bindparam("token"))
        .values(claimed_at=bindparam("now"))
        .returning(SUBMISSION.c.id, SUBMISSION.c.kind, SUBMISSION.c.facility_code, SUBMISSION.c.received_at))


def hold(s: Session, submission_ids: list[str], token: str, now: datetime) -> dict[str, Held]:
    """First statement of the transaction that stores verdicts: of ``submission_ids``, those whose claim is
    still ours under ``token`` (row-locked until commit), as storing needs them.  One missing: another
    worker took it over and its verdict must not be stored."""
    rows = s.execute(HOLD, {"ids": list(submission_ids), "token": token, "now": now})
    return {r.id: Held(r.id, r.kind, r.facility_code, r.received_at) for r in rows}


def renew(s: Session, claims: list[tuple[str, str]], now: datetime) -> None:
    """The heartbeat: claims still being worked on are not stale (a statement per claim token: a batch's
    claims share one)."""
    by_token: dict[str, list[str]] = {}
    for submission_id, token in claims:
        by_token.setdefault(token, []).append(submission_id)
    for token, ids in by_token.items():
        s.execute(update(Submission).where(Submission.id.in_(ids), Submission.claimed_by == token,
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


CURRENT = select(EPISODE.c.id, EPISODE.c.facility_code, EPISODE.c.ma_lk, EPISODE.c.content_sha256,
                 EPISODE.c.submission_id, EPISODE.c.version).where(
    EPISODE.c.facility_code.in_(bindparam("facilities", expanding=True)),
    EPISODE.c.ma_lk.in_(bindparam("ma_lks", expanding=True)), EPISODE.c.is_current.is_(True))
ADD_EPISODES = insert(EPISODE).returning(EPISODE.c.id, sort_by_parameter_order=True)
STORED = update(SUBMISSION).where(SUBMISSION.c.id == bindparam("sid"))


@dataclass
class _Verdict:
    """One record's verdict on its way to the tables."""
    sub: Held
    outcome: object
    rec: object
    found: list
    valid: bool
    disposition: str = "rejected"
    version: int = 0
    facts: dict = field(default_factory=dict)
    card: str = ""
    admitted: str = ""


def save_outcomes(s: Session, verdicts: list[tuple[Held, object]], now: datetime,
                  display_delay: Callable[[str], timedelta] = lambda key: timedelta(0)) -> None:
    """Record the verdicts of held submissions; for HOSO, apply replacement (QĐ 3176) and duplicate
    detection, and put accepted episodes into the Sổ SKĐT (visible after ``display_delay``).

    In bulk: a statement per table for the whole batch (the current versions read at once, episodes and
    book entries inserted as multi-row statements, the submissions updated as one executemany) — the
    per-object ORM cost more than judging did.  An MA_LK that comes twice (in one envelope or two of the
    batch) is decided in order: its second coming is stored in a later wave that sees the first."""
    rows = []
    for sub, outcome in verdicts:
        for rec in outcome.records:
            valid = outcome.envelope_valid and rec.valid and (bool(rec.ma_lk) or sub.kind != "HOSO")
            rows.append(_Verdict(sub, outcome, rec, [f.to_json() for f in rec.findings], valid))
    for wave in _waves([r for r in rows if r.sub.kind == "HOSO"]):
        _store_wave(s, wave, now, display_delay)
    for r in rows:
        if r.sub.kind != "HOSO" and r.valid:
            r.disposition = "new"
    records: dict[str, list] = {sub.id: [] for sub, _ in verdicts}
    for r in rows:
        records[r.sub.id].append({"position": r.rec.position, "maLk": r.rec.ma_lk,
                                  "trangThai": VALID if r.valid else INVALID, "xuLy": r.disposition,
                                  "findings": r.found})
    if verdicts:
        s.execute(STORED, [{"sid": sub.id, "records": records[sub.id], "findings": [f.to_json() for f in o.findings],
                            "status": PROCESSED, "processed_at": now} for sub, o in verdicts])


def _waves(rows: list[_Verdict]) -> list[list[_Verdict]]:
    """The n-th coming of each (facility, MA_LK) in wave n; rejected records, which replace nothing, in the
    first."""
    waves: list[list[_Verdict]] = [[]]
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        n = 0
        if r.valid:
            key = (r.sub.facility_code, r.rec.ma_lk)
            n = seen[key] = seen.get(key, -1) + 1
        while len(waves) <= n:
            waves.append([])
        waves[n].append(r)
    return [w for w in waves if w]


def _store_wave(s: Session, wave: list[_Verdict], now: datetime, display_delay) -> None:
    valid = [r for r in wave if r.valid]
    current = {}
    if valid:
        found_rows = s.execute(CURRENT, {"facilities": sorted({r.sub.facility_code for r in valid}),
                                         "ma_lks": sorted({r.rec.ma_lk for r in valid})})
        current = {(c.facility_code, c.ma_lk): c for c in found_rows}
    replaced = []
    for r in valid:
        cur = current.get((r.sub.facility_code, r.rec.ma_lk))
        if cur is not None and cur.content_sha256 == r.rec.content_sha256:
            r.disposition = "duplicate"
            r.found.append(finding(RC.DUPLICATE, WARNING, ma_lk=r.rec.ma_lk, file_type="XML1",
                                   hint_vi=f"trùng giao dịch {cur.submission_id}",
                                   hint_en=f"same as transaction {cur.submission_id}").to_json())
        elif cur is not None:
            replaced.append(cur.id)
            r.disposition, r.version = "replacement", cur.version + 1
            r.found.append(finding(RC.REPLACED, WARNING, ma_lk=r.rec.ma_lk, file_type="XML1",
                                   hint_vi=f"thay thế phiên bản {cur.version} (giao dịch {cur.submission_id})",
                                   hint_en=f"replaces version {cur.version} (transaction {cur.submission_id})").to_json())
        else:
            r.disposition, r.version = "new", 1
    if replaced:       # stop being current before the new versions are inserted (one current per MA_LK)
        s.execute(update(EPISODE).where(EPISODE.c.id.in_(replaced)).values(is_current=False, replaced_at=now))
        s.execute(update(BOOK).where(BOOK.c.episode_id.in_(replaced)).values(is_current=False))
    episodes = []
    for r in wave:
        facts = r.rec.facts if r.valid else {}
        card = facts.get("MA_THE_BHYT", "").split(";")[-1].strip()
        r.facts, r.card, r.admitted = facts, card, facts.get("NGAY_VAO", "")[:12]
        episodes.append({
            "submission_id": r.sub.id, "position": r.rec.position, "facility_code": r.sub.facility_code,
            "ma_lk": r.rec.ma_lk, "status": VALID if r.valid else INVALID, "disposition": r.disposition,
            "content_sha256": r.rec.content_sha256, "findings": r.found,
            "is_current": r.disposition in ("new", "replacement"), "version": r.version, "created_at": now,
            "card_number": card[:15], "bhxh_number": card[5:15], "personal_id": facts.get("SO_CCCD", "")[:15],
            "admitted_at": r.admitted, "discharged_at": facts.get("NGAY_RA", "")[:12],
            "ma_loai_kcb": facts.get("MA_LOAI_KCB", "")[:2],
            "error_code": "" if r.valid else _first_error(r.found, r.outcome.findings), "facts": facts})
    ids = s.execute(ADD_EPISODES, episodes).scalars().all()
    book = []
    for r, episode_id in zip(wave, ids):
        if r.disposition in ("new", "replacement") and r.rec.entry:
            delay = display_delay(f"{r.sub.facility_code}:{r.rec.ma_lk}:{r.version}")
            book.append({
                "episode_id": episode_id, "submission_id": r.sub.id, "personal_id": r.facts.get("SO_CCCD", "")[:15],
                "card_number": r.card[:15], "facility_code": r.sub.facility_code, "ma_lk": r.rec.ma_lk,
                "year": int(r.admitted[:4]) if r.admitted[:4].isdigit() else r.sub.received_at.year,
                "admitted_at": r.admitted, "received_at": r.sub.received_at,
                "visible_at": as_utc(r.sub.received_at) + delay, "delay_seconds": int(delay.total_seconds()),
                "is_current": True, "data": r.rec.entry})
    if book:
        s.execute(insert(BOOK), book)


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

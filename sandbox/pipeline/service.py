"""Process acknowledged submissions: claim, evaluate with the registered checks, store the verdicts.

Crash safety: the raw payload was committed before the caller got 200.  A submission is
claimed (DANG_XU_LY) in its own transaction; if the process dies, the claim goes stale and the
next ``process_pending`` (at start-up, by the worker or by the CLI) takes it over.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from functools import lru_cache
from pathlib import Path
from collections import Counter

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import faults
from ..context import Context
from ..health_book.display import delay as display_delay
from ..storage import submissions as repo
from ..storage.models import Submission
from ..storage.registry import find_certificates
from . import heartbeat
from .runner import evaluate
from .stages import CertificateView, StageContext
from ..storage.people import registry_snapshot

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@lru_cache(maxsize=4)
def _trusted_ca(path: str) -> bytes:
    return Path(path).read_bytes() if path else b""


def _stage_context(ctx: Context, sub: Submission, certificates, s=None) -> StageContext:
    return _build_context(ctx, sub.kind, sub.profile, sub.facility_code, certificates, s)


def stage_context_for(ctx: Context, kind: str, profile: str, facility_code: str) -> StageContext:
    """A stage context for an offline check (``skdt-sandbox check``), with the registry's certificates."""
    with ctx.db.read() as s:
        return _build_context(ctx, kind, profile, facility_code, find_certificates(s, facility_code=facility_code))


def _build_context(ctx: Context, kind: str, profile: str, facility_code: str, certificates, s=None) -> StageContext:
    views = tuple(CertificateView(c.fingerprint, c.not_before, c.not_after, c.revoked_at, c.pem)
                  for c in certificates)
    settings = ctx.settings
    snapshot = registry_snapshot(ctx, facility_code, s)
    return StageContext(kind=kind, profile=profile, facility_code=facility_code,
                        facilities=snapshot.facilities, staff=snapshot.staff, departments=snapshot.departments,
                        rules_disabled=frozenset(r.strip() for r in settings.rules_disabled.split(",") if r.strip()),
                        rules_mode="strict" if settings.rules.strip().lower() == "strict" else "documents",
                        now=ctx.clock.now(), certificates=views, xsd_order=settings.xsd_order,
                        xsd_all_tags=settings.xsd_all_tags, signature_policy=settings.signature_policy,
                        trusted_ca_pem=_trusted_ca(settings.trusted_ca_file))


def _rehearsal(s, username: str):
    """The account's rehearsal date of the regulation calendar (None: judge by each episode's own date)."""
    from ..storage.models import Account
    return s.scalar(select(Account.rehearse_as_of).where(Account.username == username))


def _rehearsed(stage_ctx: StageContext, as_of) -> StageContext:
    return stage_ctx if as_of is None else dataclasses.replace(stage_ctx, as_of=as_of)


def process_submission(ctx: Context, submission_id: str, token: str | None = None) -> bool:
    """Process one submission; True when its verdict was stored by this call.

    Without ``token`` the submission is claimed here; with one, the caller claimed it (claim_batch).
    The verdict is stored only while the claim is still this call's: a worker that was presumed dead
    and taken over never stores a second verdict."""
    stale = ctx.settings.stale_claim_seconds
    if token is None:
        token = heartbeat.new_token()
        with ctx.db.session() as s:
            if not repo.claim(s, submission_id, ctx.clock.now(), stale, token):
                return False
    with heartbeat.holding(ctx, submission_id, token):
        return _process_claimed(ctx, submission_id, token)


def _process_claimed(ctx: Context, submission_id: str, token: str) -> bool:
    try:
        with ctx.db.read() as s:   # one read transaction: the submission, certificates, registry, faults
            sub = repo.get_submission(s, submission_id)
            stage_ctx = _rehearsed(_stage_context(ctx, sub, find_certificates(s, facility_code=sub.facility_code), s),
                                   _rehearsal(s, sub.username))
            payload, kind, username, facility = sub.payload, sub.kind, sub.username, sub.facility_code
            armed = faults.is_armed(s, username, facility) if kind == "HOSO" else False
        outcome = _judged(ctx, payload, stage_ctx, kind, username, facility, armed)
        if ctx.settings.processing_delay_seconds:
            time.sleep(ctx.settings.processing_delay_seconds)
    except Exception as exc:  # noqa: BLE001 - any failure must leave the submission retryable
        return _failed(ctx, submission_id, token, exc, locals().get("kind"))
    return _store(ctx, submission_id, token, outcome)


def _judged(ctx: Context, payload: bytes, stage_ctx: StageContext, kind: str, username: str, facility: str,
            armed: bool):
    outcome = evaluate(payload, stage_ctx, ctx.settings.max_decoded_file_bytes)
    if kind == "HOSO" and armed and outcome.records and \
            faults.pending(ctx, username, facility, "processing", None) == "reject_once":
        outcome = _provoked_rejection(outcome)
    return outcome


def _store(ctx: Context, submission_id: str, token: str, outcome) -> bool:
    """Store one verdict in a transaction that first re-asserts the claim."""
    try:
        for attempt in range(3):
            try:
                with ctx.db.session() as s:
                    held = repo.hold(s, [submission_id], token, ctx.clock.now()).get(submission_id)
                    if held is None:
                        log.warning("claim of %s was taken over: verdict dropped", submission_id)
                        return False
                    profile = ctx.settings.display_profile
                    repo.save_outcomes(s, [(held, outcome)], ctx.clock.now(), lambda key: display_delay(profile, key))
                return True
            except IntegrityError:
                # A concurrent submission of the same MA_LK became current first: decide again.
                if attempt == 2:
                    raise
    except Exception as exc:  # noqa: BLE001
        return _failed(ctx, submission_id, token, exc, None)
    return False


def _failed(ctx: Context, submission_id: str, token: str, exc: Exception, kind) -> bool:
    log.error("processing of %s failed (kind=%s): %s", submission_id, kind, type(exc).__name__, exc_info=exc)
    with ctx.db.session() as s:
        repo.release_after_failure(s, submission_id, ctx.clock.now(), MAX_ATTEMPTS, type(exc).__name__, token)
    return False


def process_batch(ctx: Context, ids: list[str], token: str) -> int:
    """A worker's claimed batch: one read transaction for all of it (the submissions; per facility its
    certificates, registry and whether a fault is armed), each evaluated, then every verdict stored in
    one transaction that re-asserts each claim first.  If that transaction fails (a concurrent
    submission of the same MA_LK, or anything else) nothing of it stands and the verdicts are stored
    one by one instead, so a batch never loses or doubles a verdict.  Returns how many were stored."""
    try:
        with ctx.db.read() as s:
            subs = {x.id: x for x in s.scalars(select(Submission).where(Submission.id.in_(ids)))}
            contexts: dict = {}
            armed: dict = {}
            rehearsals: dict = {}
            work = []
            for sub in (subs[i] for i in ids if i in subs):
                key = (sub.facility_code, sub.kind, sub.profile)
                if key not in contexts:
                    contexts[key] = _stage_context(ctx, sub, find_certificates(s, facility_code=sub.facility_code), s)
                who = (sub.username, sub.facility_code)
                if sub.kind == "HOSO" and who not in armed:
                    armed[who] = faults.is_armed(s, *who)
                if sub.username not in rehearsals:
                    rehearsals[sub.username] = _rehearsal(s, sub.username)
                work.append((sub.id, sub.payload, sub.kind, sub.username, sub.facility_code,
                             _rehearsed(contexts[key], rehearsals[sub.username]), armed.get(who, False)))
        outcomes = [(sid, _judged(ctx, payload, stage_ctx, kind, username, facility, is_armed))
                    for sid, payload, kind, username, facility, stage_ctx, is_armed in work]
        if ctx.settings.processing_delay_seconds:
            time.sleep(ctx.settings.processing_delay_seconds * len(outcomes))
    except Exception:  # noqa: BLE001 - judge them one by one (each failure handled on its own)
        log.warning("batch of %d could not be read or judged together", len(ids), exc_info=True)
        return sum(_process_claimed(ctx, i, token) for i in ids)
    try:
        with ctx.db.session() as s:
            now = ctx.clock.now()
            profile = ctx.settings.display_profile
            held = repo.hold(s, [sid for sid, _ in outcomes], token, now)
            for sid in (sid for sid, _ in outcomes if sid not in held):
                log.warning("claim of %s was taken over: verdict dropped", sid)
            verdicts = [(held[sid], outcome) for sid, outcome in outcomes if sid in held]
            repo.save_outcomes(s, verdicts, now, lambda key: display_delay(profile, key))
        return len(verdicts)
    except Exception:  # noqa: BLE001 - rolled back as a whole: store one by one
        log.info("batch of %d stored one by one", len(outcomes))
        return sum(_store(ctx, sid, token, outcome) for sid, outcome in outcomes)


def _provoked_rejection(outcome):
    """A certification session's ``reject_once``: the first HOSO is refused with SBX-001."""
    import dataclasses
    from ..result_codes import ResultCode
    from .findings import finding
    first = outcome.records[0]
    mark = finding(ResultCode.PROVOKED_REJECTION, ma_lk=first.ma_lk, xpath="/GIAMDINHHS")
    first = dataclasses.replace(first, findings=first.findings + (mark,), entry={})
    return dataclasses.replace(outcome, records=(first,) + outcome.records[1:])


def process_pending(ctx: Context, limit: int = 100_000) -> int:
    """Finish every submission left unprocessed (start-up recovery, CLI, worker).

    Keeps going while there is work; a submission that keeps failing is retried until
    MAX_ATTEMPTS and then closed with SYS-001, so the loop always ends."""
    done = 0
    failures: Counter[str] = Counter()
    while done < limit:
        with ctx.db.read() as s:
            ids = repo.pending_ids(s, ctx.clock.now(), ctx.settings.stale_claim_seconds,
                                   limit=100 + len(failures))
        ids = [i for i in ids if failures[i] <= MAX_ATTEMPTS]
        if not ids:
            break
        for submission_id in ids:
            if process_submission(ctx, submission_id):
                done += 1
            else:
                failures[submission_id] += 1
    return done

"""The exchange log: every gateway call of a facility whose certification session is open.

The conformance harness judges what the HIS did from these rows (what it sent, what it was told,
which faults it was given, which token it used), together with the submissions, card checks and
health-book entries.  Nothing personal is kept: content and tokens as digests, the subject (card
number or MA_LK) is masked when reports show it.
"""

from __future__ import annotations

from sqlalchemy import select

from .context import Context
from .storage.models import Account, CertificationSession, Exchange


def facility_of(ctx: Context, username: str) -> str:
    if not username:
        return ""
    with ctx.db.read() as s:
        return s.scalars(select(Account.facility_code).where(Account.username == username)).first() or ""


def open_session_ids(facility_code):
    """The ids of the facility's open certification session (a code, or a column in a larger query)."""
    return select(CertificationSession.id).where(CertificationSession.facility_code == facility_code,
                                                 CertificationSession.state == "open")


def open_session(ctx: Context, facility_code: str) -> str | None:
    if not facility_code:
        return None
    with ctx.db.read() as s:
        return s.scalars(open_session_ids(facility_code)).first()


def facility_of_token(ctx: Context, token_digest: str) -> str:
    """The facility of the open session that already used this token (refused tokens stay attributable)."""
    if not token_digest:
        return ""
    with ctx.db.read() as s:
        row = s.execute(select(CertificationSession.facility_code).join(
            Exchange, Exchange.session_id == CertificationSession.id).where(
            Exchange.token_digest == token_digest, CertificationSession.state == "open")).first()
    return row[0] if row else ""


LOOK_UP = object()   # record(session_id=LOOK_UP): find the facility's open session here


def record(ctx: Context, facility_code: str, session_id=LOOK_UP, **fields) -> None:
    """Add one exchange to the facility's open session (no-op when none is open); a caller that
    already knows the open session (or that there is none) passes it."""
    if session_id is LOOK_UP:
        session_id = open_session(ctx, facility_code)
    if session_id is None:
        return
    with ctx.db.session() as s:
        s.add(Exchange(session_id=session_id, at=ctx.clock.now(), **{k: v if v is not None else "" for k, v in fields.items()}))

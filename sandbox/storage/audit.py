"""The audit log: every administrative and province decision — who, what, on what, when — kept in the
database, as a gateway operator and a Sở Y tế expect. Identifiers only (a facility code, a username, a
certificate fingerprint, a report period), never a password, a body or personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import as_utc
from .models import TZ, Base


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(TZ)
    actor: Mapped[str] = mapped_column(String(100))     # username, or "X-Admin-Token" for the admin API
    role: Mapped[str] = mapped_column(String(16))       # admin | SYT | BHXH
    action: Mapped[str] = mapped_column(String(40))     # sign_off, settings, add_facility, revoke_certificate …
    target: Mapped[str] = mapped_column(String(100))    # the facility code, username, fingerprint, period …
    detail: Mapped[dict] = mapped_column(JSON)


def record(ctx, actor: str, role: str, action: str, target: str = "", detail: dict | None = None) -> None:
    with ctx.db.session() as s:
        s.add(AuditEvent(at=ctx.clock.now(), actor=actor[:100], role=role[:16], action=action[:40],
                         target=str(target)[:100], detail=detail or {}))


def recent(ctx, limit: int = 200, role: str | None = None) -> list[dict]:
    """The latest events, newest first."""
    with ctx.db.read() as s:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if role:
            query = query.where(AuditEvent.role == role)
        rows = list(s.scalars(query.limit(limit)))
    return [{"at": as_utc(r.at).isoformat(), "actor": r.actor, "role": r.role, "action": r.action,
             "target": r.target, "detail": r.detail} for r in rows]

"""SQLAlchemy models of what the gateway keeps about callers: the exchange log of certification sessions,
the request-level refusals explained to facilities, and the server-side page sessions.  Re-exported by
models.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import TZ, Base


class Exchange(Base):
    """One gateway call of a facility whose certification session is open (what the checks judge)."""
    __tablename__ = "exchange"
    __table_args__ = (Index("ix_exchange_session", "session_id", "at"), Index("ix_exchange_token", "token_digest"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(TZ)
    username: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(64))          # token | guiHoSoXmlQD3176 | … | card_check | result
    http_status: Mapped[int] = mapped_column(Integer)
    ma_ket_qua: Mapped[str] = mapped_column(String(8), default="")
    ma_loi: Mapped[str] = mapped_column(String(16), default="")
    ma_giao_dich: Mapped[str] = mapped_column(String(40), default="")
    content_sha256: Mapped[str] = mapped_column(String(64), default="")   # pipeline/content.py: same episodes, whatever the signature
    token_digest: Mapped[str] = mapped_column(String(64), default="")     # which token was used (HMAC)
    fault: Mapped[str] = mapped_column(String(32), default="")             # fault the sandbox injected
    subject: Mapped[str] = mapped_column(String(100), default="")          # card number / MA_LK (masked in reports)


class Refusal(Base):
    """A request-level refusal of a facility's call, with what the sandbox saw and what it expected
    (the portal's "Vì sao bị từ chối?").  Never a secret: tokens and passwords only by their shape."""
    __tablename__ = "refusal"
    __table_args__ = (Index("ix_refusal_facility_at", "facility_code", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(String(5))
    username: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(TZ)
    route: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    seen: Mapped[dict] = mapped_column(JSON, default=dict)
    expected: Mapped[dict] = mapped_column(JSON, default=dict)


class PageSession(Base):
    """A signed-in page session of the portal or the province pages (server-side: the cookie holds only a
    random token, kept here as its keyed digest).  Ends at logout, after an idle or absolute timeout, and
    whenever the account's password changes (``stamp``) — checked on every request with its standing."""
    __tablename__ = "page_session"
    __table_args__ = (Index("ix_page_session_subject", "area", "subject"),)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    area: Mapped[str] = mapped_column(String(16))                # portal | province
    subject: Mapped[str] = mapped_column(String(100))            # the username
    stamp: Mapped[str] = mapped_column(String(64))               # keyed digest of the password hash at login
    created_at: Mapped[datetime] = mapped_column(TZ)
    seen_at: Mapped[datetime] = mapped_column(TZ)

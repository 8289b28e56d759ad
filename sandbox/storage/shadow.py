"""What shadow mode keeps of a real submission: only what the comparison needs (storage of issue 28).

No payload, no personal data, no credential: the transaction and MA_LK as keyed digests (MA_LK also masked,
to be recognised by the facility), both verdicts as codes, the class of difference.  Rows expire after
SANDBOX_SHADOW_KEEP_DAYS (7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import TZ, Base


class ShadowComparison(Base):
    __tablename__ = "shadow_comparison"
    __table_args__ = (Index("ix_shadow_created", "created_at"), Index("ix_shadow_expires", "expires_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    endpoint: Mapped[str] = mapped_column(String(64))
    facility_code: Mapped[str] = mapped_column(String(5))
    transaction_digest: Mapped[str] = mapped_column(String(64))     # HMAC of the upstream's maGiaoDich
    ma_lk_masked: Mapped[str] = mapped_column(String(40))           # 58001260…97
    kind: Mapped[str] = mapped_column(String(10))                   # matched | stricter | looser | reasons | unserved
    ours: Mapped[dict] = mapped_column(JSON)                        # {"valid": bool, "codes": [...]}
    theirs: Mapped[dict] = mapped_column(JSON)

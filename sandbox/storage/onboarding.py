"""Onboarding requests of the seven steps of QĐ 2733 PL01 Đ5 (Kon Tum plan §IV.1): a facility without a
code asks the Sở Y tế for one (step 1), a facility asks BHXH for a gateway account (step 2).  Every request
and decision is kept with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import TZ, Base


class OnboardingRequest(Base):
    __tablename__ = "onboarding_request"
    __table_args__ = (Index("ix_onboarding_province_state", "province_code", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)       # YC-56-20261206-0001: the requester's number
    kind: Mapped[str] = mapped_column(String(8))                          # code | account
    province_code: Mapped[str] = mapped_column(String(2))
    facility_code: Mapped[str] = mapped_column(String(5), default="")     # assigned (code) or named (account)
    facility_name: Mapped[str] = mapped_column(String(255))
    commune_code: Mapped[str] = mapped_column(String(5), default="")
    contact: Mapped[str] = mapped_column(String(255))                     # who asks, and how to reach them
    letter: Mapped[str] = mapped_column(Text, default="")                 # the request's text (văn bản đề xuất)
    requested_at: Mapped[datetime] = mapped_column(TZ)
    client_ip: Mapped[str] = mapped_column(String(45), default="")        # spam limit only, never shown
    state: Mapped[str] = mapped_column(String(10), default="pending")     # pending | approved | refused
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(100), default="")        # the account issued (step 2)

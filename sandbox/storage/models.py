"""SQLAlchemy models of the gateway: registry, accounts, tokens, certificates, submissions, episodes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .book_summary import summary_default
from .types import TZ




class Base(DeclarativeBase):
    pass


class Facility(Base):
    """A facility (cơ sở KCB) by its QĐ 384 code."""
    __tablename__ = "facility"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended
    created_at: Mapped[datetime] = mapped_column(TZ)
    district_code: Mapped[str] = mapped_column(String(3), default="")  # GSO district code (2024 units)
    commune_code: Mapped[str] = mapped_column(String(5), default="")   # GSO commune code (2025 units)


class Account(Base):
    """A gateway account bound to one facility (``58001_BV`` or a named per-person account)."""
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(16), default="facility")  # facility | person
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    allowed_ips: Mapped[str] = mapped_column(Text, default="")  # comma-separated; empty = any
    created_at: Mapped[datetime] = mapped_column(TZ)
    rehearse_as_of: Mapped[date | None] = mapped_column(Date, nullable=True)   # calendar judged as of this date


class ApiToken(Base):
    """An issued session token; only an HMAC digest of the token pair is kept."""
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    password_proof: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    client_ip: Mapped[str] = mapped_column(String(45), default="")   # the co-payment look-up binds to it


class Certificate(Base):
    """A signing certificate registered for a facility (portal "Danh mục chứng thư số")."""
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("facility_code", "fingerprint"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the DER, hex
    subject: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    serial: Mapped[str] = mapped_column(String(80))
    not_before: Mapped[datetime] = mapped_column(TZ)
    not_after: Mapped[datetime] = mapped_column(TZ)
    pem: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    revocation_reason: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime] = mapped_column(TZ)


class Submission(Base):
    """One acknowledged call (maGiaoDich) with its raw payload, kept before we answer 200."""
    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_status", "status", "received_at"),   # the queue, oldest first
                      Index("ix_submission_facility_received", "facility_code", "received_at"))
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # maGiaoDich
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    username: Mapped[str] = mapped_column(String(100))
    endpoint: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(16))          # QD130 | QD4750 | QD3176
    kind: Mapped[str] = mapped_column(String(16))             # HOSO | CHECKIN | GDYK
    loai_ho_so: Mapped[str] = mapped_column(String(8))
    payload: Mapped[bytes] = mapped_column(LargeBinary)        # decoded fileHSBase64
    payload_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(TZ)
    status: Mapped[str] = mapped_column(String(16))           # DA_TIEP_NHAN | DANG_XU_LY | DA_XU_LY
    claimed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)   # renewed by the worker's heartbeat
    claimed_by: Mapped[str] = mapped_column(String(64), default="")          # the claim's token (host:pid:random)
    processed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[list] = mapped_column(JSON, default=list)  # submission-level findings
    records: Mapped[list] = mapped_column(JSON, default=list)   # dsHoSo: per-record verdicts


class Episode(Base):
    """One HOSO (one MA_LK) of a submission, with its verdict and its place in the MA_LK history."""
    __tablename__ = "episode"
    __table_args__ = (Index("ix_episode_facility_malk", "facility_code", "ma_lk"),
                      Index("ix_episode_submission", "submission_id"),
                      Index("ix_episode_facility_created", "facility_code", "created_at", "status"),
                      Index("ix_episode_bhxh_number", "bhxh_number"),
                      # at most one current (accepted, not replaced) version per facility + MA_LK
                      Index("uq_episode_current", "facility_code", "ma_lk", unique=True,
                            sqlite_where=text("is_current"), postgresql_where=text("is_current")))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"))
    position: Mapped[int] = mapped_column(Integer)             # index of the HOSO in the envelope
    facility_code: Mapped[str] = mapped_column(String(5))
    ma_lk: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))            # HOP_LE | KHONG_HOP_LE
    disposition: Mapped[str] = mapped_column(String(16))       # new | replacement | duplicate | rejected
    content_sha256: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list] = mapped_column(JSON, default=list)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)   # 1, 2, … for accepted versions
    replaced_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    created_at: Mapped[datetime] = mapped_column(TZ)
    # facts from XML1 for the card check history and the health book (valid episodes only)
    card_number: Mapped[str] = mapped_column(String(15), default="", index=True)
    bhxh_number: Mapped[str] = mapped_column(String(10), default="")    # card_number[5:]: every card of a person
    personal_id: Mapped[str] = mapped_column(String(15), default="", index=True)
    admitted_at: Mapped[str] = mapped_column(String(12), default="")   # NGAY_VAO yyyyMMddHHmm
    discharged_at: Mapped[str] = mapped_column(String(12), default="")  # NGAY_RA
    ma_loai_kcb: Mapped[str] = mapped_column(String(2), default="")    # form of care (QĐ 2733 Đ8 counts)
    error_code: Mapped[str] = mapped_column(String(16), default="")    # first error of a rejected episode (board)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)


class ClockState(Base):
    """The single row holding the sandbox clock offset."""
    __tablename__ = "clock_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class Staff(Base):
    """A facility's staff member (portal "Danh mục nhân viên y tế"): practitioners and lookup officers."""
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("facility_code", "personal_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    personal_id: Mapped[str] = mapped_column(String(12))          # CCCD (cccdCb of the card check)
    full_name: Mapped[str] = mapped_column(String(255))
    practitioner_code: Mapped[str] = mapped_column(String(255), default="")  # GPHN (MA_BAC_SI …)
    can_lookup: Mapped[bool] = mapped_column(Boolean, default=True)  # registered for card checks (CV 1923)


class Department(Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("facility_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(255), default="")


class Citizen(Base):
    """A person of the sandbox population (national population DB stand-in)."""
    __tablename__ = "citizen"
    personal_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[str] = mapped_column(String(8))           # yyyyMMdd, or yyyy0000 when only the year
    sex: Mapped[int] = mapped_column(Integer)                    # 1 nam, 2 nữ
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(15), default="")
    guardian_id: Mapped[str] = mapped_column(String(12), default="")   # parent/guardian (children < 14)
    vneid_level: Mapped[int] = mapped_column(Integer, default=2)
    district_code: Mapped[str] = mapped_column(String(3), default="")  # where the campaign counts them
    commune: Mapped[str] = mapped_column(String(100), default="")


class Card(Base):
    """A BHYT card of the registry the card check answers from."""
    __tablename__ = "card"
    number: Mapped[str] = mapped_column(String(15), primary_key=True)
    bhxh_number: Mapped[str] = mapped_column(String(10), index=True)
    personal_id: Mapped[str] = mapped_column(String(12), index=True, default="")
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[str] = mapped_column(String(8))
    sex: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(Text, default="")
    ma_dkbd: Mapped[str] = mapped_column(String(5), default="")
    issuer: Mapped[str] = mapped_column(String(255), default="")      # cqBHXH
    valid_from: Mapped[str] = mapped_column(String(8))               # yyyyMMdd
    valid_to: Mapped[str] = mapped_column(String(8))
    area: Mapped[str] = mapped_column(String(2), default="")         # K1/K2/K3
    five_years_from: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | withdrawn | reduced
    reduction: Mapped[str] = mapped_column(String(24), default="")   # '' | moved_province | moved_within | reincreased | stopped
    replaced_by: Mapped[str] = mapped_column(String(15), default="")
    manager: Mapped[str] = mapped_column(String(8), default="")      # '' | BQP | BCA
    simulate: Mapped[str] = mapped_column(String(8), default="")     # '' | 100 | 101 | 500 (test cards)


class CardCheck(Base):
    """One card check (dsLichSuKT2018)."""
    __tablename__ = "card_check"
    __table_args__ = (Index("ix_card_check_card", "card_number", "checked_at"),
                      Index("ix_card_check_facility", "facility_code", "checked_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_number: Mapped[str] = mapped_column(String(15))
    facility_code: Mapped[str] = mapped_column(String(5))
    username: Mapped[str] = mapped_column(String(100))
    checked_at: Mapped[datetime] = mapped_column(TZ)
    result_code: Mapped[str] = mapped_column(String(4))
    message: Mapped[str] = mapped_column(Text, default="")


class HealthBookEntry(Base):
    """One visit of a citizen's Sổ SKĐT, extracted from an accepted episode (QĐ 1332, QĐ 2733 Đ5 b7)."""
    __tablename__ = "health_book_entry"
    __table_args__ = (Index("ix_book_owner_year", "personal_id", "year", "admitted_at"),
                      Index("ix_book_episode", "episode_id"),
                      Index("ix_book_card_year", "card_number", "year"),
                      # covering the province board's display figures (index-only on both databases)
                      Index("ix_book_facility_visible", "facility_code", "visible_at", "delay_seconds", "is_current"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"))
    submission_id: Mapped[str] = mapped_column(String(40))
    personal_id: Mapped[str] = mapped_column(String(15))     # owner (SO_CCCD); "" when unknown
    card_number: Mapped[str] = mapped_column(String(15), default="")
    facility_code: Mapped[str] = mapped_column(String(5))
    ma_lk: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    admitted_at: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime] = mapped_column(TZ)
    visible_at: Mapped[datetime] = mapped_column(TZ)
    delay_seconds: Mapped[int] = mapped_column(Integer, default=0)   # visible_at − received_at
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=summary_default)   # the year screen's fields of data


class VneidAccount(Base):
    """The citizen's (simulated) VNeID account: password, 6-digit passcode, consent, own details."""
    __tablename__ = "vneid_account"
    personal_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    passcode_hash: Mapped[str] = mapped_column(String(255))
    book_consent_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    book_refreshed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    personal_details: Mapped[dict] = mapped_column(JSON, default=dict)   # entered by the citizen, kept apart


class WalletCard(Base):
    __tablename__ = "wallet_card"
    __table_args__ = (UniqueConstraint("personal_id", "card_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    personal_id: Mapped[str] = mapped_column(String(12), index=True)
    card_number: Mapped[str] = mapped_column(String(15))
    linked_at: Mapped[datetime] = mapped_column(TZ)


class VneidSession(Base):
    __tablename__ = "vneid_session"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    personal_id: Mapped[str] = mapped_column(String(12), index=True)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    passcode_until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class ShareCode(Base):
    """A short-lived code a citizen shows at reception so a facility can read the book."""
    __tablename__ = "share_code"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    personal_id: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class BookAccess(Base):
    """Every read of a citizen's book by a facility (the citizen sees this log)."""
    __tablename__ = "book_access"
    __table_args__ = (Index("ix_book_access_owner", "personal_id", "accessed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    personal_id: Mapped[str] = mapped_column(String(12))
    facility_code: Mapped[str] = mapped_column(String(5))
    username: Mapped[str] = mapped_column(String(100))
    share_code: Mapped[str] = mapped_column(String(16))
    accessed_at: Mapped[datetime] = mapped_column(TZ)


class CertificationSession(Base):
    """A facility's certification session: its HIS under test, from opening to the report."""
    __tablename__ = "certification_session"
    __table_args__ = (Index("ix_cert_session_facility_state", "facility_code", "state"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    opened_by: Mapped[str] = mapped_column(String(100))
    software: Mapped[str] = mapped_column(String(255))
    vendor: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(16))
    suite_id: Mapped[str] = mapped_column(String(64))
    suite_version: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="open")     # open | closed
    opened_at: Mapped[datetime] = mapped_column(TZ)
    closed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    provocations: Mapped[list] = mapped_column(JSON, default=list)     # faults the session provokes, with state
    report: Mapped[dict] = mapped_column(JSON, default=dict)           # canonical JSON report once closed


class Attestation(Base):
    """A readiness condition attested by a person (QĐ 2733 Đ4: what software cannot see)."""
    __tablename__ = "attestation"
    __table_args__ = (UniqueConstraint("session_id", "check_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(32), index=True)
    check_id: Mapped[str] = mapped_column(String(32))
    attested_by: Mapped[str] = mapped_column(String(255))
    statement: Mapped[str] = mapped_column(Text)
    attested_at: Mapped[datetime] = mapped_column(TZ)


class IssuedCertificate(Base):
    """A readiness certificate the sandbox signed (kept for online verification and revocation)."""
    __tablename__ = "issued_certificate"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(32), index=True)
    facility_code: Mapped[str] = mapped_column(String(5), index=True)
    issued_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    token: Mapped[str] = mapped_column(Text)                  # the signed JWS
    revoked_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    revocation_reason: Mapped[str] = mapped_column(String(255), default="")


class AccountFault(Base):
    """A fault profile selected for an account (vendors testing their retry logic at any time)."""
    __tablename__ = "account_fault"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    profile: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict] = mapped_column(JSON, default=dict)   # counters of the profile
    set_at: Mapped[datetime] = mapped_column(TZ)


class LoginThrottle(Base):
    """Failed logins per key (account + client address, or client address alone), for lock-outs."""
    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)   # e.g. "vneid|058085000001|203.0.113.7"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(TZ)
    locked_until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class ProvinceUser(Base):
    """A Sở Y tế or BHXH tỉnh user of the province pages, bound to one province."""
    __tablename__ = "province_user"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    organisation: Mapped[str] = mapped_column(String(8))          # SYT | BHXH
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZ)


class ProvinceSetting(Base):
    """What a province sets: the board's window, the grace-period threshold, the campaign's dates."""
    __tablename__ = "province_setting"
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    grace_days: Mapped[int] = mapped_column(Integer, default=7)
    grace_threshold: Mapped[float] = mapped_column(Float, default=0.05)
    campaign_start: Mapped[str] = mapped_column(String(8), default="")   # yyyyMMdd
    campaign_end: Mapped[str] = mapped_column(String(8), default="")


class SignOff(Base):
    """A province's decision on a facility's readiness, on the evidence of a readiness certificate."""
    __tablename__ = "sign_off"
    __table_args__ = (Index("ix_sign_off_facility", "facility_code", "decided_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    facility_code: Mapped[str] = mapped_column(String(5))
    province_code: Mapped[str] = mapped_column(String(2))
    decision: Mapped[str] = mapped_column(String(8))             # ready | refused
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(TZ)
    certificate_id: Mapped[str] = mapped_column(String(32), default="")
    report_sha256: Mapped[str] = mapped_column(String(64), default="")
    token: Mapped[str] = mapped_column(Text, default="")         # the signed statement (decision "ready")
    withdrawn_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(String(255), default="")


class CampaignTarget(Base):
    """A campaign target per district (and commune when given), loaded from the province's CSV."""
    __tablename__ = "campaign_target"
    __table_args__ = (UniqueConstraint("province_code", "district_code", "commune", "indicator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(2))
    district_code: Mapped[str] = mapped_column(String(3))
    commune: Mapped[str] = mapped_column(String(100), default="")
    indicator: Mapped[str] = mapped_column(String(16))           # level2 | card | book
    target: Mapped[int] = mapped_column(Integer)


class ReportFiling(Base):
    """A report the province marked as filed (daily, weekly, end of campaign, six-monthly)."""
    __tablename__ = "report_filing"
    __table_args__ = (UniqueConstraint("province_code", "kind", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))                # daily | weekly | final | periodic
    period: Mapped[str] = mapped_column(String(16))              # 2024-12-05 | 2024-W49 | final | 2024-H2
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(TZ)


class PeriodicNote(Base):
    """Difficulties and proposals of the six-monthly report (QĐ 2733 Đ8), per facility or province ("")."""
    __tablename__ = "periodic_note"
    __table_args__ = (UniqueConstraint("province_code", "facility_code", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(2))
    facility_code: Mapped[str] = mapped_column(String(5), default="")
    period: Mapped[str] = mapped_column(String(7))               # 2026-H2
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    declared: Mapped[dict] = mapped_column(JSON, default=dict)   # visits the facility counted, per form × BHYT
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(TZ)


# the call logs live beside (a module of their own, same Base and metadata)
from .logs import Exchange, PageSession, Refusal  # noqa: E402,F401
from .onboarding import OnboardingRequest  # noqa: E402,F401
from .shadow import ShadowComparison  # noqa: E402,F401
from .audit import AuditEvent  # noqa: E402,F401

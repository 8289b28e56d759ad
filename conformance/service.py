"""Certification sessions: open one for a facility's HIS, attest, watch progress, close it into a report
and, when every required check passes, a signed certificate; verify and revoke certificates."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.errors import ConflictError, InvalidInputError, NotFoundError
from sandbox.settings import ROOT
from sandbox.storage import audit
from sandbox.storage.models import Attestation, CertificationSession, Facility, IssuedCertificate

from . import certificate as cert
from .runner import report_digest, run
from .suite import ATTESTED, SUITE

PROFILES = ("QD130", "QD4750", "QD3176")
# What the session provokes, in order: each fault waits for some calls of its kind, then fires.
PROVOCATIONS = ({"fault": "burst_503", "remaining": 1, "wait": 1},
                {"fault": "reject_once", "remaining": 1, "wait": 2},
                {"fault": "token_refused", "remaining": 1, "wait": 5},
                {"fault": "copayment_401", "remaining": 1, "wait": 0})

# The same rules in words, for the session page (Vietnamese) and the API description (openapi/conformance.yaml).
PROVOKED_RULES = (
    ("«Lần gọi gửi» là mọi lần gọi guiHoSoXmlQD130/4750/3176, checkInKcbQd130/4750/3176, guiDuLieuGdykQd130 "
     "bằng tài khoản của cơ sở sau khi mở phiên, dù được nhận hay bị từ chối.",
     "A submission call is any call of the send/check-in operations by the facility's accounts after opening."),
    ("Lần gọi gửi thứ 2 được trả HTTP 503 (maLoi 5031, không lưu gì): HIS phải gửi lại đúng nội dung đó (HIS-RES-01).",
     "The 2nd submission call is answered 503: resend the same content."),
    ("Lần gọi gửi thứ 8 được trả 4012 và token bị thu hồi (sau đó là 4013): lấy token mới rồi gửi lại (HIS-RES-02).",
     "The 8th submission call is answered 4012 and its token withdrawn: take a new token, then resend."),
    ("Gói HOSO thứ 3 được xử lý (không tính check-in) có HOSO đầu tiên bị từ chối SBX-001: gửi lại (HIS-RES-03).",
     "The 3rd HOSO envelope processed has its first HOSO rejected SBX-001: resend it."),
    ("«Cùng nội dung» là cùng các lượt KCB (LOAIHOSO và NOIDUNGFILE đã giải mã), bất kể chữ ký: ký lại khi gửi lại "
     "vẫn là cùng nội dung. Gửi lại một lượt đã được chấp nhận thêm 3 lần là gửi lặp (HIS-RES-04).",
     "The same content means the same episodes whatever the signature; 3 more unchanged sends is a loop."),
    ("Lần tra cứu cùng chi trả đầu tiên được trả HTTP 401 thân rỗng: lấy token mới rồi hỏi lại (HIS-FLOW-07).",
     "The first co-payment look-up is answered 401 with an empty body: take a new token and ask again."),
)


def issuer(ctx: Context) -> cert.Issuer:
    return cert.issuer(Path(ctx.settings.issuer_dir) if ctx.settings.issuer_dir else ROOT / "var" / "issuer")


def open_session(ctx: Context, facility_code: str, opened_by: str, software: str, vendor: str, version: str,
                 profile: str = "QD3176") -> dict:
    for name, label, value in (("software", "tên phần mềm", software), ("vendor", "nhà cung cấp", vendor),
                               ("version", "phiên bản", version)):
        if not value.strip():
            raise InvalidInputError(f"thiếu {name}", f"{name} is required", page_vi=f"Nhập {label}")
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
            raise InvalidInputError(f"{name} có ký tự điều khiển", f"{name} holds control characters",
                                    page_vi=f"{label.capitalize()} có ký tự không in được")
    if profile not in PROFILES:
        raise InvalidInputError(f"profile phải là {', '.join(PROFILES)}", f"profile must be one of {', '.join(PROFILES)}")
    now = ctx.clock.now()
    with ctx.db.session() as s:
        if s.get(Facility, facility_code) is None:
            raise NotFoundError(f"không có cơ sở {facility_code}", f"no facility {facility_code}")
        if s.scalars(select(CertificationSession).where(CertificationSession.facility_code == facility_code,
                                                         CertificationSession.state == "open")).first():
            raise ConflictError("cơ sở đang có một phiên chứng nhận mở: đóng phiên đó trước",
                                "the facility already has an open session: close it first")
        session = CertificationSession(id=uuid.uuid4().hex, facility_code=facility_code, opened_by=opened_by,
                                       software=software.strip(), vendor=vendor.strip(), version=version.strip(),
                                       profile=profile, suite_id=SUITE.id, suite_version=SUITE.version, state="open",
                                       opened_at=now, provocations=[dict(p) for p in PROVOCATIONS], report={})
        s.add(session)
        return _describe(session)


def _describe(session: CertificationSession) -> dict:
    return {"id": session.id, "facility": session.facility_code, "software": session.software, "vendor": session.vendor,
            "version": session.version, "profile": session.profile, "state": session.state,
            "openedAt": as_utc(session.opened_at).isoformat(), "suite": f"{session.suite_id} {session.suite_version}"}


def get_session(ctx: Context, session_id: str, facility_code: str | None = None) -> CertificationSession:
    with ctx.db.read() as s:
        session = s.get(CertificationSession, session_id)
        if session is None or (facility_code and session.facility_code != facility_code):
            raise NotFoundError(f"không có phiên {session_id}", f"no session {session_id}")
        s.expunge(session)
        return session


def list_sessions(ctx: Context, facility_code: str) -> list[dict]:
    with ctx.db.read() as s:
        return [_describe(x) for x in s.scalars(select(CertificationSession).where(
            CertificationSession.facility_code == facility_code).order_by(CertificationSession.opened_at.desc()))]


def attest(ctx: Context, session_id: str, check_id: str, attested_by: str, statement: str,
           facility_code: str | None = None) -> dict:
    session = get_session(ctx, session_id, facility_code)
    if session.state != "open":
        raise ConflictError("phiên đã đóng", "the session is closed")
    if check_id not in ATTESTED:
        raise InvalidInputError(f"{check_id} không phải điều kiện cần xác nhận ({', '.join(ATTESTED)})",
                                f"{check_id} is not an attestation ({', '.join(ATTESTED)})")
    if not attested_by.strip() or not statement.strip():
        raise InvalidInputError("cần người xác nhận và nội dung xác nhận", "who attests and what are required")
    with ctx.db.session() as s:
        row = s.scalars(select(Attestation).where(Attestation.session_id == session_id,
                                                   Attestation.check_id == check_id)).first()
        if row is None:
            row = Attestation(session_id=session_id, check_id=check_id, attested_by="", statement="",
                              attested_at=ctx.clock.now())
            s.add(row)
        row.attested_by, row.statement, row.attested_at = attested_by.strip(), statement.strip(), ctx.clock.now()
    return {"checkId": check_id, "attestedBy": attested_by.strip(), "statement": statement.strip()}


def progress(ctx: Context, session_id: str, facility_code: str | None = None) -> dict:
    session = get_session(ctx, session_id, facility_code)
    return session.report if session.state == "closed" else run(ctx, session_id)


def close(ctx: Context, session_id: str, facility_code: str | None = None) -> dict:
    """Close the session: the final report and, when every required check passes, the certificate."""
    session = get_session(ctx, session_id, facility_code)
    if session.state != "open":
        raise ConflictError("phiên đã đóng", "the session is already closed")
    now = ctx.clock.now()
    with ctx.db.session() as s:
        row = s.get(CertificationSession, session_id)
        row.state, row.closed_at = "closed", now
    report = run(ctx, session_id)
    certificate = None
    if report["outcome"] == "pass":
        with ctx.db.read() as s:
            facility_name = s.get(Facility, session.facility_code).name
        token, claims = cert.issue(issuer(ctx), report, facility_name, report_digest(report), now)
        with ctx.db.session() as s:
            s.add(IssuedCertificate(id=claims["jti"], session_id=session_id, facility_code=session.facility_code,
                                    issued_at=now, expires_at=datetime.fromtimestamp(claims["exp"], now.tzinfo),
                                    token=token, revocation_reason=""))
        certificate = {"id": claims["jti"], "token": token}
    report["certificate"] = certificate["id"] if certificate else None
    with ctx.db.session() as s:
        s.get(CertificationSession, session_id).report = report
    return {"report": report, "certificate": certificate}


def certificate_record(ctx: Context, certificate_id: str) -> IssuedCertificate:
    with ctx.db.read() as s:
        row = s.get(IssuedCertificate, certificate_id)
        if row is None:
            raise NotFoundError(f"không có chứng nhận {certificate_id}", f"no certificate {certificate_id}")
        s.expunge(row)
        return row


def verify_online(ctx: Context, token: str) -> dict:
    """Offline checks plus revocation, against this sandbox's issuer."""
    try:
        claims = cert.verify(token, issuer(ctx).cert_pem, ctx.clock.now())
    except cert.CertificateInvalid as exc:
        return {"hopLe": False, "lyDo": exc.vi, "reason": exc.en}
    with ctx.db.read() as s:
        row = s.get(IssuedCertificate, claims["jti"])
    if row is None:
        return {"hopLe": False, "lyDo": "sandbox này không có chứng nhận đó", "reason": "unknown to this sandbox", "claims": claims}
    if row.revoked_at is not None and as_utc(row.revoked_at) <= ctx.clock.now():
        return {"hopLe": False, "lyDo": f"đã bị thu hồi: {row.revocation_reason}", "reason": f"revoked: {row.revocation_reason}",
                "claims": claims}
    return {"hopLe": True, "lyDo": "chứng nhận hợp lệ", "reason": "valid", "claims": claims}


def revoke(ctx: Context, certificate_id: str, reason: str, by: str = "skdt-sandbox certificate revoke") -> dict:
    with ctx.db.session() as s:
        row = s.get(IssuedCertificate, certificate_id)
        if row is None:
            raise NotFoundError(f"không có chứng nhận {certificate_id}", f"no certificate {certificate_id}")
        row.revoked_at, row.revocation_reason = ctx.clock.now(), reason or "thu hồi"
        facility = row.facility_code
    audit.record(ctx, by, "admin", "revoke_certificate", certificate_id, {"facility": facility})
    return {"id": certificate_id, "revoked": True}


def certificate_pdf_for(ctx: Context, certificate_id: str) -> bytes:
    from .certificate_pdf import certificate_pdf
    row = certificate_record(ctx, certificate_id)
    claims = cert.verify(row.token, issuer(ctx).cert_pem, ctx.clock.now())
    return certificate_pdf(row.token, claims, f"{ctx.settings.public_url.rstrip('/')}/chung-nhan/{certificate_id}")

"""Sign-off: a province user decides that a facility is ready to go live (or refuses, with a reason)
on the evidence of its readiness certificate.  A "ready" decision yields a provincial readiness
statement, a JWS signed by the sandbox's issuing key (the same as the certificates'), printable as
a PDF with a QR code leading to its verification page.

A statement stands only while its certificate does: when the certificate is revoked or expires, the
sign-off is withdrawn (recorded the next time the board, the facility or the statement is read).
"""

from __future__ import annotations

import uuid

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import select

from conformance import service as certification
from conformance.suite import ATTESTED, RETIRED_VERSIONS
from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.errors import ConflictError, InvalidInputError, NotFoundError
from sandbox.result_codes import ResultCode as RC
from sandbox.storage.models import Attestation, IssuedCertificate, SignOff

from .users import ProvinceCaller, facility_in_scope
from . import permissions

STATEMENT_TYPE = "skdt-province-signoff+jwt"
DECISIONS = {"ready": "Xác nhận sẵn sàng", "refused": "Chưa đạt"}


class NotReady(ConflictError):
    result_code = RC.SIGN_OFF_PRECONDITION


def latest_certificate(ctx: Context, facility_code: str) -> IssuedCertificate | None:
    with ctx.db.read() as s:
        row = s.scalars(select(IssuedCertificate).where(IssuedCertificate.facility_code == facility_code)
                        .order_by(IssuedCertificate.issued_at.desc())).first()
        if row is not None:
            s.expunge(row)
        return row


def missing_attestations(ctx: Context, session_id: str) -> list[str]:
    with ctx.db.read() as s:
        done = set(s.scalars(select(Attestation.check_id).where(Attestation.session_id == session_id)))
    return [check_id for check_id in ATTESTED if check_id not in done]


def decide(ctx: Context, who: ProvinceCaller, facility_code: str, decision: str, reason: str = "") -> dict:
    """Sở Y tế decides (the seed plans give it the readiness decision); BHXH tỉnh reads and reports."""
    facility = facility_in_scope(ctx, who, facility_code)
    permissions.require(who, "sign_off")
    if decision not in DECISIONS:
        raise InvalidInputError("quyết định là ready (sẵn sàng) hoặc refused (chưa đạt)", "decision: ready or refused")
    reason = (reason or "").strip()
    if decision == "refused" and not reason:
        raise InvalidInputError("ghi rõ lý do chưa đạt", "say why the facility is not ready")
    now = ctx.clock.now()
    cert = latest_certificate(ctx, facility_code)
    claims, token = {}, ""
    if decision == "ready":
        if cert is None:
            raise NotReady("cơ sở chưa có giấy chứng nhận sẵn sàng liên thông", "the facility has no readiness certificate")
        verdict = certification.verify_online(ctx, cert.token)
        if not verdict["hopLe"]:
            raise NotReady(f"giấy chứng nhận {cert.id} không còn hiệu lực: {verdict['lyDo']}",
                           f"certificate {cert.id} is not valid: {verdict['reason']}")
        missing = missing_attestations(ctx, cert.session_id)
        if missing:
            raise NotReady(f"thiếu xác nhận điều kiện {', '.join(missing)}", f"attestations missing: {', '.join(missing)}")
        claims = verdict["claims"]
    signoff_id = uuid.uuid4().hex
    if decision == "ready":
        statement = {
            "iss": "skdt-sandbox", "jti": signoff_id, "sub": facility_code, "iat": int(now.timestamp()),
            "typ": "province-signoff", "decision": decision,
            "facility": {"code": facility_code, "name": facility.name},
            "province": {"code": who.province_code, "name": who.province_name, "organisation": who.organisation_name},
            "decidedBy": {"username": who.username, "fullName": who.full_name},
            "certificate": {"id": cert.id, "reportSha256": claims["report"]["sha256"], "software": claims["software"],
                            "expires": claims["exp"]},
        }
        iss = certification.issuer(ctx)
        key = serialization.load_pem_private_key(iss.key_pem, password=None)
        token = jwt.encode(statement, key, algorithm="RS256", headers={"kid": iss.kid, "typ": STATEMENT_TYPE})
    with ctx.db.session() as s:
        row = SignOff(id=signoff_id, facility_code=facility_code, province_code=who.province_code, decision=decision,
                      reason=reason, decided_by=who.username, decided_at=now,
                      certificate_id=cert.id if cert else "", report_sha256=claims.get("report", {}).get("sha256", ""),
                      token=token, withdrawn_at=None, withdrawn_reason="")
        s.add(row)
        described = describe(row)
    permissions.decided(ctx, who, "sign_off", facility_code, decision=decision)
    return described


def describe(row: SignOff) -> dict:
    state = "withdrawn" if row.withdrawn_at else row.decision
    return {"id": row.id, "facility": row.facility_code, "decision": row.decision, "decisionVi": DECISIONS[row.decision],
            "state": state, "reason": row.reason, "decidedBy": row.decided_by,
            "decidedAt": as_utc(row.decided_at).isoformat(timespec="seconds"), "certificateId": row.certificate_id,
            "reportSha256": row.report_sha256, "statement": row.token or None,
            "withdrawnAt": as_utc(row.withdrawn_at).isoformat(timespec="seconds") if row.withdrawn_at else None,
            "withdrawnReason": row.withdrawn_reason}


def refresh(ctx: Context, province_code: str) -> int:
    """Withdraw every standing "ready" sign-off of the province whose certificate was revoked, expired
    or belongs to a retired suite version (one query; the certificates' signatures were verified when
    the sign-off was made, and the sandbox's own rows do not change under it)."""
    now = ctx.clock.now()
    with ctx.db.read() as s:
        standing = s.execute(select(SignOff.id, IssuedCertificate.id, IssuedCertificate.revoked_at,
                                    IssuedCertificate.revocation_reason, IssuedCertificate.expires_at,
                                    IssuedCertificate.token)
                             .join(IssuedCertificate, IssuedCertificate.id == SignOff.certificate_id, isouter=True)
                             .where(SignOff.province_code == province_code, SignOff.decision == "ready",
                                    SignOff.withdrawn_at.is_(None))).all()
    withdrawn = {}
    for signoff_id, cert_id, revoked_at, revoked_why, expires_at, token in standing:
        if cert_id is None:
            withdrawn[signoff_id] = "không còn giấy chứng nhận"
        elif revoked_at is not None and as_utc(revoked_at) <= now:
            withdrawn[signoff_id] = f"giấy chứng nhận {cert_id} đã bị thu hồi: {revoked_why}"
        elif as_utc(expires_at) < now:
            withdrawn[signoff_id] = f"giấy chứng nhận {cert_id} đã hết hạn ngày {as_utc(expires_at):%d/%m/%Y}"
        elif jwt.decode(token, options={"verify_signature": False}).get("suite", {}).get("version") in RETIRED_VERSIONS:
            withdrawn[signoff_id] = f"giấy chứng nhận {cert_id}: phiên bản bộ kiểm tra đã bị thay thế"
    if withdrawn:
        with ctx.db.session() as s:
            for signoff_id, reason in withdrawn.items():
                row = s.get(SignOff, signoff_id)
                row.withdrawn_at, row.withdrawn_reason = now, reason[:255]
    return len(withdrawn)


def history(ctx: Context, who: ProvinceCaller, facility_code: str) -> list[dict]:
    facility_in_scope(ctx, who, facility_code)
    refresh(ctx, who.province_code)
    with ctx.db.read() as s:
        return [describe(r) for r in s.scalars(select(SignOff).where(SignOff.facility_code == facility_code)
                                               .order_by(SignOff.decided_at.desc()))]


def record(ctx: Context, signoff_id: str) -> SignOff:
    with ctx.db.read() as s:
        row = s.get(SignOff, signoff_id)
        if row is None or row.decision != "ready":
            raise NotFoundError(f"không có văn bản xác nhận {signoff_id}", f"no statement {signoff_id}")
        s.expunge(row)
        return row


def verify(ctx: Context, signoff_id: str) -> dict:
    """Public verification (the QR code's page): the statement's signature, then its standing."""
    row = record(ctx, signoff_id)
    refresh(ctx, row.province_code)
    row = record(ctx, signoff_id)
    iss = certification.issuer(ctx)
    cert = x509.load_pem_x509_certificate(iss.cert_pem)
    try:
        if jwt.get_unverified_header(row.token).get("kid") != cert.fingerprint(hashes.SHA256()).hex():
            raise jwt.InvalidSignatureError("another issuer")
        claims = jwt.decode(row.token, cert.public_key(), algorithms=["RS256"], issuer="skdt-sandbox")
    except jwt.PyJWTError:
        return {"hopLe": False, "lyDo": "chữ ký văn bản không hợp lệ", "reason": "the statement's signature is invalid"}
    if row.withdrawn_at is not None:
        return {"hopLe": False, "lyDo": f"đã bị rút lại: {row.withdrawn_reason}", "reason": "withdrawn",
                "claims": claims, "withdrawnAt": as_utc(row.withdrawn_at).isoformat(timespec="seconds")}
    return {"hopLe": True, "lyDo": "văn bản xác nhận còn hiệu lực", "reason": "valid", "claims": claims}

"""Repositories for the facility registry, gateway accounts and facility certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConflictError, InvalidInputError, NotFoundError
from ..reference.facilities import current_province, is_facility_code
from ..security import hash_credential, md5_upper
from .models import Account, Certificate, Facility

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@")


# --- facilities --------------------------------------------------------------------------------
def get_facility(s: Session, code: str) -> Facility:
    facility = s.get(Facility, code)
    if facility is None:
        raise NotFoundError(f"không có cơ sở KCB mã {code}", f"no facility with code {code}")
    return facility


def add_facility(s: Session, code: str, name: str, now: datetime, *, exist_ok: bool = False) -> Facility:
    if not is_facility_code(code):
        raise InvalidInputError("mã CSKCB phải gồm 5 chữ số, 2 số đầu là mã tỉnh (QĐ 384)",
                                "facility code must be 5 digits, the first two the province (QĐ 384)")
    if not name.strip():
        raise InvalidInputError("thiếu tên cơ sở", "facility name is empty")
    existing = s.get(Facility, code)
    if existing is not None:
        if exist_ok:
            return existing
        raise ConflictError(f"cơ sở {code} đã có", f"facility {code} already exists")
    facility = Facility(code=code, name=name.strip(), province_code=current_province(code), status="active",
                        created_at=now)
    s.add(facility)
    s.flush()
    return facility


def set_facility_status(s: Session, code: str, status: str) -> Facility:
    if status not in ("active", "suspended"):
        raise InvalidInputError("trạng thái phải là active hoặc suspended", "status must be active or suspended")
    facility = get_facility(s, code)
    facility.status = status
    return facility


def list_facilities(s: Session, province: str | None = None) -> list[Facility]:
    """``province``: one of the 34 provinces of today, or a former province's code (its facilities' prefix)."""
    from ..reference import units
    query = select(Facility).order_by(Facility.code)
    if province in units.provinces_2025():
        query = query.where(Facility.province_code == province)
    elif province:
        query = query.where(Facility.code.like(f"{province[:2]}%"))
    return list(s.scalars(query))


# --- accounts ----------------------------------------------------------------------------------
def get_account(s: Session, username: str) -> Account | None:
    return s.scalar(select(Account).where(Account.username == username))


def require_account(s: Session, username: str) -> Account:
    account = get_account(s, username)
    if account is None:
        raise NotFoundError(f"không có tài khoản {username}", f"no account {username}")
    return account


def parse_ip_list(text: str | list[str] | None) -> str:
    import ipaddress
    items = text if isinstance(text, list) else (text or "").replace(";", ",").split(",")
    cleaned = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise InvalidInputError(f"địa chỉ IP không hợp lệ: {item}", f"invalid IP address: {item}") from exc
        cleaned.append(item)
    return ",".join(cleaned)


def add_account(s: Session, username: str, facility_code: str, password: str, now: datetime, *,
                iterations: int, full_name: str = "", kind: str | None = None,
                allowed_ips: str | list[str] | None = None) -> Account:
    if not username or not set(username) <= USERNAME_CHARS or len(username) > 100:
        raise InvalidInputError("tên tài khoản chỉ gồm chữ, số và _ . - @ (tối đa 100 ký tự)",
                                "username may hold letters, digits and _ . - @ (max 100)")
    if len(password) < 8:
        raise InvalidInputError("mật khẩu cần tối thiểu 8 ký tự", "password needs at least 8 characters")
    get_facility(s, facility_code)
    if get_account(s, username) is not None:
        raise ConflictError(f"tài khoản {username} đã có", f"account {username} already exists")
    account = Account(username=username, facility_code=facility_code, full_name=full_name,
                      kind=kind or ("facility" if username == f"{facility_code}_BV" else "person"),
                      password_hash=hash_credential(md5_upper(password), iterations),
                      active=True, failed_logins=0, allowed_ips=parse_ip_list(allowed_ips),
                      created_at=now)
    s.add(account)
    s.flush()
    return account


def list_accounts(s: Session, facility_code: str | None = None) -> list[Account]:
    query = select(Account).order_by(Account.username)
    if facility_code:
        query = query.where(Account.facility_code == facility_code)
    return list(s.scalars(query))


# --- certificates ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateFacts:
    fingerprint: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    pem: str


def certificate_facts(pem: bytes | str) -> CertificateFacts:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        try:
            cert = x509.load_der_x509_certificate(data)
        except ValueError:
            raise InvalidInputError("không đọc được chứng thư số (cần PEM hoặc DER X.509)",
                                    "cannot read the certificate (PEM or DER X.509 expected)") from exc
    der = cert.public_bytes(serialization.Encoding.DER)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return CertificateFacts(
        fingerprint=digest.finalize().hex(), subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(), serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        pem=cert.public_bytes(serialization.Encoding.PEM).decode())


def add_certificate(s: Session, facility_code: str, pem: bytes | str, now: datetime) -> Certificate:
    get_facility(s, facility_code)
    facts = certificate_facts(pem)
    existing = s.scalar(select(Certificate).where(Certificate.facility_code == facility_code,
                                                  Certificate.fingerprint == facts.fingerprint))
    if existing is not None:
        raise ConflictError("chứng thư đã được đăng ký cho cơ sở này",
                            "certificate already registered for this facility")
    cert = Certificate(facility_code=facility_code, fingerprint=facts.fingerprint, subject=facts.subject,
                       issuer=facts.issuer, serial=facts.serial, not_before=facts.not_before,
                       not_after=facts.not_after, pem=facts.pem, revoked_at=None, added_at=now)
    s.add(cert)
    s.flush()
    return cert


def find_certificates(s: Session, *, facility_code: str | None = None,
                      fingerprint: str | None = None) -> list[Certificate]:
    query = select(Certificate).order_by(Certificate.id)
    if facility_code:
        query = query.where(Certificate.facility_code == facility_code)
    if fingerprint:
        query = query.where(Certificate.fingerprint == fingerprint.lower().replace(":", ""))
    return list(s.scalars(query))


def revoke_certificate(s: Session, fingerprint: str, now: datetime, reason: str = "",
                       facility_code: str | None = None) -> list[Certificate]:
    certs = find_certificates(s, facility_code=facility_code, fingerprint=fingerprint)
    if not certs:
        raise NotFoundError("không tìm thấy chứng thư với dấu vân tay này",
                            "no certificate with that fingerprint")
    for cert in certs:
        if cert.revoked_at is None:
            cert.revoked_at = now
            cert.revocation_reason = reason
    return certs

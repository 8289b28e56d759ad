"""The readiness certificate: a JWS (RFC 7515, RS256) signed by the sandbox's issuing key.

Why JWS rather than XMLDSig: the certificate is a small set of claims, not a document; a compact
JWS is verified byte for byte by any JOSE library in any language, with no canonicalisation step
(the very thing that made real .NET XML signatures fail elsewhere in this project), and it fits a
QR code's verification link.  The claims bind the facility (code and name), the HIS software
(name, version, vendor), the profile, the suite (id, version, content hash), the SHA-256 of the
canonical evidence report, the issue date and the expiry.

Offline verification needs only the issuer's public certificate (``skdt-sandbox certificate
verify FILE --issuer issuer.pem``); online verification (page and API) also shows revocation.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .suite import RETIRED_VERSIONS

ISSUER = "skdt-sandbox"
VALID_DAYS = 365


class CertificateInvalid(Exception):
    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Issuer:
    key_pem: bytes
    cert_pem: bytes

    @property
    def kid(self) -> str:
        cert = x509.load_pem_x509_certificate(self.cert_pem)
        return cert.fingerprint(hashes.SHA256()).hex()


def issuer(directory: Path) -> Issuer:
    """The sandbox's issuing key, created on first use under ``directory`` (var/issuer by default)."""
    key_file, cert_file = directory / "issuer.key.pem", directory / "issuer.cert.pem"
    if key_file.exists() and cert_file.exists():
        return Issuer(key_file.read_bytes(), cert_file.read_bytes())
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox SKĐT"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Sandbox SKĐT — cấp chứng nhận sẵn sàng")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Issuer(key_file.read_bytes(), cert_file.read_bytes())


def jwks(iss: Issuer) -> dict:
    """The issuer's public key as a JWK Set (RFC 7517): what a verifier needs, with the certificate (x5c)."""
    import base64
    cert = x509.load_pem_x509_certificate(iss.cert_pem)
    numbers = cert.public_key().public_numbers()

    def b64url(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode().rstrip("=")
    return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": iss.kid, "n": b64url(numbers.n),
                      "e": b64url(numbers.e),
                      "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
                      "x5t#S256": base64.urlsafe_b64encode(cert.fingerprint(hashes.SHA256())).decode().rstrip("=")}]}


def issue(iss: Issuer, report: dict, facility_name: str, digest: str, now: datetime) -> tuple[str, dict]:
    """Sign the certificate claims; returns (compact JWS, claims)."""
    s = report["session"]
    claims = {
        "iss": ISSUER, "jti": uuid.uuid4().hex, "sub": s["facility"],
        "iat": int(now.timestamp()), "exp": int((now + timedelta(days=VALID_DAYS)).timestamp()),
        "facility": {"code": s["facility"], "name": facility_name},
        "software": {"name": s["software"], "version": s["version"], "vendor": s["vendor"]},
        "profile": s["profile"], "session": s["id"],
        "suite": {"id": report["suite"]["id"], "version": report["suite"]["version"], "hash": report["suite"]["hash"]},
        "report": {"sha256": digest, "ruleSet": report["ruleSet"], "codeLists": report["codeLists"]},
    }
    key = serialization.load_pem_private_key(iss.key_pem, password=None)
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": iss.kid, "typ": "skdt-readiness+jwt"})
    return token, claims


def verify(token: str, issuer_cert_pem: bytes, now: datetime) -> dict:
    """The claims of a genuine, unexpired certificate of a suite version still in force; else
    CertificateInvalid with the reason (tampered, another issuer, expired, retired suite)."""
    cert = x509.load_pem_x509_certificate(issuer_cert_pem)
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise CertificateInvalid("không phải chứng nhận hợp lệ (JWS hỏng)", f"not a certificate (malformed JWS): {exc}") from exc
    if header.get("alg") != "RS256":
        raise CertificateInvalid("thuật toán ký không được chấp nhận", f"algorithm {header.get('alg')} not accepted")
    if header.get("kid") != cert.fingerprint(hashes.SHA256()).hex():
        raise CertificateInvalid("chứng nhận do một đơn vị cấp khác phát hành", "issued by another issuer")
    try:
        claims = jwt.decode(token, cert.public_key(), algorithms=["RS256"], issuer=ISSUER,
                            options={"verify_exp": False, "require": ["exp", "iat", "jti", "sub"]})
    except jwt.InvalidSignatureError as exc:
        raise CertificateInvalid("chữ ký không khớp: chứng nhận đã bị sửa", "signature does not match: tampered") from exc
    except jwt.PyJWTError as exc:
        raise CertificateInvalid(f"chứng nhận không hợp lệ ({type(exc).__name__})", f"invalid certificate: {exc}") from exc
    if now.timestamp() > claims["exp"]:
        expired = datetime.fromtimestamp(claims["exp"], timezone.utc)
        raise CertificateInvalid(f"chứng nhận đã hết hạn ngày {expired:%d/%m/%Y}", f"expired on {expired:%Y-%m-%d}")
    if claims.get("suite", {}).get("version") in RETIRED_VERSIONS:
        raise CertificateInvalid("phiên bản bộ kiểm tra đã bị thay thế", "the suite version has been retired")
    return claims


def short_digest(token: str) -> str:
    """A short fingerprint of the JWS, printed beside the QR code."""
    return base64.b32encode(hashes_sha256(token.encode())[:10]).decode().rstrip("=")


def hashes_sha256(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA256())
    h.update(data)
    return h.finalize()

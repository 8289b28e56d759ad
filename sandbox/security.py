"""Password hashing, token generation and constant-time proofs for gateway accounts.

The gateway receives ``MD5(password)`` as uppercase hex.  That MD5 is the
credential on the wire; we never store it: accounts keep a salted PBKDF2-SHA256 of it, and
tokens keep an HMAC of it so the per-request ``passwordHash`` header is checked cheaply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache


def md5_upper(password: str) -> str:
    """What a HIS sends as ``password`` / ``passwordHash``."""
    return hashlib.md5(password.encode("utf-8")).hexdigest().upper()


def normalise_md5(value: str) -> str:
    return (value or "").strip().upper()


def _pbkdf2(scheme: str, text: str, iterations: int) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", text.encode("utf-8"), salt, iterations)
    return f"{scheme}${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _matches(scheme: str, text: str, stored: str) -> bool:
    try:
        found, iterations, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if found != scheme:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", text.encode("utf-8"), base64.b64decode(salt_b64), int(iterations))
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def hash_credential(md5_hex: str, iterations: int) -> str:
    return _pbkdf2("pbkdf2_sha256", normalise_md5(md5_hex), iterations)


def verify_credential(md5_hex: str, stored: str) -> bool:
    return _matches("pbkdf2_sha256", normalise_md5(md5_hex), stored)


def hash_secret(secret: str, iterations: int) -> str:
    """A password or passcode compared exactly (VNeID): no normalisation of case or spaces."""
    return _pbkdf2("pbkdf2_sha256_exact", secret, iterations)


@lru_cache(maxsize=8)
def dummy_hash(iterations: int, exact: bool = False) -> str:
    """A stored hash to verify against when the name is unknown, so that an unknown name and a wrong
    password cost the same time (``exact``: a secret's hash, else a credential's)."""
    return hash_secret("-", iterations) if exact else hash_credential("0" * 32, iterations)


def verify_secret(secret: str, stored: str) -> bool:
    """Exact comparison; hashes made before exact hashing existed are still read (case-insensitive)."""
    if stored.startswith("pbkdf2_sha256$"):
        return verify_credential(secret, stored)
    return _matches("pbkdf2_sha256_exact", secret, stored)


def keyed_digest(secret: str, *parts: str) -> str:
    msg = "\x1f".join(parts).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def new_token_pair() -> tuple[str, str]:
    return secrets.token_urlsafe(32), secrets.token_urlsafe(24)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

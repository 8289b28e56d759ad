"""One frozen Settings object: defaults, then SANDBOX_* / DATABASE_URL environment, then overrides."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "sandbox.sqlite3"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    # Secret for HMACs (token digests, password proofs). Set SANDBOX_SECRET_KEY in shared deployments.
    secret_key: str = "dev-only-secret-change-me"
    admin_token: str = "admin-dev-token"
    token_lifetime_minutes: int = 60          # expires_in of /api/token/take (UNCONFIRMED real value)
    max_failed_logins: int = 5                # lock-out after this many consecutive failures
    lockout_minutes: int = 15
    max_request_bytes: int = 100 * 1024 * 1024  # 4210 off-peak limit; 130 limit UNCONFIRMED
    max_decoded_file_bytes: int = 100 * 1024 * 1024
    # "inline": process right after the acknowledgement commit (tests, demo);
    # "background": a worker thread processes the queue (serve).
    processing_mode: str = "background"
    worker_poll_seconds: float = 0.5
    stale_claim_seconds: int = 300            # a DANG_XU_LY claim older than this is taken over
    clock_refresh_seconds: float = 1.0        # how long a process trusts its cached clock offset
    password_hash_iterations: int = 200_000   # PBKDF2-SHA256 over the received MD5
    crash_before_processing: bool = False     # test hook: the worker dies (os._exit) before processing
    trust_forwarded_for: bool = False         # take client IP from X-Forwarded-For (behind a proxy)
    xsd_order: str = "any"                    # any (vendors vary order) | strict (table order)
    xsd_all_tags: bool = False                # True: every element of the table must be present
    signature_policy: str = "required"        # required | pre2026 (unsigned accepted with SIG-000)
    trusted_ca_file: str = ""                 # PEM bundle; when set, signer certs must chain to it
    rules_disabled: str = ""                  # rule ids to switch off, e.g. "STAFF-01,QD130:XML1-DAYS-01"
    # documents: a rule not stated plainly by an official text warns (CANH_BAO); strict: it errs (LOI)
    rules: str = "documents"
    display_profile: str = "immediate"        # immediate | realistic | late (24-hour display window)
    share_code_minutes: int = 15              # lifetime of a VNeID share code
    vneid_session_minutes: int = 30
    # Gateway refusals: HTTP 200 with the refusal in maKetQua (the official guides describe every
    # answer as JSON; HIS clients read the body only on 2xx).  False: HTTP status per code family.
    errors_as_http_200: bool = True
    fault_slow_seconds: float = 120.0         # the "slow" fault profile's delay
    fault_lag_seconds: float = 30.0           # the "status_lag" fault: DANG_XU_LY this long after receipt
    issuer_dir: str = ""                      # where the readiness-certificate issuing key lives (default var/issuer)
    public_url: str = "http://127.0.0.1:8000"  # base of the verification links printed on certificates
    certification_delay_hours: float = 24.0   # episodes must be sent within this after NGAY_RA (UNCONFIRMED)
    openapi_dir: Path = ROOT / "openapi"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values: dict = {}
        env = os.environ
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        for f in fields(cls):
            key = "SANDBOX_" + f.name.upper()
            if key not in env:
                continue
            raw = env[key]
            if f.type in ("bool", bool):
                values[f.name] = _bool(raw)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            elif f.type in ("Path",):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

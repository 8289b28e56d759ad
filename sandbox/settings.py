"""One frozen Settings object: defaults, then SANDBOX_* / DATABASE_URL environment, then overrides."""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "sandbox.sqlite3"
DEFAULT_SECRET = "dev-only-secret-change-me"     # never in force: replaced by an installation secret
DEFAULT_ADMIN_TOKEN = "admin-dev-token"          # public; in force only with a loud warning
log = logging.getLogger("sandbox.settings")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    # Secret for HMACs (token digests, password proofs). Set SANDBOX_SECRET_KEY in shared deployments.
    secret_key: str = DEFAULT_SECRET
    admin_token: str = DEFAULT_ADMIN_TOKEN
    secret_file: str = ""                     # where the installation secret is kept (default var/secret.key)
    token_lifetime_minutes: int = 60          # expires_in of /api/token/take (UNCONFIRMED real value)
    max_failed_logins: int = 5                # lock-out after this many consecutive failures
    lockout_minutes: int = 15
    max_request_bytes: int = 100 * 1024 * 1024  # 4210 off-peak limit; 130 limit UNCONFIRMED
    # stalled connections are closed: headers must arrive within header_timeout_seconds, each part of a
    # body within read_timeout_seconds, and the whole body at min_body_rate bytes/s at least (5081)
    fast_path: bool = True     # submissions and card look-ups answered without connexion (api/fastpath.py)
    # card look-ups answered at once per web process (threads; more only contend for the interpreter
    # lock — measured: 2 gave ≈ 1.4× the look-ups of anyio's 40 on 2 cores; raise it for a remote database)
    lookup_threads: int = 2
    header_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0
    min_body_rate: int = 16 * 1024
    max_decoded_file_bytes: int = 100 * 1024 * 1024
    # "inline": process right after the acknowledgement commit (tests, demo);
    # "background": a worker thread processes the queue (serve);
    # "external": the web processes only acknowledge; `skdt-sandbox worker` processes do the work.
    processing_mode: str = "background"
    # external mode: the web processes may run this much nicer than the workers (os.nice); 0, the default,
    # leaves them equal — the backlog is bounded by admission control below, not by starving the web side.
    web_nice: int = 0
    # admission control: while the oldest acknowledged submission has waited longer than this many seconds
    # for a worker, new submissions are answered 1011 (family 1001, "resend later", as the gateway at its
    # peak) and nothing is stored; 0 switches it off (sandbox/admission.py)
    max_backlog_seconds: float = 120.0
    worker_poll_seconds: float = 0.5
    # PostgreSQL: workers sleep on LISTEN skdt_queue and wake on each acknowledgement's NOTIFY; they look
    # at the table anyway every worker_idle_seconds (storage/queue_signal.py).  listen_url: PostgreSQL
    # itself when DATABASE_URL goes through PgBouncer in transaction mode (LISTEN needs a session).
    worker_idle_seconds: float = 5.0
    listen_url: str = ""
    # False behind PgBouncer older than 1.21 in transaction mode (no server-side prepared statements there)
    pg_prepared_statements: bool = True
    # A claim (DANG_XU_LY) is renewed every heartbeat while its worker works; one not renewed for
    # stale_claim_seconds belongs to a dead worker and is taken over.
    stale_claim_seconds: int = 30
    heartbeat_seconds: float = 5.0
    processing_delay_seconds: float = 0.0     # test hook: hold each claim this long before saving
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
    mcct_per_minute: int = 60                 # co-payment look-ups per account and minute before it is restricted
    page_idle_minutes: int = 30               # portal / province page sessions end after this idle time …
    page_absolute_hours: float = 12.0         # … and this long after login, whatever the activity
    csrf: bool = True                         # page forms carry a CSRF token (sandbox/web/csrf.py)
    access_log: bool = True                   # one line per request on the skdt.access logger (sandbox/access_log.py)
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
        return cls(**values).with_installation_secret()

    def with_installation_secret(self) -> "Settings":
        """No secret configured: a random one, made once per installation and kept under var/ (0600),
        so every process of the installation agrees and nobody can forge its cookies or tokens."""
        if self.secret_key != DEFAULT_SECRET:
            return self
        path = Path(self.secret_file) if self.secret_file else ROOT / "var" / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
            log.warning("SANDBOX_SECRET_KEY not set: generated an installation secret in %s", path)
        return dataclasses.replace(self, secret_key=path.read_text().strip())

    def warnings(self) -> list[str]:
        """Loud warnings about public defaults still in force (printed at start-up)."""
        out = []
        if self.admin_token == DEFAULT_ADMIN_TOKEN:
            out.append("CẢNH BÁO / WARNING: admin token mặc định 'admin-dev-token' đang có hiệu lực — đặt SANDBOX_ADMIN_TOKEN "
                       "(the default admin token is public: set SANDBOX_ADMIN_TOKEN)")
        if self.secret_key == DEFAULT_SECRET:
            out.append("CẢNH BÁO / WARNING: secret mặc định đang có hiệu lực — đặt SANDBOX_SECRET_KEY (default secret in force)")
        return out

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

"""Explain my rejection: request-level refusals kept for the facility they concern, with what the
sandbox saw and what it expected (the token's expiry against the sandbox clock, the caller's
address against the allowlist, the form's maCSKCB against the envelope's MACSKCB …).

A refusal raised with ``facts`` (errors.SandboxError) is kept here when it can be attributed to a
facility: by the authenticated account, or by the username the call named (marked as claimed, not
proven).  Secrets never are: a token or a password hash is described by its shape only.  The
newest ``KEEP`` refusals of a facility are kept.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from .clock import as_utc, vn_text
from .context import Context
from .errors import SandboxError
from .storage.models import Account, Refusal

KEEP = 200
HEX32 = re.compile(r"^[0-9A-Fa-f]{32}$")


def shape(secret: str | None) -> str:
    """How a token or an MD5 looked, without what it was."""
    if not secret:
        return "không gửi (trống)"
    text = secret.strip()
    if HEX32.match(text):
        case = "chữ in hoa" if text == text.upper() else "chữ thường" if text == text.lower() else "lẫn hoa và thường"
        return f"32 ký tự hex, {case}"
    return f"{len(text)} ký tự" + (", có khoảng trắng đầu/cuối" if text != secret else "")


def vn(when) -> str:
    return vn_text(when, seconds=True) + " (giờ Việt Nam)" if when else "—"


def note(ctx: Context, route: str, exc: SandboxError) -> None:
    """Keep a refusal that carries facts, for the facility it concerns (no-op otherwise)."""
    facts = exc.facts or {}
    facility = facts.get("facility") or ""
    username = (facts.get("username") or "")[:100]
    seen = dict(facts.get("seen") or {})
    if not facility and username:
        with ctx.db.read() as s:
            facility = s.scalar(select(Account.facility_code).where(Account.username == username)) or ""
        if facility:
            seen["Tài khoản (khai trong yêu cầu, chưa xác thực)"] = username
    if not facility:
        return
    now = ctx.clock.now()
    with ctx.db.session() as s:
        s.add(Refusal(facility_code=facility, username=username, at=now, route=route[:100],
                      code=exc.code_info.code, message=exc.message_vi,
                      seen={**seen, "Đồng hồ sandbox": vn(now)}, expected=dict(facts.get("expected") or {})))
        s.flush()
        keep_from = s.scalar(select(Refusal.id).where(Refusal.facility_code == facility)
                             .order_by(Refusal.id.desc()).offset(KEEP).limit(1))
        if keep_from is not None:
            s.execute(delete(Refusal).where(Refusal.facility_code == facility, Refusal.id <= keep_from))


def recent(ctx: Context, facility_code: str, limit: int = 50) -> list[dict]:
    with ctx.db.read() as s:
        rows = list(s.scalars(select(Refusal).where(Refusal.facility_code == facility_code)
                              .order_by(Refusal.id.desc()).limit(limit)))
    return [{"thoiGian": as_utc(r.at).isoformat(timespec="seconds"), "taiKhoan": r.username, "chucNang": r.route,
             "maLoi": r.code, "thongDiep": r.message, "sandboxThay": r.seen, "sandboxCho": r.expected} for r in rows]


def certificates(ctx: Context, facility_code: str, scan: int = 200) -> dict:
    """Which certificates the facility's recent signature refusals presented, and which are registered."""
    from .pipeline.findings import Finding
    from .storage.registry import find_certificates
    from .storage.submissions import list_submissions
    now = ctx.clock.now()
    presented: dict[str, dict] = {}
    with ctx.db.read() as s:
        registered = find_certificates(s, facility_code=facility_code)
        for sub in list_submissions(s, facility_code, limit=scan):
            found = list(sub.findings or []) + [f for r in sub.records or [] for f in r.get("findings", [])]
            for f in map(Finding.from_json, found):
                if f.code.startswith("SIG-") and len(f.value) == 64:
                    seen = presented.setdefault(f.value, {"vanTay": f.value, "maLoi": f.code, "moTa": f.message_vi,
                                                          "soLan": 0, "maGiaoDich": sub.id})
                    seen["soLan"] += 1
    known = {c.fingerprint for c in registered}
    return {
        "daTrinh": [{**p, "daDangKy": p["vanTay"] in known} for p in presented.values()],
        "daDangKy": [{"chuThe": c.subject, "vanTay": c.fingerprint, "tuNgay": vn(c.not_before), "denNgay": vn(c.not_after),
                      "trangThai": "đã thu hồi" if c.revoked_at else "hết hạn" if as_utc(c.not_after) < now
                      else "chưa có hiệu lực" if as_utc(c.not_before) > now else "còn hiệu lực"} for c in registered],
    }

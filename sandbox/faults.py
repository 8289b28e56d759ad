"""Named fault profiles of the gateway, so a HIS can be tested on what production does at its worst.

A fault comes from (first match wins):
1. the request header ``X-Sandbox-Fault: <profile>`` — this request only (documented test header);
2. the account's fault profile (admin API / CLI ``skdt-sandbox fault set USERNAME PROFILE``), whose
   counter runs down with each call it hits;
3. the facility's open certification session, which provokes the faults of its negative scenarios.

| profile | hits | what the HIS gets |
|---|---|---|
| ``burst_503`` / ``burst_502`` | submissions | HTTP 503 / 502, nothing stored — must retry with the same content |
| ``slow`` | submissions | the answer after ``SANDBOX_FAULT_SLOW_SECONDS`` (default 120 s); the call *is* accepted |
| ``token_refused`` | submissions | ``4012`` token expired (the token is withdrawn) — must take a new token |
| ``status_lag`` | ketQuaTiepNhan | ``DANG_XU_LY`` for ``SANDBOX_FAULT_LAG_SECONDS`` after receipt |
| ``maintenance`` | every call | HTTP 503, "bảo trì hệ thống" |
| ``peak_1001`` | submissions | ``1001`` file over the peak-hour limit, nothing stored |
| ``reject_once`` | processing | the first HOSO is rejected with ``SBX-001`` — must be resent |
| ``copayment_401`` | co-payment look-ups | HTTP 401, empty body — take a new token and ask again |
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .context import Context
from .exchanges import open_session_ids
from .storage.models import AccountFault, CertificationSession

SUBMISSION = "submission"
RESULT = "result"
ANY = "any"
HEADER = "X-Sandbox-Fault"


@dataclass(frozen=True)
class Profile:
    name: str
    hits: str            # submission | result | any
    default_count: int
    vi: str
    en: str


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("burst_503", SUBMISSION, 2, "HTTP 503 cho các lần gửi tiếp theo", "HTTP 503 for the next submissions"),
    Profile("burst_502", SUBMISSION, 2, "HTTP 502 cho các lần gửi tiếp theo", "HTTP 502 for the next submissions"),
    Profile("slow", SUBMISSION, 1, "trả lời chậm (hồ sơ vẫn được tiếp nhận)", "slow answer (the call is still accepted)"),
    Profile("token_refused", SUBMISSION, 1, "token bị từ chối giữa chừng (4012)", "token refused mid-batch (4012)"),
    Profile("status_lag", RESULT, 3, "kết quả xử lý trả chậm (DANG_XU_LY)", "processing result lags (DANG_XU_LY)"),
    Profile("maintenance", ANY, 3, "bảo trì hệ thống (HTTP 503)", "maintenance window (HTTP 503)"),
    Profile("peak_1001", SUBMISSION, 1, "1001 giờ cao điểm", "1001 at peak hours"),
    Profile("reject_once", "processing", 1, "từ chối có chủ đích một hồ sơ (SBX-001) để kiểm tra việc gửi lại",
            "reject one episode on purpose (SBX-001) to test the resend"),
    Profile("copayment_401", "copayment", 1, "tra cứu cùng chi trả trả HTTP 401 thân rỗng (phiên 10 phút hết hạn)",
            "the co-payment look-up answers HTTP 401 with an empty body (its 10-minute session ended)"),
)}
COPAYMENT = "copayment"


def applies(profile: Profile, operation: str) -> bool:
    return profile.hits == ANY or profile.hits == operation


def is_armed(s, username: str, facility_code: str) -> bool:
    """A fault stored for the account, or an open certification session of the facility (one query)."""
    fault = select(AccountFault.username).where(AccountFault.username == username).exists()
    session = open_session_ids(facility_code).exists()
    return any(s.execute(select(fault, session)).first())


def pending(ctx: Context, username: str, facility_code: str, operation: str, header: str | None,
            armed: bool | None = None) -> str:
    """The fault to inject into this call ("" for none); counters of stored faults run down.
    Reads first and writes only when a fault is armed, so the ordinary call costs one read — or none
    when the caller already knows (``armed``, from the authentication query)."""
    if header:
        name = header.strip()
        return name if name in PROFILES and applies(PROFILES[name], operation) else ""
    if armed is False:
        return ""
    if armed is None:
        with ctx.db.read() as s:
            armed = is_armed(s, username, facility_code)
    if not armed:
        return ""
    with ctx.db.session() as s:
        fault = s.get(AccountFault, username) if username else None
        if fault is not None and fault.profile in PROFILES and applies(PROFILES[fault.profile], operation):
            left = int((fault.state or {}).get("remaining", PROFILES[fault.profile].default_count))
            if left > 0:
                fault.state = {**(fault.state or {}), "remaining": left - 1}
                return fault.profile
        session = s.scalars(select(CertificationSession).where(
            CertificationSession.facility_code == facility_code, CertificationSession.state == "open")).first()
        if session is None:
            return ""
        plan = [dict(p) for p in session.provocations or []]
        for item in plan:
            profile = PROFILES.get(item.get("fault", ""))
            if profile is None or not applies(profile, operation) or item.get("remaining", 0) <= 0:
                continue
            if item.get("wait", 0) > 0:       # let some calls through first ("mid-batch")
                item["wait"] -= 1
                session.provocations = plan
                return ""
            item["remaining"] -= 1
            item["fired"] = item.get("fired", 0) + 1
            session.provocations = plan
            return profile.name
    return ""


def set_account_fault(ctx: Context, username: str, profile: str, count: int | None = None) -> dict:
    from .errors import InvalidInputError, NotFoundError
    from .storage.models import Account
    if profile not in PROFILES:
        raise InvalidInputError(f"fault profile phải là một trong {', '.join(PROFILES)}",
                                f"fault profile must be one of {', '.join(PROFILES)}")
    with ctx.db.session() as s:
        if s.scalars(select(Account).where(Account.username == username)).first() is None:
            raise NotFoundError(f"không có tài khoản {username}", f"no account {username}")
        remaining = PROFILES[profile].default_count if count is None else count
        row = s.get(AccountFault, username)
        if row is None:
            s.add(AccountFault(username=username, profile=profile, state={"remaining": remaining},
                               set_at=ctx.clock.now()))
        else:
            row.profile, row.state, row.set_at = profile, {"remaining": remaining}, ctx.clock.now()
    return {"username": username, "profile": profile, "remaining": remaining}


def clear_account_fault(ctx: Context, username: str) -> None:
    with ctx.db.session() as s:
        row = s.get(AccountFault, username)
        if row is not None:
            s.delete(row)


def list_faults(ctx: Context) -> list[dict]:
    with ctx.db.read() as s:
        return [{"username": f.username, "profile": f.profile, "remaining": (f.state or {}).get("remaining", 0)}
                for f in s.scalars(select(AccountFault).order_by(AccountFault.username))]

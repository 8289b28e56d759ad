"""Account rules of the gateway (QĐ 2733, CV 1923): token issue, token check, lock-out, IP allowlist."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select

from .access_log import note_facility
from .clock import as_utc
from .context import Context
from .errors import AuthenticationError, AuthorisationError
from .result_codes import ResultCode as RC
from . import throttle
from .security import dummy_hash, keyed_digest, new_token_pair, normalise_md5, same, verify_credential
from .exchanges import open_session_ids
from .storage.models import Account, AccountFault, ApiToken, Facility
from .storage.prepared import Prepared
from .storage.registry import get_account
from .explain import shape as explain_shape, vn as explain_vn


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    id_token: str
    username: str
    expires_at: datetime


@dataclass(frozen=True)
class Caller:
    """The authenticated account behind a gateway call.  ``authenticate`` also says, from the same
    query, whether a fault is armed for the account and which certification session of the facility is
    open (``None`` where it was not looked up), so a call needs no further reads for either."""
    account_id: int
    username: str
    facility_code: str
    fault_armed: bool | None = None
    session_id: str | None = None
    token_issued_at: datetime | None = None   # the token's issue and address (the co-payment look-up's session)
    token_ip: str = ""


def ip_allowed(allowed: str, client_ip: str | None) -> bool:
    if not allowed:
        return True
    if not client_ip:
        return False
    try:
        ip = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in allowed.split(",") if net)


@dataclass(frozen=True)
class Standing:
    """What the account rules read of an account and its facility."""
    username: str
    facility_code: str
    active: bool
    facility_status: str
    allowed_ips: str


def _check_standing(who: Standing, client_ip: str | None) -> None:
    def facts(seen: dict, expected: dict) -> dict:
        return {"facility": who.facility_code, "username": who.username, "seen": seen, "expected": expected}
    if not who.active:
        raise AuthorisationError("liên hệ BHXH tỉnh để kích hoạt lại tài khoản",
                                 "ask BHXH tỉnh to re-enable the account", code=RC.ACCOUNT_INACTIVE,
                                 facts=facts({"Trạng thái tài khoản": "ngừng hoạt động"},
                                             {"Trạng thái tài khoản": "đang hoạt động (BHXH tỉnh kích hoạt lại)"}))
    if who.facility_status != "active":
        raise AuthorisationError(f"cơ sở {who.facility_code} đang tạm ngừng; liên hệ Sở Y tế",
                                 f"facility {who.facility_code} is suspended; contact the Sở Y tế",
                                 code=RC.FACILITY_SUSPENDED,
                                 facts=facts({"Trạng thái cơ sở": who.facility_status},
                                             {"Trạng thái cơ sở": "active (Sở Y tế cho hoạt động lại)"}))
    if not ip_allowed(who.allowed_ips, client_ip):
        raise AuthorisationError(f"IP {client_ip} chưa đăng ký (mẫu 01/dk-ip-ctn)",
                                 f"IP {client_ip} is not registered (form 01/dk-ip-ctn)",
                                 code=RC.IP_NOT_ALLOWED,
                                 facts=facts({"Địa chỉ gọi": client_ip or "không xác định"},
                                             {"Địa chỉ đã đăng ký (mẫu 01/dk-ip-ctn)": who.allowed_ips}))


def _locked_error(exc: throttle.Locked) -> AuthenticationError:
    return AuthenticationError(f"đăng nhập sai quá số lần quy định, thử lại sau {exc.wait_vi}",
                               f"too many failed logins, try again in {exc.wait_en}", code=RC.ACCOUNT_LOCKED,
                               page_vi=f"Đăng nhập sai nhiều lần: thử lại sau {exc.wait_vi}")


def check_login(ctx: Context, username: str, password_md5: str, client_ip: str | None) -> Caller:
    """Username + uppercase MD5 of the password, nothing else (the portal, the refusal explanations).
    Failures are counted per client address and per account from that address (throttle.py) before
    refusing; an unknown username is answered exactly like a wrong password, in text and in time."""
    try:
        throttle.check(ctx, "gateway", username, client_ip)
    except throttle.Locked as exc:
        raise _locked_error(exc) from None
    with ctx.db.read() as s:
        account = get_account(s, username)
        stored = account.password_hash if account is not None else dummy_hash(ctx.settings.password_hash_iterations)
        ok = verify_credential(password_md5, stored) and account is not None
        caller = Caller(account.id, account.username, account.facility_code) if ok else None
        facility_code = account.facility_code if account is not None else ""
    if caller is None:
        left = throttle.failed(ctx, "gateway", username, client_ip)
        # kept for the account's own facility only (an unknown username is attributed to no one)
        facts = {"facility": facility_code, "username": username,
                 "seen": {"Địa chỉ gọi": client_ip or "không xác định", "password gửi": explain_shape(password_md5)},
                 "expected": {"password": "MD5 chữ in hoa (32 ký tự hex) của mật khẩu đã đăng ký",
                              "Số lần thử còn lại": str(max(left, 0))}}
        if left <= 0:
            raise AuthenticationError(f"đã sai {throttle.ACCOUNT_LIMIT} lần, khóa {throttle.LOCK_MINUTES} phút",
                                      f"{throttle.ACCOUNT_LIMIT} failures, locked for {throttle.LOCK_MINUTES} minutes",
                                      code=RC.ACCOUNT_LOCKED, facts=facts,
                                      page_vi=f"Sai {throttle.ACCOUNT_LIMIT} lần: tài khoản bị khóa {throttle.LOCK_MINUTES} phút")
        raise AuthenticationError(f"kiểm tra username và MD5 (chữ in hoa) của mật khẩu; còn {left} lần thử",
                                  f"check the username and the uppercase MD5 of the password; {left} tries left",
                                  code=RC.BAD_CREDENTIALS, facts=facts,
                                  page_vi=f"Sai tên đăng nhập hoặc mật khẩu; còn {left} lần thử")
    throttle.succeeded(ctx, "gateway", username, client_ip)
    note_facility(caller.facility_code)
    return caller


def page_account(ctx: Context, username: str, client_ip: str | None) -> tuple[Caller, str]:
    """A portal request's account, its standing checked now as a gateway call's is (disabled account,
    suspended facility, address outside the registered ones: refused with the gateway's codes), and its
    password hash (a changed password ends the page session)."""
    with ctx.db.read() as s:
        row = s.execute(select(Account.id, Account.username, Account.facility_code, Account.active,
                               Account.allowed_ips, Account.password_hash, Facility.status)
                        .join(Facility, Facility.code == Account.facility_code)
                        .where(Account.username == username)).first()
    if row is None:
        raise AuthenticationError("đăng nhập lại", "log in again", code=RC.BAD_CREDENTIALS)
    _check_standing(Standing(row.username, row.facility_code, row.active, row.status, row.allowed_ips), client_ip)
    return Caller(row.id, row.username, row.facility_code), row.password_hash


def take_token(ctx: Context, username: str, password_md5: str, client_ip: str | None) -> IssuedToken:
    """POST /api/token/take: the login (check_login), the account's standing, then a new token."""
    settings = ctx.settings
    caller = check_login(ctx, username, password_md5, client_ip)
    now = ctx.clock.now()
    with ctx.db.session() as s:
        account = s.get(Account, caller.account_id)
        facility = s.get(Facility, account.facility_code)
        _check_standing(Standing(account.username, account.facility_code, account.active, facility.status,
                                 account.allowed_ips), client_ip)
        account.failed_logins = 0
        account.locked_until = None
        access, id_token = new_token_pair()
        expires = now + timedelta(minutes=settings.token_lifetime_minutes)
        s.execute(delete(ApiToken).where(ApiToken.account_id == account.id, ApiToken.expires_at < now))
        s.add(ApiToken(digest=keyed_digest(settings.secret_key, access, id_token), account_id=account.id,
                       password_proof=keyed_digest(settings.secret_key, "pw", normalise_md5(password_md5)),
                       issued_at=now, expires_at=expires, client_ip=(client_ip or "")[:45]))
        return IssuedToken(access, id_token, account.username, expires)


def _token_query():
    """One round trip for a call's token: its account, the account's facility, an armed fault and the
    facility's open certification session (built once; only the digest is bound per call)."""
    open_session = open_session_ids(Account.facility_code).limit(1).scalar_subquery()
    return (select(ApiToken.expires_at, ApiToken.password_proof, Account.id, Account.username, Account.facility_code,
                   Account.active, Account.allowed_ips, Facility.status, AccountFault.username, open_session,
                   ApiToken.issued_at, ApiToken.client_ip)
            .join(Account, Account.id == ApiToken.account_id)
            .join(Facility, Facility.code == Account.facility_code)
            .outerjoin(AccountFault, AccountFault.username == Account.username)
            .where(ApiToken.digest == bindparam("digest")))


TOKEN_QUERY = Prepared(_token_query())   # on the driver: every gateway call reads it


def authenticate(ctx: Context, access_token: str | None, id_token: str | None,
                 password_hash: str | None, client_ip: str | None, conn=None) -> Caller:
    """Check the accessToken / tokenId / passwordHash headers of a gateway call (on ``conn``, a
    lookup connection the caller holds, or one of its own)."""
    if not access_token or not id_token:
        missing = ", ".join(n for n, v in (("accessToken", access_token), ("tokenId", id_token)) if not v)
        raise AuthenticationError(f"thiếu header {missing}; gọi /api/token/take để lấy token",
                                  f"missing header {missing}; call /api/token/take first",
                                  code=RC.TOKEN_MISSING, facts=_token_facts(access_token, id_token))
    settings = ctx.settings
    now = ctx.clock.now()
    digest = keyed_digest(settings.secret_key, access_token, id_token)
    if conn is None:
        row = ctx.db.lookup(lambda own: TOKEN_QUERY.first(own, {"digest": digest}))
    else:
        row = TOKEN_QUERY.first(conn, {"digest": digest})
    if row is None:
        raise AuthenticationError("accessToken/tokenId không do cổng cấp hoặc không khớp nhau",
                                  "accessToken/tokenId were not issued here or do not belong together",
                                  code=RC.TOKEN_INVALID, facts=_token_facts(access_token, id_token))
    (expires_at, proof_stored, account_id, username, facility_code, active, allowed_ips, status, fault_user, session_id,
     issued_at, issued_ip) = row
    if as_utc(expires_at) <= now:
        raise AuthenticationError(f"token hết hạn lúc {as_utc(expires_at):%Y-%m-%d %H:%M} UTC",
                                  f"token expired at {as_utc(expires_at):%Y-%m-%d %H:%M} UTC",
                                  code=RC.TOKEN_EXPIRED, facts={
                                      "facility": facility_code, "username": username,
                                      "seen": {"Token hết hạn lúc": explain_vn(expires_at)},
                                      "expected": {"Thời hạn token": f"{settings.token_lifetime_minutes} phút kể từ khi lấy",
                                                   "Cần làm": "lấy token mới qua /api/token/take trước khi hết hạn"}})
    proof = keyed_digest(settings.secret_key, "pw", normalise_md5(password_hash or ""))
    if not password_hash or not same(proof, proof_stored):
        if throttle.failed(ctx, "password-hash", digest, None) <= 0:   # guessing under a valid token: withdrawn
            withdraw_digest(ctx, digest)
            raise AuthenticationError(f"passwordHash sai {throttle.ACCOUNT_LIMIT} lần: token đã bị thu hồi, lấy token mới",
                                      f"{throttle.ACCOUNT_LIMIT} wrong passwordHash: the token is withdrawn, take a new one",
                                      code=RC.TOKEN_INVALID, facts={"facility": facility_code, "username": username,
                                                                    "seen": {}, "expected": {}})
        raise AuthenticationError("passwordHash phải là MD5 chữ in hoa của mật khẩu đã dùng lấy token",
                                  "passwordHash must be the uppercase MD5 used to take the token",
                                  code=RC.PASSWORD_HASH_MISMATCH, facts={
                                      "facility": facility_code, "username": username,
                                      "seen": {"passwordHash gửi": explain_shape(password_hash)},
                                      "expected": {"passwordHash": "MD5 chữ in hoa của đúng mật khẩu đã dùng để lấy token này"}})
    _check_standing(Standing(username, facility_code, active, status, allowed_ips), client_ip)
    note_facility(facility_code)
    return Caller(account_id, username, facility_code,
                  fault_armed=fault_user is not None or session_id is not None, session_id=session_id,
                  token_issued_at=issued_at, token_ip=issued_ip or "")


def token_alive(ctx: Context, access_token: str | None, id_token: str | None) -> bool:
    """Whether a token pair was issued here and has not expired (the large-body gate; no account rules)."""
    if not access_token or not id_token:
        return False
    digest = keyed_digest(ctx.settings.secret_key, access_token, id_token)
    row = ctx.db.lookup(lambda conn: TOKEN_QUERY.first(conn, {"digest": digest}))
    return row is not None and as_utc(row[0]) > ctx.clock.now()


def _token_facts(access_token: str | None, id_token: str | None) -> dict:
    return {"seen": {"accessToken gửi": explain_shape(access_token), "tokenId gửi": explain_shape(id_token)},
            "expected": {"accessToken, tokenId": "cặp token do /api/token/take trả về (APIKey.access_token, "
                                                  "APIKey.id_token) của cùng một lần lấy token"}}


def withdraw_digest(ctx: Context, digest: str) -> None:
    with ctx.db.session() as s:
        s.execute(delete(ApiToken).where(ApiToken.digest == digest))


def withdraw_token(ctx: Context, access_token: str | None, id_token: str | None) -> None:
    """Forget an issued token (a fault profile refuses it mid-batch; later calls with it get 4013)."""
    if not access_token or not id_token:
        return
    with ctx.db.session() as s:
        token = s.scalars(select(ApiToken).where(
            ApiToken.digest == keyed_digest(ctx.settings.secret_key, access_token, id_token))).first()
        if token is not None:
            s.delete(token)

"""Province users (Sở Y tế, BHXH tỉnh): accounts bound to one province, login with lock-outs like
the gateway's, API tokens, and the one scope rule — a user sees only the facilities of the province."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from sandbox import throttle
from sandbox.context import Context
from sandbox.errors import AuthenticationError, AuthorisationError, ConflictError, InvalidInputError, NotFoundError
from sandbox.reference import units
from sandbox.result_codes import ResultCode as RC
from sandbox.security import dummy_hash, hash_secret, verify_secret
from sandbox.storage.models import Facility, ProvinceUser

ORGANISATIONS = {"SYT": "Sở Y tế", "BHXH": "Bảo hiểm xã hội tỉnh"}
TOKEN_HOURS = 8
REALM = "province"


@dataclass(frozen=True)
class ProvinceCaller:
    username: str
    full_name: str
    organisation: str
    province_code: str

    @property
    def province_name(self) -> str:
        """The province of today's map ('Khánh Hòa'); a province user belongs to one of the 34."""
        name = units.provinces_2025().get(self.province_code, ("", ()))[0]
        return units.short(name) if name else self.province_code

    @property
    def organisation_name(self) -> str:
        return f"{ORGANISATIONS.get(self.organisation, self.organisation)} {self.province_name}"


def _dict(u: ProvinceUser) -> dict:
    return {"username": u.username, "fullName": u.full_name, "organisation": u.organisation,
            "provinceCode": u.province_code, "active": u.active}


def add_user(ctx: Context, username: str, password: str, full_name: str, organisation: str, province_code: str) -> dict:
    username = username.strip()
    if not username or len(username) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in username):
        raise InvalidInputError("tên đăng nhập từ 1 đến 100 ký tự, không có ký tự điều khiển",
                                "username must be 1 to 100 characters, none of them control characters")
    if organisation not in ORGANISATIONS:
        raise InvalidInputError("đơn vị là SYT hoặc BHXH", "organisation must be SYT or BHXH")
    if province_code not in units.provinces_2025():
        now = units.province_after(province_code)
        hint = (f"; {province_code} ({units.short(units.provinces_2024()[province_code])}) thuộc tỉnh {now} "
                f"({units.short(units.provinces_2025()[now][0])}) từ 01/07/2025" if now else "")
        raise InvalidInputError(f"mã tỉnh là một trong 34 tỉnh, thành phố từ 01/07/2025 (56: Khánh Hòa){hint}",
                                f"province code: one of the 34 provinces from 01/07/2025 (56: Khánh Hòa){hint and f'; {province_code} is now part of {now}'}")
    if len(password) < 8:
        raise InvalidInputError("mật khẩu cần tối thiểu 8 ký tự", "password needs at least 8 characters")
    with ctx.db.session() as s:
        if s.get(ProvinceUser, username) is not None:
            raise ConflictError(f"đã có người dùng {username}", f"user {username} exists")
        user = ProvinceUser(username=username, full_name=full_name.strip() or username, organisation=organisation,
                            province_code=province_code, active=True, created_at=ctx.clock.now(),
                            password_hash=hash_secret(password, ctx.settings.password_hash_iterations))
        s.add(user)
        return _dict(user)


def list_users(ctx: Context, province_code: str | None = None) -> list[dict]:
    with ctx.db.read() as s:
        query = select(ProvinceUser).order_by(ProvinceUser.username)
        if province_code:
            query = query.where(ProvinceUser.province_code == province_code)
        return [_dict(u) for u in s.scalars(query)]


def update_user(ctx: Context, username: str, *, active: bool | None = None, password: str | None = None,
                unlock: bool = False) -> dict:
    with ctx.db.session() as s:
        user = s.get(ProvinceUser, username)
        if user is None:
            raise NotFoundError(f"không có người dùng {username}", f"no user {username}")
        if active is not None:
            user.active = active
        if password is not None:
            if len(password) < 8:
                raise InvalidInputError("mật khẩu cần tối thiểu 8 ký tự", "password needs at least 8 characters")
            user.password_hash = hash_secret(password, ctx.settings.password_hash_iterations)
        result = _dict(user)
    if unlock:
        throttle.clear(ctx, REALM, username)
    return result


def login(ctx: Context, username: str, password: str, client_ip: str | None) -> ProvinceCaller:
    """Exact password; unknown users and wrong passwords answer alike (same text, same hashing work)."""
    try:
        throttle.check(ctx, REALM, username, client_ip)
    except throttle.Locked as exc:
        raise AuthenticationError(f"vui lòng thử lại sau {exc.wait_vi}",
                                  f"try again in {exc.wait_en}", code=RC.PROVINCE_LOCKED) from None
    with ctx.db.read() as s:
        user = s.get(ProvinceUser, username)
        stored = user.password_hash if user is not None else dummy_hash(ctx.settings.password_hash_iterations, exact=True)
        ok = verify_secret(password, stored) and user is not None and user.active
        caller = _caller(user) if ok else None
    if caller is None:
        left = throttle.failed(ctx, REALM, username, client_ip)
        if left <= 0:
            raise AuthenticationError(f"vui lòng thử lại sau {throttle.LOCK_MINUTES} phút",
                                      f"try again in {throttle.LOCK_MINUTES} minutes", code=RC.PROVINCE_LOCKED)
        raise AuthenticationError(f"kiểm tra tên đăng nhập và mật khẩu; còn {left} lần thử",
                                  f"check the username and password; {left} tries left", code=RC.PROVINCE_LOGIN_FAILED)
    throttle.succeeded(ctx, REALM, username, client_ip)
    return caller


def _caller(user: ProvinceUser) -> ProvinceCaller:
    return ProvinceCaller(user.username, user.full_name, user.organisation, user.province_code)


def caller(ctx: Context, username: str | None) -> ProvinceCaller:
    """The active user behind a page session or an API token."""
    return page_caller(ctx, username)[0]


def page_caller(ctx: Context, username: str | None) -> tuple[ProvinceCaller, str]:
    """The active user and the password hash a page session's stamp is compared with."""
    with ctx.db.read() as s:
        user = s.get(ProvinceUser, username) if username else None
        if user is None or not user.active:
            raise AuthenticationError("đăng nhập lại", "log in again", code=RC.PROVINCE_SESSION)
        return _caller(user), user.password_hash


def _serializer(ctx: Context) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.settings.secret_key, salt="province-api")


def issue_token(ctx: Context, who: ProvinceCaller) -> str:
    return _serializer(ctx).dumps({"u": who.username})


def from_token(ctx: Context, token: str | None) -> ProvinceCaller:
    try:
        data = _serializer(ctx).loads(token or "", max_age=TOKEN_HOURS * 3600)
    except (BadSignature, SignatureExpired):
        raise AuthenticationError("token không hợp lệ hoặc đã hết hạn", "token invalid or expired",
                                  code=RC.PROVINCE_SESSION) from None
    return caller(ctx, data.get("u") if isinstance(data, dict) else None)


def facility_in_scope(ctx: Context, who: ProvinceCaller, code: str) -> Facility:
    """The facility, when it belongs to the caller's province; refused otherwise."""
    with ctx.db.read() as s:
        facility = s.get(Facility, code)
        if facility is None:
            raise NotFoundError(f"không có cơ sở {code}", f"no facility {code}")
        if facility.province_code != who.province_code:
            raise AuthorisationError(f"cơ sở {code} thuộc tỉnh khác", f"facility {code} is in another province",
                                     code=RC.PROVINCE_SCOPE)
        s.expunge(facility)
        return facility

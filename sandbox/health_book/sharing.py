"""Reception by health book: a short-lived share code (and its QR image) lets a facility account read
the patient's administrative data, card, history, appointment slips and referral papers; every
read is logged and the citizen sees the log (QĐ 2733 Đ6, Đ7; Kon Tum IV.2 b3)."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

from sqlalchemy import select

from .. import throttle
from ..auth import Caller
from ..clock import as_utc
from ..context import Context
from ..errors import AuthorisationError, InvalidInputError, NotFoundError
from ..result_codes import ResultCode as RC
from ..storage.models import BookAccess, Citizen, HealthBookEntry, ShareCode
from . import vneid

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def create(ctx: Context, sess: vneid.Session, owner: str) -> dict:
    vneid.require_passcode(sess)
    vneid.book_gate(ctx, owner)
    code = "".join(secrets.choice(ALPHABET) for _ in range(8))
    now = ctx.clock.now()
    expires = now + timedelta(minutes=ctx.settings.share_code_minutes)
    with ctx.db.session() as s:
        s.add(ShareCode(code=code, personal_id=owner, created_at=now, expires_at=expires))
    return {"maChiaSe": code, "hetHan": expires.isoformat(timespec="seconds"), "qrSvg": qr_svg(code)}


def revoke(ctx: Context, owner: str, code: str) -> dict:
    with ctx.db.session() as s:
        row = s.get(ShareCode, code.upper())
        if row is None or row.personal_id != owner:
            raise NotFoundError("không có mã chia sẻ này", "no such share code")
        row.revoked_at = row.revoked_at or ctx.clock.now()
    return {"maChiaSe": code.upper(), "thuHoi": True}


def active(ctx: Context, owner: str) -> list[dict]:
    """The owner's codes a facility can still use (not expired, not revoked), newest first."""
    now = ctx.clock.now()
    with ctx.db.read() as s:
        rows = list(s.scalars(select(ShareCode).where(ShareCode.personal_id == owner, ShareCode.revoked_at.is_(None),
                                                      ShareCode.expires_at > now).order_by(ShareCode.created_at.desc())))
    return [{"maChiaSe": r.code, "taoLuc": as_utc(r.created_at).isoformat(timespec="seconds"),
             "hetHan": as_utc(r.expires_at).isoformat(timespec="seconds")} for r in rows]


def qr_svg(code: str) -> str:
    import qrcode
    import qrcode.image.svg
    buffer = io.BytesIO()
    qrcode.make(f"SKDT-SHARE:{code}", image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()


def read_by_facility(ctx: Context, caller: Caller, code: str, client_ip: str | None = None) -> dict:
    """What the facility sees at reception; refused once the code expired or was revoked.  Wrong codes are
    counted per account from its address and per address (throttle.py): guessing codes stops for a while,
    and the time left is said."""
    now = ctx.clock.now()
    typed = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if len(typed) != 8 or any(c not in ALPHABET for c in typed):   # said up front, not counted as a guess
        raise InvalidInputError("mã chia sẻ gồm 8 ký tự: chữ in hoa (trừ I, O) và số 2–9, như trên VNeID của người dân",
                                "a share code is 8 characters: capitals without I and O, digits 2–9")
    code = typed
    try:
        throttle.check(ctx, "share-code", caller.username, client_ip)
    except throttle.Locked as exc:
        raise AuthorisationError(f"nhập sai mã chia sẻ nhiều lần: thử lại sau {exc.wait_vi}",
                                 f"too many wrong share codes: try again in {exc.wait_en}",
                                 code=RC.SHARE_CODE_INVALID) from None
    with ctx.db.session() as s:
        row = s.get(ShareCode, (code or "").strip().upper())
        wrong = row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now
    if wrong:
        left = throttle.failed(ctx, "share-code", caller.username, client_ip)
        raise AuthorisationError(f"còn {left} lần thử" if left else f"thử lại sau {throttle.LOCK_MINUTES} phút",
                                 f"{left} tries left" if left else f"try again in {throttle.LOCK_MINUTES} minutes",
                                 code=RC.SHARE_CODE_INVALID)
    with ctx.db.session() as s:
        row = s.get(ShareCode, (code or "").strip().upper())
        owner = row.personal_id
        s.add(BookAccess(personal_id=owner, facility_code=caller.facility_code, username=caller.username,
                         share_code=row.code, accessed_at=now))
        person = s.get(Citizen, owner)
        entries = list(s.scalars(select(HealthBookEntry).where(
            HealthBookEntry.personal_id == owner, HealthBookEntry.is_current.is_(True),
            HealthBookEntry.visible_at <= now).order_by(HealthBookEntry.admitted_at.desc())))
    latest = entries[0].data.get("hanhChinh", {}) if entries else {}
    return {
        "hanhChinh": {"soDinhDanh": person.personal_id, "hoTen": person.full_name, "ngaySinh": person.birth_date,
                      "gioiTinh": person.sex, "diaChi": person.address or latest.get("diaChi", "")},
        "theBhyt": [{"maThe": c["maThe"], "giaTriDen": c["giaTriDen"], "noiDangKyBanDau": c["noiDangKyBanDau"]}
                    for c in vneid.wallet(ctx, owner)],
        "lichSuKcb": [vneid.summary(e) for e in entries],
        "giayHen": [{"maCSKCB": e.facility_code, **e.data["giayHen"]} for e in entries if "giayHen" in e.data],
        "giayChuyenTuyen": [{"maCSKCB": e.facility_code, **e.data["giayChuyenTuyen"]}
                            for e in entries if "giayChuyenTuyen" in e.data],
    }


def access_log(ctx: Context, owner: str) -> list[dict]:
    with ctx.db.read() as s:
        rows = list(s.scalars(select(BookAccess).where(BookAccess.personal_id == owner)
                              .order_by(BookAccess.accessed_at.desc()).limit(200)))
    return [{"maCSKCB": r.facility_code, "taiKhoan": r.username, "thoiGian": as_utc(r.accessed_at).isoformat(timespec="seconds"),
             "maChiaSe": r.share_code} for r in rows]

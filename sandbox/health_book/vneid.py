"""The VNeID simulator's citizen flows (seed plans' annexes 2 and 3, Kon Tum IV.2).

Login → (level 2) → wallet "Thẻ BHYT" → "Thêm thẻ BHYT" → "Gửi yêu cầu"; "Hồ sơ sức khỏe" →
"Sổ sức khỏe điện tử": without a linked card the refusal of annex 3 step 4; with one, the consent
of annex 2 step 4, "Xác nhận", the passcode, "Cập nhật dữ liệu", then the visits by year.
A parent or guardian manages the book of children under 14.  Every function checks that the
session's citizen may see what is asked: one citizen never reads another's book.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, bindparam, func, or_, select, union, union_all

from ..reference import calendar
from ..clock import VN_TZ, as_utc
from ..context import Context
from ..errors import AuthenticationError, AuthorisationError, InvalidInputError, NotFoundError
from ..result_codes import ResultCode as RC
from .. import throttle
from ..security import dummy_hash, hash_secret, keyed_digest, new_token_pair, verify_secret
from ..storage.book_summary import book_summary
from ..storage.prepared import Prepared
from ..storage.types import TZ
from ..storage.models import Card, Citizen, HealthBookEntry, VneidAccount, VneidSession, WalletCard

PASSCODE_MINUTES = 5
CHILD_AGE = 14


@dataclass(frozen=True)
class Session:
    personal_id: str
    passcode_ok: bool


def _today(ctx: Context) -> date:
    return ctx.clock.now().astimezone(VN_TZ).date()


def _age(birth: str, today: date) -> int:
    """Age in whole years; a 00 month/day (year-only births) counts as 1 January."""
    year = int(birth[:4]) if birth[:4].isdigit() else today.year
    month = int(birth[4:6]) if birth[4:6].isdigit() and birth[4:6] != "00" else 1
    dayn = int(birth[6:8]) if birth[6:8].isdigit() and birth[6:8] != "00" else 1
    return today.year - year - (1 if (today.month, today.day) < (month, dayn) else 0)


def create_account(ctx: Context, personal_id: str, password: str, passcode: str) -> None:
    if not (passcode.isdigit() and len(passcode) == 6):
        raise InvalidInputError("passcode gồm 6 chữ số", "the passcode has 6 digits")
    with ctx.db.session() as s:
        if s.get(Citizen, personal_id) is None:
            raise NotFoundError(f"không có công dân {personal_id}", f"no citizen {personal_id}")
        account = s.get(VneidAccount, personal_id) or VneidAccount(personal_id=personal_id, personal_details={})
        account.password_hash = hash_secret(password, ctx.settings.password_hash_iterations)
        account.passcode_hash = hash_secret(passcode, ctx.settings.password_hash_iterations)
        s.merge(account)


def _locked(exc: throttle.Locked) -> AuthenticationError:
    return AuthenticationError(f"vui lòng thử lại sau {exc.wait_vi}", f"try again in {exc.wait_en}",
                               code=RC.VNEID_LOCKED)


def login(ctx: Context, personal_id: str, password: str, client_ip: str | None = None) -> tuple[str, datetime]:
    """Exact password comparison; failures locked out per account and per address (throttle.py)."""
    try:
        throttle.check(ctx, "vneid", personal_id, client_ip)
    except throttle.Locked as exc:
        raise _locked(exc) from None
    with ctx.db.read() as s:
        account = s.get(VneidAccount, personal_id)
        stored = account.password_hash if account is not None else dummy_hash(ctx.settings.password_hash_iterations, exact=True)
        ok = verify_secret(password, stored) and account is not None
    if not ok:
        left = throttle.failed(ctx, "vneid", personal_id, client_ip)
        if left <= 0:
            raise AuthenticationError(f"vui lòng thử lại sau {throttle.LOCK_MINUTES} phút",
                                      f"try again in {throttle.LOCK_MINUTES} minutes", code=RC.VNEID_LOCKED)
        raise AuthenticationError(f"kiểm tra số định danh 12 số và mật khẩu; còn {left} lần thử",
                                  f"check the 12-digit ID and password; {left} tries left", code=RC.VNEID_LOGIN_FAILED)
    throttle.succeeded(ctx, "vneid", personal_id, client_ip)
    token, _ = new_token_pair()
    expires = ctx.clock.now() + timedelta(minutes=ctx.settings.vneid_session_minutes)
    with ctx.db.session() as s:
        s.add(VneidSession(digest=keyed_digest(ctx.settings.secret_key, "vneid", token), personal_id=personal_id,
                           expires_at=expires))
    return token, expires


def session(ctx: Context, token: str | None) -> Session:
    if token:
        digest = keyed_digest(ctx.settings.secret_key, "vneid", token)
        row = ctx.db.lookup(lambda c: _SESSION.first(c, {"digest": digest}))
        now = ctx.clock.now()
        if row is not None and as_utc(row.expires_at) > now:
            ok = row.passcode_until is not None and as_utc(row.passcode_until) > now
            return Session(row.personal_id, ok)
    raise AuthenticationError(code=RC.VNEID_SESSION)


_SESSION = Prepared(select(VneidSession.personal_id, VneidSession.expires_at, VneidSession.passcode_until)
                    .where(VneidSession.digest == bindparam("digest")))   # every call of the app reads it


def logout(ctx: Context, token: str) -> None:
    with ctx.db.session() as s:
        row = s.get(VneidSession, keyed_digest(ctx.settings.secret_key, "vneid", token))
        if row is not None:
            s.delete(row)


def enter_passcode(ctx: Context, token: str, passcode: str, client_ip: str | None = None) -> None:
    sess = session(ctx, token)
    try:
        throttle.check(ctx, "vneid-passcode", sess.personal_id, client_ip)
    except throttle.Locked as exc:
        raise _locked(exc) from None
    with ctx.db.read() as s:
        account = s.get(VneidAccount, sess.personal_id)
    if not verify_secret(passcode or "", account.passcode_hash):
        left = throttle.failed(ctx, "vneid-passcode", sess.personal_id, client_ip)
        if left <= 0:
            raise AuthenticationError(f"vui lòng thử lại sau {throttle.LOCK_MINUTES} phút",
                                      f"try again in {throttle.LOCK_MINUTES} minutes", code=RC.VNEID_LOCKED)
        raise AuthenticationError(f"còn {left} lần thử", f"{left} tries left", code=RC.VNEID_PASSCODE)
    throttle.succeeded(ctx, "vneid-passcode", sess.personal_id, client_ip)
    with ctx.db.session() as s:
        row = s.get(VneidSession, keyed_digest(ctx.settings.secret_key, "vneid", token))
        row.passcode_until = ctx.clock.now() + timedelta(minutes=PASSCODE_MINUTES)


def require_passcode(sess: Session) -> None:
    if not sess.passcode_ok:
        raise AuthenticationError(code=RC.VNEID_PASSCODE_REQUIRED)


def citizen(ctx: Context, personal_id: str) -> dict:
    with ctx.db.read() as s:
        c = s.get(Citizen, personal_id)
        account = s.get(VneidAccount, personal_id)
    return {"soDinhDanh": c.personal_id, "hoTen": c.full_name, "ngaySinh": c.birth_date, "gioiTinh": c.sex,
            "mucDinhDanh": c.vneid_level, "thongTinCaNhan": (account.personal_details if account else {}) or {}}


def subject(ctx: Context, sess: Session, for_id: str | None) -> str:
    """Whose book: the citizen's own, or a child under 14 whose guardian is the citizen."""
    if not for_id or for_id == sess.personal_id:
        return sess.personal_id
    with ctx.db.read() as s:
        child = s.get(Citizen, for_id)
    if child is None or child.guardian_id != sess.personal_id or _age(child.birth_date, _today(ctx)) >= CHILD_AGE:
        raise AuthorisationError(code=RC.VNEID_NOT_DEPENDANT)
    return for_id


def dependants(ctx: Context, personal_id: str) -> list[dict]:
    today = _today(ctx)
    with ctx.db.read() as s:
        rows = list(s.scalars(select(Citizen).where(Citizen.guardian_id == personal_id)))
    return [{"soDinhDanh": c.personal_id, "hoTen": c.full_name, "ngaySinh": c.birth_date}
            for c in rows if _age(c.birth_date, today) < CHILD_AGE]


# --- wallet --------------------------------------------------------------------------------------
def wallet(ctx: Context, personal_id: str) -> list[dict]:
    with ctx.db.read() as s:
        rows = s.execute(select(WalletCard, Card).join(Card, Card.number == WalletCard.card_number)
                         .where(WalletCard.personal_id == personal_id)).all()
    return [{"maThe": card.number, "maSoBhxh": card.bhxh_number, "hoTen": card.full_name,
             "giaTriTu": card.valid_from, "giaTriDen": card.valid_to, "noiDangKyBanDau": card.ma_dkbd} for _, card in rows]


def link_card(ctx: Context, sess: Session, owner: str, key: str) -> dict:
    """"Thêm thẻ BHYT" → "Gửi yêu cầu": by 10-digit BHXH number or 15-character card code."""
    require_passcode(sess)
    key = (key or "").strip().upper()
    if not (len(key) == 10 and key.isdigit()) and not (len(key) == 15 and key[:2].isalpha() and key[2:].isdigit()):
        raise InvalidInputError("nhập mã số BHXH 10 số hoặc mã thẻ 15 ký tự", "enter the 10-digit BHXH number or the 15-character card")
    today = _today(ctx).strftime("%Y%m%d")
    with ctx.db.session() as s:
        if len(key) == 15:
            card = s.get(Card, key)
        else:
            card = s.scalar(select(Card).where(Card.bhxh_number == key, Card.replaced_by == "").order_by(Card.valid_to.desc()))
        if card is None:
            raise NotFoundError(code=RC.VNEID_CARD_NOT_FOUND)
        person = s.get(Citizen, owner)
        mine = card.personal_id == owner or (not card.personal_id and card.full_name.casefold() == person.full_name.casefold()
                                             and card.birth_date == person.birth_date)
        if not mine:
            raise AuthorisationError(code=RC.VNEID_CARD_NOT_OWNER)
        if card.status != "active" or card.valid_to < today or card.replaced_by:
            raise AuthorisationError("thẻ hết hạn, đã thu hồi, báo giảm hoặc đã đổi thẻ mới",
                                     "card expired, withdrawn, reduced or replaced", code=RC.VNEID_CARD_INVALID)
        if s.scalar(select(WalletCard).where(WalletCard.personal_id == owner, WalletCard.card_number == card.number)) is None:
            s.add(WalletCard(personal_id=owner, card_number=card.number, linked_at=ctx.clock.now()))
    return {"maThe": card.number, "thongBao": "Tích hợp thẻ BHYT vào ví giấy tờ thành công"}


# --- health book ---------------------------------------------------------------------------------
def book_gate(ctx: Context, owner: str) -> None:
    """The refusals before the book opens: level 2, consent given, and — until QĐ 31/QĐ-BYT put every
    patient in the Sổ SKĐT (01/01/2026) — a card in the wallet."""
    row = ctx.db.lookup(lambda c: _GATE.first(c, {"owner": owner}))   # one statement, read every call
    if row is None:
        raise AuthorisationError(code=RC.VNEID_LEVEL)
    level, guardian_id, guardian_level, own_consent, guardian_consent, has_card = row
    if guardian_id and guardian_level is not None:   # a child's book follows the guardian's account
        level = guardian_level
    if level < 2:
        raise AuthorisationError(code=RC.VNEID_LEVEL)
    if has_card is None and not calendar.is_in_force("QD31-2026", _today(ctx)):   # QĐ 31: insured or not, from 2026
        raise AuthorisationError(code=RC.VNEID_NO_CARD)
    if (guardian_consent if guardian_id else own_consent) is None:
        raise AuthorisationError(code=RC.VNEID_CONSENT)


def _gate_statement():
    """The citizen's level and consent, the guardian's when a child, and whether a card is in the wallet."""
    from sqlalchemy.orm import aliased
    guardian, own, theirs = aliased(Citizen), aliased(VneidAccount), aliased(VneidAccount)
    owner = bindparam("owner")
    card = select(WalletCard.id).where(WalletCard.personal_id == owner).limit(1).scalar_subquery()
    return (select(Citizen.vneid_level, Citizen.guardian_id, guardian.vneid_level, own.book_consent_at,
                   theirs.book_consent_at, card)
            .select_from(Citizen).outerjoin(guardian, guardian.personal_id == Citizen.guardian_id)
            .outerjoin(own, own.personal_id == Citizen.personal_id)
            .outerjoin(theirs, theirs.personal_id == Citizen.guardian_id)
            .where(Citizen.personal_id == owner))


_GATE = Prepared(_gate_statement())


def consent(ctx: Context, sess: Session) -> dict:
    """"Xác nhận" then the passcode (annex 2 steps 4–5)."""
    require_passcode(sess)
    with ctx.db.session() as s:
        s.get(VneidAccount, sess.personal_id).book_consent_at = ctx.clock.now()
    return {"thongBao": "Hệ thống tiếp nhận thông tin và xử lý yêu cầu tích hợp thông tin khám chữa bệnh. "
                        "Nhấn \"Cập nhật dữ liệu\"."}


def refresh(ctx: Context, sess: Session, owner: str) -> dict:
    """"Cập nhật dữ liệu" (annex 2 step 6)."""
    book_gate(ctx, owner)
    with ctx.db.session() as s:
        s.get(VneidAccount, sess.personal_id).book_refreshed_at = ctx.clock.now()
    return {"thongBao": "Đã cập nhật dữ liệu", "soLuotKham": len(visits(ctx, owner, None)["luotKham"])}


def _owned(owner: str, cards: list[str]):
    clause = [HealthBookEntry.personal_id == owner]
    if cards:
        clause.append(HealthBookEntry.card_number.in_(cards))
    return or_(*clause)


def _cards(s, owner: str) -> list[str]:
    return list(s.scalars(select(WalletCard.card_number).where(WalletCard.personal_id == owner)))


def visits(ctx: Context, owner: str, year: int | None) -> dict:
    """Visible visits of one year (default: the latest year with visits), with the years available.
    Three statements on a lookup connection, each run on the driver (Prepared): the wallet's cards, the
    years, then the year's summaries (the column written with each entry, storage/book_summary.py): an
    entry's whole document (drugs, services, results) is neither read nor parsed here."""
    values = {"owner": owner, "now": ctx.clock.now()}

    def read(conn):
        cards = [row[0] for row in _WALLET.all(conn, values)]
        values.update((f"card{i}", card) for i, card in enumerate(cards))
        years = sorted({row[0] for row in book_statement("years", len(cards)).all(conn, values)}, reverse=True)
        chosen = year if year is not None else (years[0] if years else _today(ctx).year)
        return chosen, years, book_statement("year", len(cards)).all(conn, {**values, "year": chosen})
    chosen, years, found = ctx.db.lookup(read)
    rows = sorted({r.id: r for r in found}.values(), key=lambda r: (r.admitted_at, r.id), reverse=True)
    return {"nam": chosen, "cacNam": years, "luotKham": [
        {"id": r.id, "maCSKCB": r.facility_code, "ngayVao": r.admitted_at, **_BLANK, **r.summary} for r in rows]}


_BLANK = book_summary({})     # every field shown, for a row written without its summary (the column's default {})
SUMMARY = (HealthBookEntry.id, HealthBookEntry.facility_code, HealthBookEntry.admitted_at, HealthBookEntry.summary)
_WALLET = Prepared(select(WalletCard.card_number).where(WalletCard.personal_id == bindparam("owner")))
_BOOK: dict[tuple[str, int], Prepared] = {}


def book_statement(what: str, cards: int) -> Prepared:
    """The years of a book ("years") or one year's summaries ("year") of an owner with ``cards`` cards in the
    wallet (bound as card0, card1, …). An entry is the owner's by their ID or by one of those cards: one UNION
    of indexed reads (ix_book_owner_year, then ix_book_card_year once per card). An OR made SQLite scan every
    entry of the province; a join to the wallet made PostgreSQL hash the whole table (a card column mostly
    empty gives a joined card an estimate of thousands of rows) — the cards themselves, bound, are estimated
    right."""
    key = (what, cards)
    if key not in _BOOK:
        columns = (HealthBookEntry.year,) if what == "years" else SUMMARY
        # visible_at inside coalesce(): a term no index serves. Bare, SQLite took the province board's index
        # (facility, visible_at) for the card branch — every visible entry of the province, 1.1 s a read at
        # 1 M entries — whenever its statistics made a card look common (many entries without one).
        visible = func.coalesce(HealthBookEntry.visible_at, HealthBookEntry.visible_at) <= bindparam("now", type_=TZ)
        shown = [HealthBookEntry.is_current.is_(True), visible]
        if what == "year":
            shown.append(HealthBookEntry.year == bindparam("year"))
        ways = [select(*columns).where(HealthBookEntry.personal_id == bindparam("owner"), *shown)]
        ways += [select(*columns).where(HealthBookEntry.card_number == bindparam(f"card{i}", type_=String()), *shown)
                 for i in range(cards)]     # one equality per card: an IN of two looked like half the table
        # an entry found more than one way is shown once: UNION for the years; the summaries (JSON, which
        # PostgreSQL cannot compare) by their id in visits()
        _BOOK[key] = Prepared(ways[0] if not cards else (union if what == "years" else union_all)(*ways))
    return _BOOK[key]


def summary(e: HealthBookEntry) -> dict:
    return {"id": e.id, "maCSKCB": e.facility_code, "ngayVao": e.admitted_at, **book_summary(e.data)}


def visit(ctx: Context, owner: str, entry_id: int) -> dict:
    now = ctx.clock.now()
    with ctx.db.read() as s:
        e = s.scalar(select(HealthBookEntry).where(HealthBookEntry.id == entry_id, _owned(owner, _cards(s, owner)),
                                                   HealthBookEntry.is_current.is_(True), HealthBookEntry.visible_at <= now))
    if e is None:  # another citizen's entry, not yet visible, or replaced: all look the same
        raise NotFoundError("không có lượt khám này trong sổ", "no such visit in this book")
    return {"id": e.id, "maCSKCB": e.facility_code, "maLk": e.ma_lk, **e.data}


def open_book(ctx: Context, sess: Session, for_id: str | None) -> str:
    """Whose book (own or a dependant's), after the gate; the owner's personal ID."""
    owner = subject(ctx, sess, for_id)
    book_gate(ctx, owner)
    return owner


def open_visit(ctx: Context, sess: Session, for_id: str | None, entry_id: int) -> dict:
    return visit(ctx, open_book(ctx, sess, for_id), entry_id)


EDITABLE = {"dienThoai": "Số điện thoại", "diaChi": "Địa chỉ liên hệ", "nhomMau": "Nhóm máu", "diUng": "Dị ứng",
            "benhManTinh": "Bệnh mạn tính"}


def update_details(ctx: Context, owner: str, details: dict) -> dict:
    allowed = set(EDITABLE)
    unknown = set(details) - allowed
    if unknown:
        raise InvalidInputError(f"chỉ sửa được {', '.join(sorted(allowed))}", f"only {sorted(allowed)} can be changed")
    details = {k: _checked_detail(k, str(v).strip()) for k, v in details.items()}
    with ctx.db.session() as s:
        account = s.get(VneidAccount, owner)
        if account is None:
            raise NotFoundError("chưa có tài khoản VNeID", "no VNeID account")
        account.personal_details = {**(account.personal_details or {}), **details}
        return dict(account.personal_details)


BLOOD_GROUPS = ("A", "B", "AB", "O")


def _checked_detail(key: str, value: str) -> str:
    """A detail the citizen types, checked before anything is kept: a Vietnamese phone number (0… or +84…,
    10–11 digits), a blood group (A, B, AB, O with Rh + or −), other texts printable and at most 500 characters."""
    if any(ord(c) < 32 for c in value) or len(value) > 500:
        raise InvalidInputError(f"{EDITABLE[key]}: tối đa 500 ký tự, không có ký tự điều khiển",
                                f"{key}: at most 500 printable characters")
    if not value:
        return ""
    if key == "dienThoai":
        digits = re.sub(r"[\s.\-()]", "", value)
        digits = "0" + digits[3:] if digits.startswith("+84") else digits
        if not re.fullmatch(r"0\d{9,10}", digits):
            raise InvalidInputError("Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (hoặc +84)",
                                    "a phone number has 10 or 11 digits starting with 0 (or +84)")
        return digits
    if key == "nhomMau":
        group = value.upper().replace(" ", "").replace("RH", "").replace("−", "-")
        base, rh = group.rstrip("+-"), group[len(group.rstrip("+-")):]
        if base not in BLOOD_GROUPS or rh not in ("", "+", "-"):
            raise InvalidInputError("Nhóm máu là A, B, AB hoặc O, có thể kèm Rh + hoặc −",
                                    "a blood group is A, B, AB or O, optionally with Rh + or -")
        return base + rh
    return value


"""The BHYT card check (KQNhanLichSuKCB2024): every result code from the card registry,
the card's fields, the visit history from accepted episodes, and the log of checks.

Precedence when several things are wrong (UNCONFIRMED, the official order is not published):
the card number's own format (051 object code, 052 province, 053 benefit level — decided from the
number alone, before any registry look-up) → lookup officer (054, 055) → card found (050, 130)
→ name (060, 061) → birth date (070) → registry faults (test cards: 100, 101, 500) → withdrawn (110)
→ reduced (120–124) → replaced (003, 004) → BQP/BCA (001, 002) → expired (010) → 000.

``ngaySinh`` is accepted as ``ddMMyyyy`` (the official example, "05031994"), ``dd/MM/yyyy``, ``MM/yyyy`` or ``yyyy``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, or_, select

from .auth import Caller
from .clock import VN_TZ, as_utc
from .context import Context
from .reference import calendar, units
from .result_codes import CARD_CODES
from .storage import people
from .storage.models import Episode
from .storage.prepared import Prepared, Record

BIRTH = re.compile(r"^(?:(\d{2})/(\d{2})/(\d{4})|(\d{2})(\d{2})(\d{4})|(\d{4})|(\d{2})/(\d{4}))$")
REDUCTION_CODE = {"moved_province": "121", "moved_within": "122", "reincreased": "123", "stopped": "124"}


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _plain(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", normalise_name(name)) if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class CheckRequest:
    ma_the: str
    ho_ten: str
    ngay_sinh: str
    ho_ten_cb: str
    cccd_cb: str


def parameter_problems(req: CheckRequest) -> list[str]:
    problems = []
    if not re.fullmatch(r"[A-Z]{2}\d{13}|\d{10}|\d{12}", req.ma_the):
        problems.append("maThe: mã thẻ 15 ký tự, mã số BHXH 10 số hoặc số định danh 12 số")
    if not req.ho_ten.strip():
        problems.append("hoTen: bắt buộc")
    if not BIRTH.match(req.ngay_sinh):
        problems.append("ngaySinh: ddMMyyyy, dd/MM/yyyy, MM/yyyy hoặc yyyy")
    if not req.ho_ten_cb.strip():
        problems.append("hoTenCb: bắt buộc")
    if not re.fullmatch(r"\d{12}", req.cccd_cb):
        problems.append("cccdCb: 12 chữ số")
    return problems


def _birth_matches(given: str, stored: str) -> bool:
    m = BIRTH.match(given)
    if m.group(7):
        return stored[:4] == m.group(7)
    if m.group(8):   # MM/yyyy (Lskcb2025 and the co-payment look-up accept it)
        return stored[:6] == f"{m.group(9)}{m.group(8)}"
    dd, mm, yyyy = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return stored == f"{yyyy}{mm}{dd}" or (stored[4:] == "0000" and stored[:4] == yyyy)


def format_code(number: str, today: date) -> str | None:
    """051 / 052 / 053 from a 15-character card number alone (QĐ 1351/QĐ-BHXH structure):
    object code (chars 1–2), province (chars 4–5), benefit level (char 3)."""
    from .reference.codelists import BENEFIT_LEVELS, CARD_OBJECTS, provinces
    if len(number) != 15:
        return None
    if not CARD_OBJECTS.valid(number[:2], today):
        return "051"
    if number[3:5] not in provinces().codes_on(today) and number[3:5] not in ("97", "98"):
        return "052"
    if not BENEFIT_LEVELS.valid(number[2], today):
        return "053"
    return None


def _dmy(value: str) -> str:
    if len(value) != 8:
        return value
    return f"{value[6:8]}/{value[4:6]}/{value[:4]}" if value[4:] != "0000" else value[:4]


def _decide(conn, req: CheckRequest, caller: Caller, today: date) -> tuple[str, Record | None, Record | None]:
    wrong_format = format_code(req.ma_the, today)
    if wrong_format:
        return wrong_format, None, None
    officer, card = people.officer_and_card(conn, caller.facility_code, req.cccd_cb, req.ma_the)
    if officer is None or not officer.officer_can_lookup:
        return "054", None, None
    if normalise_name(officer.officer_name) != normalise_name(req.ho_ten_cb):
        return "055", None, None
    if card is None:
        if len(req.ma_the) == 12:
            birth = people.citizen_birth_date(conn, req.ma_the)
            if birth is not None and birth[:4].isdigit() and today.year - int(birth[:4]) < 6:
                return "130", None, None
        if len(req.ma_the) == 15:  # well-formed, but the BHXH number's card says otherwise
            for other in people.cards_by_bhxh(conn, req.ma_the[5:]):
                if other.number[:2] != req.ma_the[:2]:
                    return "051", other, None
                if other.number[3:5] != req.ma_the[3:5]:
                    return "052", other, None
                if other.number[2] != req.ma_the[2]:
                    return "053", other, None
        return "050", None, None
    if normalise_name(card.full_name) != normalise_name(req.ho_ten):
        same_first = _plain(card.full_name)[:1] == _plain(req.ho_ten)[:1]
        return ("061" if same_first else "060"), card, None
    if not _birth_matches(req.ngay_sinh, card.birth_date):
        return "070", card, None
    if card.simulate in ("100", "101", "500"):
        return card.simulate, card, None
    if card.status == "withdrawn":
        return "110", card, None
    if card.status == "reduced":
        return REDUCTION_CODE.get(card.reduction, "120"), card, None
    expired = card.valid_to < today.strftime("%Y%m%d")
    if card.replaced_by:
        new = people.card_by_number(conn, card.replaced_by)
        return ("003" if expired else "004"), card, new
    if card.manager in ("BQP", "BCA"):
        return ("001" if card.manager == "BQP" else "002"), card, None
    if expired:
        return "010", card, None
    return "000", card, None


HISTORY_COLUMNS = (Episode.ma_lk, Episode.facility_code, Episode.admitted_at, Episode.discharged_at, Episode.facts)


def _history_statement(by_personal_id: bool, limit: int = 50):
    keys = [Episode.bhxh_number == bindparam("bhxh")]
    if by_personal_id:
        keys.append(Episode.personal_id == bindparam("personal_id"))
    return (select(*HISTORY_COLUMNS).where(Episode.is_current.is_(True), or_(*keys))
            .order_by(Episode.admitted_at.desc()).limit(limit))


HISTORY = {by_id: Prepared(_history_statement(by_id)) for by_id in (False, True)}


def _history_key(card) -> tuple[bool, dict]:
    """Accepted episodes of any card of the person (by the indexed BHXH number, not LIKE '%…') or of
    the person's personal ID: which statement, and its values."""
    if card.personal_id:
        return True, {"bhxh": card.bhxh_number, "personal_id": card.personal_id}
    return False, {"bhxh": card.bhxh_number}


def history_query(card):
    """The history statement with the card's values bound (what EXPLAIN is asked about)."""
    by_id, values = _history_key(card)
    return HISTORY[by_id].statement.params(**values)


def _history(conn, card) -> list[dict]:
    by_id, values = _history_key(card)
    rows = HISTORY[by_id].all(conn, values)
    return [{"maHoSo": ma_lk, "maCSKCB": facility, "ngayVao": admitted, "ngayRa": discharged,
             "tenBenh": facts.get("CHAN_DOAN_RV", ""), "tinhTrang": facts.get("MA_LOAI_RV", ""),
             "kqDieuTri": facts.get("KET_QUA_DTRI", ""), "lyDoVV": facts.get("LY_DO_VV", ""),
             "TEMP1": "", "TEMP2": "", "TEMP3": "", "TEMP4": "", "TEMP5": ""}
            for ma_lk, facility, admitted, discharged, facts in rows]


def _check_entry(username: str, checked_at, message: str, code: str) -> dict:
    return {"userKT": username, "thoiGianKT": as_utc(checked_at).astimezone(VN_TZ).strftime("%Y%m%d%H%M"),
            "thongBao": message, "maLoi": code}


IDENTIFIED = frozenset({"000", "001", "002", "003", "004", "010"})   # the card and its holder agree: history given


def history_split(today: date) -> bool:
    """CV 2746/BHXH-CNTT (regulation calendar): the card check answers dsLichSuKCB2018 null, the history
    comes from Lskcb2025."""
    return calendar.is_in_force("CV2746", today)


def history_2025(ctx: Context, caller: Caller, req: CheckRequest, conn) -> dict:
    """POST /api/egw/Lskcb2025: the visit history as the card check used to give it — the same card
    decision (its maKetQua codes) and, for a card found, the accepted episodes of the person."""
    today = ctx.clock.now().astimezone(VN_TZ).date()
    code, card, _ = _decide(conn, req, caller, today)
    info = CARD_CODES[code]
    history = _history(conn, card) if code in IDENTIFIED else None
    return {"maKetQua": code, "ghiChu": info.vi, "ghiChuEn": info.en, "dsLichSuKCB2025": history}


def check(ctx: Context, caller: Caller, req: CheckRequest, conn) -> dict:
    """Decide, read the history and the card's earlier checks, then log this check — each statement
    on its own on the lookup connection ``conn`` (Database.lookup: the log line is committed without
    waiting for the disk; it is a log, not acknowledged data).  No write lock is held while reading."""
    now = ctx.clock.now()
    today = now.astimezone(VN_TZ).date()
    code, card, new = _decide(conn, req, caller, today)
    info = CARD_CODES[code]
    logged = card.number if card is not None else req.ma_the
    body = {"maKetQua": code, "ghiChu": info.vi, "ghiChuEn": info.en, "maThe": req.ma_the}
    if card is not None and code not in ("051", "052", "053"):
        body.update({
            "maThe": card.number, "hoTen": card.full_name, "ngaySinh": _dmy(card.birth_date),
            "gioiTinh": "Nam" if card.sex == 1 else "Nữ", "diaChi": units.address_on(card.address, today),
            "maDKBD": card.ma_dkbd, "cqBHXH": units.office_on(card.issuer, today), "gtTheTu": _dmy(card.valid_from), "gtTheDen": _dmy(card.valid_to),
            "maKV": card.area, "ngayDu5Nam": _dmy(card.five_years_from), "maSoBHXH": card.bhxh_number,
            "maTheCu": card.number if new else "", "maTheMoi": new.number if new else "",
            "gtTheTuMoi": _dmy(new.valid_from) if new else "", "gtTheDenMoi": _dmy(new.valid_to) if new else "",
            "maDKBDMoi": new.ma_dkbd if new else "", "tenDKBDMoi": "",
            "dsLichSuKCB2018": None if history_split(today) else _history(conn, card)})
    earlier = people.log_check(conn, logged, caller.facility_code, caller.username, now, code, info.vi)
    body["dsLichSuKT2018"] = [_check_entry(caller.username, now, info.vi, code),
                              *(_check_entry(*c) for c in earlier)]
    return body

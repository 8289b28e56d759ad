"""Repositories of the people registries: staff and departments per facility, citizens, BHYT cards,
card checks; loading them from CSV/JSON rows; the snapshot the rules read."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, insert, literal, select
from sqlalchemy.orm import Session

from ..context import Context
from ..errors import InvalidInputError
from .models import Card, CardCheck, Citizen, Department, Facility, Staff
from .prepared import Prepared, Record

KINDS = ("staff", "departments", "citizens", "cards")
DATE8 = re.compile(r"^\d{4}(\d{4})$")
FIELDS = {
    "staff": ("facility_code", "personal_id", "full_name", "practitioner_code", "can_lookup"),
    "departments": ("facility_code", "code", "name"),
    "citizens": ("personal_id", "full_name", "birth_date", "sex", "address", "phone", "guardian_id", "vneid_level",
                 "district_code", "commune"),
    "cards": ("number", "personal_id", "full_name", "birth_date", "sex", "address", "ma_dkbd", "issuer", "valid_from",
              "valid_to", "area", "five_years_from", "status", "reduction", "replaced_by", "manager", "simulate"),
}
REQUIRED = {"staff": ("facility_code", "personal_id", "full_name"), "departments": ("facility_code", "code"),
            "citizens": ("personal_id", "full_name", "birth_date", "sex"),
            "cards": ("number", "full_name", "birth_date", "sex", "valid_from", "valid_to")}


@dataclass(frozen=True)
class RegistrySnapshot:
    facilities: dict[str, str]
    staff: frozenset[str]
    departments: frozenset[str]


def registry_snapshot(ctx: Context, facility_code: str, s=None) -> RegistrySnapshot:
    """The facility's status, practitioners and departments; in the caller's session ``s`` if given."""
    if s is None:
        with ctx.db.read() as own:
            return registry_snapshot(ctx, facility_code, own)
    status = s.scalar(select(Facility.status).where(Facility.code == facility_code))
    staff = {code for codes in s.scalars(select(Staff.practitioner_code).where(Staff.facility_code == facility_code))
             for code in codes.split(";") if code}
    depts = set(s.scalars(select(Department.code).where(Department.facility_code == facility_code)))
    return RegistrySnapshot({facility_code: status} if status else {}, frozenset(staff), frozenset(depts))


def parse_rows(kind: str, data: bytes | str, filename: str = "") -> list[dict]:
    """Rows from CSV (header line with the field names) or JSON (a list of objects)."""
    if kind not in KINDS:
        raise InvalidInputError(f"loại danh mục phải là một trong {', '.join(KINDS)}", f"kind must be one of {KINDS}")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"tệp không phải UTF-8 (byte {exc.start})", f"file is not UTF-8 (byte {exc.start})") from None
    if filename.endswith(".json") or text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InvalidInputError("JSON không hợp lệ", f"invalid JSON: {type(exc).__name__}") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InvalidInputError("JSON phải là danh sách đối tượng", "JSON must be a list of objects")
    else:
        try:
            rows = list(csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InvalidInputError(f"CSV không hợp lệ: {exc}", f"invalid CSV: {exc}") from None
    return normalise_rows(rows)


def normalise_rows(rows: list[dict]) -> list[dict]:
    """Every value as a stripped string, as a CSV file would give it."""
    return [{k: ("" if v is None else str(v)).strip() for k, v in r.items()} for r in rows]


def _validate(kind: str, i: int, row: dict) -> dict:
    missing = [f for f in REQUIRED[kind] if not row.get(f)]
    if missing:
        raise InvalidInputError(f"dòng {i}: thiếu {', '.join(missing)}", f"row {i}: missing {', '.join(missing)}")
    unknown = set(row) - set(FIELDS[kind])
    if unknown:
        raise InvalidInputError(f"dòng {i}: cột lạ {', '.join(sorted(unknown))}", f"row {i}: unknown {sorted(unknown)}")
    pid = row.get("personal_id", "")
    if pid and not re.fullmatch(r"\d{12}", pid):
        raise InvalidInputError(f"dòng {i}: số định danh phải có 12 chữ số", f"row {i}: personal_id must be 12 digits")
    if kind == "cards" and not re.fullmatch(r"[A-Z]{2}[1-5]\d{12}", row["number"]):
        raise InvalidInputError(f"dòng {i}: mã thẻ {row['number']} sai cấu trúc 15 ký tự",
                                f"row {i}: card {row['number']} is not a 15-character card")
    for name in ("birth_date", "valid_from", "valid_to", "five_years_from"):
        if row.get(name) and not DATE8.match(row[name]):
            raise InvalidInputError(f"dòng {i}: {name} dạng yyyyMMdd", f"row {i}: {name} must be yyyyMMdd")
    out = dict(row)
    for name in ("sex", "vneid_level"):
        if name in out:
            out[name] = int(out[name] or (2 if name == "vneid_level" else 0))
    if "can_lookup" in out:
        out["can_lookup"] = out["can_lookup"].lower() not in ("0", "false", "no", "khong", "")
    if kind == "cards":
        out["bhxh_number"] = row["number"][5:]
    return out


MODELS = {"staff": Staff, "departments": Department, "citizens": Citizen, "cards": Card}
KEYS = {"staff": ("facility_code", "personal_id"), "departments": ("facility_code", "code"),
        "citizens": ("personal_id",), "cards": ("number",)}


def load(s: Session, kind: str, rows: list[dict]) -> int:
    """Insert or update every row (all or nothing: a bad row refuses the whole file)."""
    model = MODELS[kind]
    clean = [_validate(kind, i, r) for i, r in enumerate(rows, start=2 if rows else 1)]
    for row in clean:
        if "facility_code" in row and s.get(Facility, row["facility_code"]) is None:
            raise InvalidInputError(f"cơ sở {row['facility_code']} chưa có", f"facility {row['facility_code']} unknown")
        where = [getattr(model, k) == row[k] for k in KEYS[kind]]
        existing = s.scalar(select(model).where(*where))
        if existing is None:
            s.add(model(**row))
        else:
            for k, v in row.items():
                setattr(existing, k, v)
        s.flush()
    return len(clean)


# The card check's reads and its log, as Core statements built once (only values are bound per call):
# the reception peak runs them for every look-up, and building ORM statements cost more than the reads.
# They run on the driver (prepared.py): SQLAlchemy's execution machinery cost twice the driver's time.
CARD = Card.__table__
CARD_QUERY = Prepared(select(CARD).where(CARD.c.number == bindparam("key")))
CARDS_BY_BHXH = Prepared(select(CARD).where(CARD.c.bhxh_number == bindparam("key")).order_by(CARD.c.valid_to.desc()))


def _officer_and_cards(column: str):
    """The officer (facility, personal ID) and the cards whose ``column`` is the key, in one row set:
    a one-row source outer-joined to both, so that a missing officer or a missing card is a row of
    NULLs, not no row."""
    one = select(literal(1).label("one")).subquery()
    officer = and_(Staff.facility_code == bindparam("facility"), Staff.personal_id == bindparam("personal_id"))
    return (select(Staff.full_name.label("officer_name"), Staff.can_lookup.label("officer_can_lookup"), CARD)
            .select_from(one.outerjoin(Staff, officer).outerjoin(CARD, CARD.c[column] == bindparam("key")))
            .order_by(CARD.c.valid_to.desc()))


OFFICER_AND_CARDS = {column: Prepared(_officer_and_cards(column)) for column in ("number", "bhxh_number", "personal_id")}
CITIZEN_BIRTH_QUERY = Prepared(select(Citizen.birth_date).where(Citizen.personal_id == bindparam("key")))
CHECKS = (select(CardCheck.username, CardCheck.checked_at, CardCheck.message, CardCheck.result_code)
          .where(CardCheck.card_number == bindparam("card_number"))
          .order_by(CardCheck.checked_at.desc(), CardCheck.id.desc()).limit(19))
LOG = insert(CardCheck).values({name: bindparam(name) for name in (
    "card_number", "facility_code", "username", "checked_at", "result_code", "message")})
CHECKS_QUERY, CHECK_LOG = Prepared(CHECKS), Prepared(LOG)
# PostgreSQL: the log line as a CTE of the read, one round trip; the read does not see the line it
# adds (all parts of a statement share one snapshot).  SQLite has no INSERT inside WITH.
CHECKS_AND_LOG = Prepared(CHECKS.add_cte(LOG.cte("logged")))


def _key_column(key: str) -> str:
    return "number" if len(key) == 15 else "bhxh_number" if len(key) == 10 else "personal_id"


def _newest(cards: list[Record]) -> Record | None:
    """The card a key names: the newest one not replaced, else the newest (rows by valid_to desc)."""
    current = [c for c in cards if not c.replaced_by]
    return (current or cards or [None])[0]


CARDS_BY = {column: Prepared(select(CARD).where(CARD.c[column] == bindparam("key")).order_by(CARD.c.valid_to.desc()))
            for column in ("number", "bhxh_number", "personal_id")}


def card_by_key(conn: Connection, key: str) -> Record | None:
    """The card a 15-character card number, 10-digit BHXH number or 12-digit personal ID names."""
    return _newest(CARDS_BY[_key_column(key)].all(conn, {"key": key}))


def card_by_number(conn: Connection, number: str) -> Record | None:
    return CARD_QUERY.first(conn, {"key": number})


def officer_and_card(conn: Connection, facility_code: str, personal_id: str, key: str) -> tuple[Record | None, Record | None]:
    """The facility's lookup officer ``personal_id`` (officer_name, officer_can_lookup; None if not
    registered) and the card ``key`` names — a 15-character card number, a 10-digit BHXH number or a
    12-digit personal ID (the newest card not replaced; None if none) — in one round trip: the
    reception peak asks both for every look-up."""
    rows = OFFICER_AND_CARDS[_key_column(key)].all(
        conn, {"facility": facility_code, "personal_id": personal_id, "key": key})
    officer = rows[0] if rows[0].officer_name is not None else None
    return officer, _newest([r for r in rows if r.number is not None])


def cards_by_bhxh(conn: Connection, bhxh: str) -> list[Record]:
    return CARDS_BY_BHXH.all(conn, {"key": bhxh})


def citizen_birth_date(conn: Connection, personal_id: str) -> str | None:
    return CITIZEN_BIRTH_QUERY.scalar(conn, {"key": personal_id})


def log_check(conn: Connection, card: str, facility: str, username: str, when: datetime, code: str,
              message: str) -> list[Record]:
    """Log a check of ``card`` and give the card's 19 checks before it, newest first (the answer
    lists them after the one being made: 20)."""
    values = {"card_number": card[:15], "facility_code": facility, "username": username, "checked_at": when,
              "result_code": code, "message": message}
    if conn.dialect.name == "postgresql":
        return CHECKS_AND_LOG.all(conn, values)
    earlier = CHECKS_QUERY.all(conn, {"card_number": values["card_number"]})
    CHECK_LOG.execute(conn, values)
    return earlier

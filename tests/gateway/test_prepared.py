"""Statements run on the driver (sandbox/storage/prepared.py) read and write exactly what
SQLAlchemy's own execution does, on both databases: DateTime, JSON, booleans, NULLs, LIMIT values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError

from sandbox.storage.models import CardCheck, Episode, Facility, Submission
from sandbox.storage.prepared import Prepared

AT = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)


def _seed(ctx) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(insert(Facility), {"code": "58001", "name": "BV", "province_code": "58", "created_at": AT})
        conn.execute(insert(Submission), {"id": "S1", "facility_code": "58001", "username": "u", "endpoint": "e",
                                          "profile": "QD3176", "kind": "HOSO", "loai_ho_so": "130", "payload": b"",
                                          "payload_sha256": "", "received_at": AT, "status": "DA_XU_LY",
                                          "attempts": 1, "findings": [], "records": []})
        for i in range(3):
            conn.execute(insert(Episode), {
                "submission_id": "S1", "position": i, "facility_code": "58001", "ma_lk": f"LK{i}",
                "status": "HOP_LE", "disposition": "new", "content_sha256": "", "is_current": i != 1, "version": 1,
                "created_at": AT + timedelta(minutes=i), "card_number": "DN4585800000001", "bhxh_number": "5800000001",
                "admitted_at": f"20260304080{i}", "discharged_at": "", "findings": [{"rule": "X", "n": i}],
                "error_code": "", "facts": {"CHAN_DOAN_RV": "Viêm dạ dày", "n": i, "none": None}})


EPISODES = (select(Episode.ma_lk, Episode.created_at, Episode.is_current, Episode.facts, Episode.findings,
                   Episode.discharged_at.label("ra"), Episode.submission_id)
            .where(Episode.bhxh_number == bindparam("bhxh")).order_by(Episode.created_at.desc()).limit(2))


def test_rows_are_those_sqlalchemy_reads(ctx):
    _seed(ctx)
    prepared = Prepared(EPISODES)
    with ctx.db.engine.connect() as conn:
        expected = [tuple(r) for r in conn.execute(EPISODES, {"bhxh": "5800000001"})]
    position = Prepared(select(Episode.ma_lk).where(Episode.position == bindparam("p")))
    got, none, lk1 = ctx.db.lookup(lambda conn: (prepared.all(conn, {"bhxh": "5800000001"}),
                                                 prepared.first(conn, {"bhxh": "none"}),
                                                 position.scalar(conn, {"p": 1})))
    assert [tuple(r) for r in got] == expected and len(got) == 2            # LIMIT's own value bound
    assert got[0].facts == {"CHAN_DOAN_RV": "Viêm dạ dày", "n": 2, "none": None}   # JSON decoded
    assert got[0].ra == "" and got[1].is_current is False                 # label; boolean, not 0
    assert isinstance(got[0].created_at, datetime)                        # SQLite: parsed from text
    assert none is None and lk1 == "LK1"


def test_values_are_written_as_sqlalchemy_writes_them(ctx):
    _seed(ctx)
    log = Prepared(insert(CardCheck).values({n: bindparam(n) for n in (
        "card_number", "facility_code", "username", "checked_at", "result_code", "message")}))
    ctx.db.lookup(lambda conn: log.execute(conn, {
        "card_number": "DN4585800000001", "facility_code": "58001", "username": "u", "checked_at": AT,
        "result_code": "000", "message": "Thẻ hợp lệ"}))          # committed on its own (lookup connection)
    with ctx.db.engine.connect() as conn:
        row = conn.execute(select(CardCheck.checked_at, CardCheck.message)).one()
        stored = conn.execute(text("SELECT CAST(checked_at AS VARCHAR(40)) FROM card_check")).scalar()
    assert row.message == "Thẻ hợp lệ"
    assert row.checked_at.replace(tzinfo=row.checked_at.tzinfo or timezone.utc) == AT   # microseconds kept
    if ctx.db.is_sqlite:
        assert stored == "2026-03-04 05:06:07.890000"       # SQLAlchemy's own text form, so ORDER BY holds


def test_a_driver_error_is_sqlalchemys_error(ctx):
    """A failing statement raises what Connection.execute raises (here an IntegrityError), so the
    callers' error handling and Database.lookup's retry on a dropped connection see the usual types."""
    _seed(ctx)
    again = Prepared(insert(Facility).values(code=bindparam("code"), name="BV", province_code="58",
                                             created_at=bindparam("at")))
    with pytest.raises(IntegrityError):
        ctx.db.lookup(lambda conn: again.execute(conn, {"code": "58001", "at": AT}))

"""Alembic migrations create exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from sandbox.storage.db import normalise_url
from sandbox.storage.models import Base


def test_migrated_schema_matches_models(database_url):
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from sandbox.storage.migrate import upgrade  # noqa: E402
from tests.plugins.databases import PG_SERVER  # noqa: E402

BEFORE_2025_UNITS = "1b5f7a9c2d43"     # 0011: the head before the provinces of 01/07/2025


@pytest.fixture
def empty_url(backend, tmp_path):
    """A database of its own, empty (not the session's migrated one)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    admin = create_engine(normalise_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    name = "skdt_sandbox_migration_test"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield normalise_url(PG_SERVER).rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_an_installation_of_before_the_2025_units_keeps_working(empty_url):
    """From the previous head with a Ninh Thuận installation's data: facilities, users, settings, sign-offs,
    targets, filings and notes move to Khánh Hòa (56); a row colliding with Khánh Hòa's own is dropped."""
    upgrade(empty_url, BEFORE_2025_UNITS)
    engine = create_engine(normalise_url(empty_url))
    now = "2025-06-01 00:00:00"
    with engine.begin() as c:
        c.execute(text("INSERT INTO facility (code, name, province_code, status, created_at, district_code) VALUES "
                       "('58001', 'BVĐK tỉnh Ninh Thuận', '58', 'active', :t, '582'), "
                       "('62001', 'BVĐK tỉnh Kon Tum', '62', 'active', :t, ''), "
                       "('01001', 'BV Bạch Mai', '01', 'active', :t, '')"), {"t": now})
        c.execute(text("INSERT INTO province_user (username, full_name, organisation, province_code, active, created_at, "
                       "password_hash) VALUES ('syt.nt', 'A', 'SYT', '58', :y, :t, 'x')"), {"t": now, "y": True})
        for province, days in (("58", 45), ("56", 30)):
            c.execute(text("INSERT INTO province_setting (province_code, window_days, grace_days, grace_threshold, "
                           "campaign_start, campaign_end) VALUES (:p, :d, 7, 0.05, '', '')"), {"p": province, "d": days})
        c.execute(text("INSERT INTO campaign_target (province_code, district_code, commune, indicator, target) "
                       "VALUES ('58', '582', '', 'card', 100)"))
        c.execute(text("INSERT INTO report_filing (province_code, kind, period, filed_by, filed_at) "
                       "VALUES ('58', 'daily', '2025-06-01', 'syt.nt', :t)"), {"t": now})
    upgrade(empty_url)
    with engine.connect() as c:
        rows = dict(c.execute(text("SELECT code, province_code FROM facility")).all())
        assert rows == {"58001": "56", "62001": "51", "01001": "01"}
        assert c.execute(text("SELECT commune_code FROM facility WHERE code = '58001'")).scalar() == "22759"
        assert c.execute(text("SELECT province_code FROM province_user")).scalar() == "56"
        assert c.execute(text("SELECT province_code, window_days FROM province_setting")).all() == [("56", 30)]
        assert c.execute(text("SELECT province_code FROM campaign_target")).scalar() == "56"
        assert c.execute(text("SELECT province_code FROM report_filing")).scalar() == "56"
    engine.dispose()


BEFORE_BOOK_SUMMARY = "5f9d1b3a6c87"  # 0015: entries without the year screen's summary column


def test_entries_written_before_the_summary_column_get_the_summary_the_writer_gives(empty_url):
    """0016 fills the new column of existing entries with exactly what book_summary() writes for new ones: the
    year screen shows an entry of before the upgrade as one of after."""
    import json
    from datetime import datetime, timezone
    from sqlalchemy import insert
    from sandbox.storage.book_summary import book_summary
    from sandbox.storage.models import Episode, Facility, Submission
    upgrade(empty_url, BEFORE_BOOK_SUMMARY)
    engine = create_engine(normalise_url(empty_url))
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    documents = [{"luotKham": {"ngayRa": "202601020900", "hinhThucTen": "Khám bệnh", "chanDoan": "Viêm họng cấp"},
                  "giayHen": {"ngayHen": "20260110"}},
                 {"luotKham": {"hinhThucTen": "Nội trú", "ngayRa": None}, "giayChuyenTuyen": None},
                 {}]
    with engine.begin() as c:
        c.execute(insert(Facility.__table__), {"code": "58001", "name": "BV", "province_code": "56", "created_at": now})
        c.execute(insert(Submission.__table__), {"id": "S1", "facility_code": "58001", "username": "u", "endpoint": "e",
                                                 "profile": "QD3176", "kind": "HOSO", "loai_ho_so": "130", "payload": b"",
                                                 "payload_sha256": "", "received_at": now, "status": "DA_XU_LY"})
        c.execute(insert(Episode.__table__), {"id": 1, "submission_id": "S1", "position": 1, "facility_code": "58001",
                                              "ma_lk": "LK", "status": "HOP_LE", "disposition": "new",
                                              "content_sha256": "", "created_at": now})
        for i, data in enumerate(documents):
            c.execute(text("INSERT INTO health_book_entry (episode_id, submission_id, personal_id, card_number, "
                           "facility_code, ma_lk, year, admitted_at, received_at, visible_at, delay_seconds, is_current, "
                           "data) VALUES (1, 'S1', '058085000001', '', '58001', :lk, 2026, '202601020800', :t, :t, 0, "
                           ":y, :data)"), {"lk": f"LK{i}", "t": now, "y": True, "data": json.dumps(data)})
    engine.dispose()
    upgrade(empty_url)
    engine = create_engine(normalise_url(empty_url))
    with engine.connect() as c:
        stored = [row[0] for row in c.execute(text("SELECT summary FROM health_book_entry ORDER BY id"))]
    engine.dispose()
    stored = [json.loads(s) if isinstance(s, str) else s for s in stored]
    assert stored == [book_summary(d) for d in documents]

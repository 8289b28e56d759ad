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

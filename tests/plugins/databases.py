"""Database fixtures: every test that asks for ``ctx`` runs once per backend.

SQLite: migrations run once into a template file, copied per test.  PostgreSQL: a dedicated
database (``skdt_sandbox_test`` on SANDBOX_TEST_PG_URL's server) is migrated once per session
and truncated before each test.  PostgreSQL must be reachable: a missing server fails the run
(set SANDBOX_TEST_SKIP_PG=1 to skip those legs deliberately on a machine without it).
"""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import create_engine, text

from sandbox.context import Context
from sandbox.settings import Settings
from sandbox.storage.db import normalise_url
from sandbox.storage.migrate import upgrade
from sandbox.storage.models import Base

PG_SERVER = os.environ.get("SANDBOX_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_DB = "skdt_sandbox_test"
BACKENDS = ["sqlite", "postgresql"]


def _pg_url() -> str:
    base = normalise_url(PG_SERVER)
    return base.rsplit("/", 1)[0] + "/" + PG_DB


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database():
    if os.environ.get("SANDBOX_TEST_SKIP_PG") == "1":
        pytest.skip("SANDBOX_TEST_SKIP_PG=1: PostgreSQL legs skipped on purpose")
    admin = create_engine(normalise_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DB}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at {PG_SERVER} is required for the PostgreSQL leg: {exc}")
    finally:
        admin.dispose()
    url = _pg_url()
    engine = create_engine(url)
    with engine.begin() as conn:  # start from an empty schema each session
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path):
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "sandbox.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _truncate(url)
    return url


TEST_SETTINGS = dict(processing_mode="inline", password_hash_iterations=1000, clock_refresh_seconds=0.0,
                     secret_key="test-secret", admin_token="test-admin-token", trust_forwarded_for=True,
                     csrf=False)   # page tests post forms directly; tests/web/test_csrf.py and the browser tests check it


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, **TEST_SETTINGS)


@pytest.fixture
def ctx(settings):
    context = Context.create(settings)
    yield context
    context.db.dispose()

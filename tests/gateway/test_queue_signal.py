"""On PostgreSQL a worker sleeps on LISTEN and wakes on the acknowledgement's NOTIFY: with a look at the
table only every 10 minutes, a submission is still processed as soon as it is acknowledged."""

import threading
import time

import pytest
from sqlalchemy import select

from sandbox.pipeline.worker import run_worker
from sandbox.settings import Settings
from sandbox.storage.models import Submission
from tests.plugins.databases import TEST_SETTINGS
from tests.plugins.gateway import episode_envelope


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, **{**TEST_SETTINGS, "processing_mode": "external",
                                                  "worker_idle_seconds": 600.0})


def test_a_worker_wakes_on_notify_not_on_its_idle_timer(ctx, his, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no notifications: workers poll there")
    stop = threading.Event()
    idle = threading.Event()
    worker = threading.Thread(target=run_worker, args=(ctx,), kwargs={"stop": stop, "on_idle": idle.set}, daemon=True)
    worker.start()
    try:
        assert idle.wait(120), "the worker never reached its idle wait"
        time.sleep(0.5)                                      # it is now asleep on LISTEN (600 s)
        answer = his.submit(episode_envelope(seed=3)).json()
        assert answer["maKetQua"] == "200"
        deadline = time.monotonic() + 120                    # far below the 600 s idle timer
        while True:
            with ctx.db.read() as s:
                status = s.scalar(select(Submission.status).where(Submission.id == answer["maGiaoDich"]))
            if status == "DA_XU_LY":
                break
            assert time.monotonic() < deadline, f"still {status}: the worker was not woken"
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()


def test_an_acknowledgement_on_a_dropped_connection_is_stored_once(ctx, his, backend):
    """The acknowledgement is one statement on an autocommit connection nobody pings (Database.intake): when
    PostgreSQL has dropped the pooled connections (a restart), the first attempt fails, the pool is
    invalidated, and the statement runs once more on a fresh connection — the HIS gets its 200 and the
    submission is stored once, durable, waiting for a worker."""
    if backend != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    from sqlalchemy import func, text
    assert his.submit(episode_envelope(seed=4)).json()["maKetQua"] == "200"     # the intake pool has a connection
    with ctx.db.engine.connect() as conn:
        dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert dropped >= 1
    answer = his.submit(episode_envelope(seed=5))
    assert answer.status_code == 200 and answer.json()["maKetQua"] == "200"
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 2
        assert s.scalar(select(Submission.status).where(Submission.id == answer.json()["maGiaoDich"])) == "DA_TIEP_NHAN"

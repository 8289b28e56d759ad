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

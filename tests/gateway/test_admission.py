"""Admission control: while the oldest acknowledged submission has waited longer than
SANDBOX_MAX_BACKLOG_SECONDS for a worker, new submissions are answered 1011 (family 1001: resend later)
and nothing is stored; look-ups still answer; once the workers catch up, submissions are taken again."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sandbox import admission
from sandbox.pipeline.service import process_pending
from sandbox.settings import Settings
from sandbox.storage.models import Submission
from tests.plugins.databases import TEST_SETTINGS
from tests.plugins.gateway import episode_envelope


@pytest.fixture
def settings(database_url):   # the web side only acknowledges: workers (here: process_pending) do the rest
    return Settings(database_url=database_url, **{**TEST_SETTINGS, "processing_mode": "external",
                                                  "max_backlog_seconds": 60})


def _stored(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(Submission))


def test_a_backlog_over_the_limit_answers_1011_and_stores_nothing(ctx, his):
    admission.reset()
    first = his.submit(episode_envelope(seed=1)).json()
    assert first["maKetQua"] == "200"
    ctx.clock.set_offset(ctx.clock.offset() + timedelta(seconds=61))     # the first has waited 61 s
    admission.reset()
    busy = his.submit(episode_envelope(seed=2)).json()
    assert (busy["maKetQua"], busy["maLoi"]) == ("1001", "1011") and "61" in busy["thongDiep"]
    assert _stored(ctx) == 1
    assert his.result(first["maGiaoDich"]).status_code == 200             # results are still answered
    process_pending(ctx)                                                  # the workers catch up
    admission.reset()
    assert his.submit(episode_envelope(seed=2)).json()["maKetQua"] == "200"
    assert _stored(ctx) == 2


def test_switched_off_with_zero(ctx, his, monkeypatch):
    admission.reset()
    his.submit(episode_envelope(seed=1))
    ctx.clock.set_offset(ctx.clock.offset() + timedelta(minutes=30))    # (the token lives 60 minutes)
    monkeypatch.setattr(ctx, "settings", Settings(**{**ctx.settings.__dict__, "max_backlog_seconds": 0}))
    admission.reset()
    assert his.submit(episode_envelope(seed=2)).json()["maKetQua"] == "200"

"""Separate worker processes (``skdt-sandbox worker``): two of them drain the queue of a web process
that only acknowledges; one is killed (SIGKILL) while it holds claims; its claims are taken over
within seconds, and every acknowledged submission ends processed exactly once — directly on the
database, and on PostgreSQL also with web and workers through PgBouncer (transaction pooling) while the
workers LISTEN on PostgreSQL itself."""

import signal
import time

import httpx
import pytest
from sqlalchemy import func, select

from fixtures.envelope import b64
from sandbox import admin
from sandbox.security import md5_upper
from sandbox.storage.models import Episode, HealthBookEntry, Submission
from tests.plugins.gateway import PASSWORD, episode_envelope, signed
from tests.plugins.live import free_port, start_server, start_worker

pytestmark = pytest.mark.slow
N = 40
STALE = 4


def _claims_of(ctx, pid: int) -> list[str]:
    with ctx.db.read() as s:
        return list(s.scalars(select(Submission.id).where(Submission.status == "DANG_XU_LY",
                                                          Submission.claimed_by.like(f"%:{pid}:%"))))


@pytest.mark.parametrize("route", ["direct", "pgbouncer"])
def test_killed_worker_loses_nothing_and_nothing_is_processed_twice(ctx, database_url, credentials, route, request):
    served_url, extra = database_url, {}
    if route == "pgbouncer":
        bouncer = request.getfixturevalue("pgbouncer")
        served_url = bouncer.url
        extra = {"SANDBOX_PG_PREPARED_STATEMENTS": "false", "SANDBOX_LISTEN_URL": database_url,
                 "SANDBOX_WORKER_IDLE_SECONDS": "1"}
    admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
    admin.add_account(ctx, "58001_BV", "58001", PASSWORD)
    credential = credentials("58001")
    admin.add_certificate(ctx, "58001", credential.cert_pem)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(served_url, port, SANDBOX_PROCESSING_MODE="external", **extra)
    env = {"SANDBOX_PROCESSING_DELAY_SECONDS": "0.3", "SANDBOX_STALE_CLAIM_SECONDS": str(STALE),
           "SANDBOX_HEARTBEAT_SECONDS": "1", "SANDBOX_PASSWORD_HASH_ITERATIONS": "1000", **extra}
    workers = [start_worker(served_url, **env) for _ in range(2)]
    try:
        key = httpx.post(f"{base}/api/token/take", data={"username": "58001_BV", "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        acknowledged = []
        for seed in range(N):
            form = {"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
                    "fileHSBase64": b64(signed(episode_envelope(seed=seed + 1), credential))}
            answer = httpx.post(f"{base}/api/qd130/guiHoSoXmlQD3176", headers=headers, data=form, timeout=30).json()
            assert answer["maKetQua"] == "200", answer
            acknowledged.append(answer["maGiaoDich"])
        victim = workers[0]
        deadline = time.monotonic() + 120
        while not _claims_of(ctx, victim.pid):
            assert time.monotonic() < deadline, "the first worker never held a claim"
            time.sleep(0.05)
        held = _claims_of(ctx, victim.pid)
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(timeout=10)
        deadline = time.monotonic() + 180
        while True:
            with ctx.db.read() as s:
                left = s.scalar(select(func.count()).select_from(Submission).where(Submission.status != "DA_XU_LY"))
                taken_over = s.scalar(select(func.count()).select_from(Submission).where(
                    Submission.id.in_(held), Submission.status == "DA_XU_LY"))
            if taken_over == len(held) and "takeover" not in locals():
                takeover = time.monotonic() - killed_at
            if left == 0:
                break
            assert time.monotonic() < deadline, f"{left} submissions still unprocessed"
            time.sleep(0.1)
        with ctx.db.read() as s:
            per_submission = dict(s.execute(select(Episode.submission_id, func.count()).group_by(Episode.submission_id)).all())
            dispositions = set(s.scalars(select(Episode.disposition)))
            entries = s.scalar(select(func.count()).select_from(HealthBookEntry))
            attempts = dict(s.execute(select(Submission.id, Submission.attempts)).all())
        assert sorted(per_submission) == sorted(acknowledged) and set(per_submission.values()) == {1}
        assert dispositions == {"new"} and entries == N        # exactly once: no duplicate, no replacement
        assert all(attempts[i] == 2 for i in held)             # the victim's claims were taken over once
        assert takeover < STALE + 5, f"claims taken over after {takeover:.1f} s"
        if route == "pgbouncer":
            assert bouncer.logins() >= 3, "web and workers did not go through PgBouncer"
        print(f"\n{len(held)} claims of the killed worker taken over in {takeover:.1f} s (stale after {STALE} s)")
    finally:
        for proc in workers + [server]:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)

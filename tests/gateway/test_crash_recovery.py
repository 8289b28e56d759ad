"""A real server process dies between acknowledgement and processing; the next start finishes the work."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from sandbox import admin
from sandbox.security import md5_upper
from tests.plugins.gateway import PASSWORD, episode_envelope, signed

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, port: int, **env) -> subprocess.Popen:
    environment = dict(os.environ, DATABASE_URL=database_url, SANDBOX_PROCESSING_MODE="background",
                       SANDBOX_PASSWORD_HASH_ITERATIONS="1000", SANDBOX_STALE_CLAIM_SECONDS="0",
                       SANDBOX_WORKER_POLL_SECONDS="0.2", **env)
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port)],
                            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/portal/login", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def test_acknowledged_submission_survives_a_crash(ctx, database_url, credentials):
    admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
    admin.add_account(ctx, "58001_BV", "58001", PASSWORD)
    credential = credentials("58001")
    admin.add_certificate(ctx, "58001", credential.cert_pem)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(database_url, port, SANDBOX_CRASH_BEFORE_PROCESSING="1")
    try:
        key = httpx.post(f"{base}/api/token/take",
                         data={"username": "58001_BV", "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        from fixtures.envelope import b64
        response = httpx.post(f"{base}/api/qd130/guiHoSoXmlQD3176", headers=headers,
                              data={"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
                                    "fileHSBase64": b64(signed(episode_envelope(), credential))})
        assert response.json()["maKetQua"] == "200"  # acknowledged …
        transaction = response.json()["maGiaoDich"]
        assert server.wait(timeout=30) == 70      # … then the process died before processing
    finally:
        if server.poll() is None:
            server.kill()
    server = _start(database_url, port)           # restart without the crash hook
    try:
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline:
            result = httpx.get(f"{base}/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": transaction},
                               headers=headers).json()
            state = result.get("trangThai")
            if state == "DA_XU_LY":
                break
            time.sleep(0.2)
        assert state == "DA_XU_LY"
        assert result["dsHoSo"][0]["trangThai"] == "HOP_LE"
    finally:
        server.terminate()
        server.wait(timeout=10)

"""A real server process dies between acknowledgement and processing; the next start finishes the work."""

import time

import httpx
import pytest

from sandbox import admin
from sandbox.security import md5_upper
from tests.plugins.gateway import PASSWORD, episode_envelope, signed
from tests.plugins.live import free_port as _free_port, start_server as _start

pytestmark = pytest.mark.slow


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
        deadline = time.monotonic() + 120
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

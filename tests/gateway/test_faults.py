"""Fault profiles: per request (X-Sandbox-Fault), per account (admin API), and what the HIS is told."""

from sqlalchemy import func, select

from sandbox import faults
from sandbox.storage.models import Submission
from tests.plugins.gateway import episode_envelope

ADMIN = {"X-Admin-Token": "test-admin-token"}


def stored(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(Submission))


def test_header_fault_answers_503_and_stores_nothing(ctx, his):
    response = his.submit(episode_envelope(), headers={**his.tokens, faults.HEADER: "burst_503"})
    assert response.status_code == 503 and response.json()["maLoi"] == "5031" and response.json()["maKetQua"] == "500"
    assert stored(ctx) == 0
    assert his.submit(episode_envelope()).json()["maKetQua"] == "200"


def test_account_fault_runs_down_its_counter(ctx, his, client):
    set_ = client.put(f"/admin/api/accounts/{his.username}/fault", json={"profile": "burst_502", "count": 2}, headers=ADMIN)
    assert set_.json() == {"username": his.username, "profile": "burst_502", "remaining": 2}
    codes = [his.submit(episode_envelope()).status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    assert client.delete(f"/admin/api/accounts/{his.username}/fault", headers=ADMIN).status_code == 204
    assert faults.list_faults(ctx) == []


def test_token_refused_mid_batch_withdraws_the_token(ctx, his):
    faults.set_account_fault(ctx, his.username, "token_refused", 1)
    first = his.submit(episode_envelope())
    assert first.status_code == 200 and first.json()["maLoi"] == "4012"
    again = his.submit(episode_envelope())                 # blind retry with the same token
    assert again.json()["maLoi"] == "4013"
    his.login()
    assert his.submit(episode_envelope()).json()["maKetQua"] == "200"


def test_peak_1001_maintenance_and_status_lag(ctx, his):
    faults.set_account_fault(ctx, his.username, "peak_1001", 1)
    assert his.submit(episode_envelope()).json()["maKetQua"] == "1001"
    faults.set_account_fault(ctx, his.username, "maintenance", 1)
    down = his.take_token()
    assert down.status_code == 503 and down.json()["maLoi"] == "5032"
    his.login()
    transaction = his.submit_ok(episode_envelope())["maGiaoDich"]
    faults.set_account_fault(ctx, his.username, "status_lag", 1)
    assert his.result(transaction).json()["trangThai"] == "DANG_XU_LY"
    assert his.result(transaction).json()["trangThai"] == "DA_XU_LY"


def test_unknown_profile_is_a_coded_refusal(client, his):
    bad = client.put(f"/admin/api/accounts/{his.username}/fault", json={"profile": "nope"}, headers=ADMIN)
    assert bad.status_code == 400
    missing = client.put("/admin/api/accounts/nobody/fault", json={"profile": "slow"}, headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["maLoi"] == "4041"


def test_nobody_can_spend_another_facilitys_faults_by_claiming_its_username(ctx, his, client):
    faults.set_account_fault(ctx, his.username, "burst_503", 1)
    forged = client.post("/api/qd130/guiHoSoXmlQD3176", data={**his.form(episode_envelope()), "username": his.username},
                         headers={"accessToken": "forged", "tokenId": "forged", "passwordHash": "0" * 32})
    assert forged.json()["maLoi"] == "4013"
    assert faults.list_faults(ctx)[0]["remaining"] == 1          # untouched by the outsider
    assert his.submit(episode_envelope()).status_code == 503     # the facility's own call meets it

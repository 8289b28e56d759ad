"""The admin API (openapi/admin.yaml) guarded by X-Admin-Token."""

import pytest

from fixtures.pki import TestCA

H = {"X-Admin-Token": "test-admin-token"}


@pytest.fixture(scope="module")
def ca():
    return TestCA()


def test_admin_token_required(client):
    missing = client.get("/admin/api/facilities")
    wrong = client.get("/admin/api/facilities", headers={"X-Admin-Token": "nope"})
    for response in (missing, wrong):
        assert response.status_code == 403 and response.json()["maLoi"] == "4036"


def test_facility_lifecycle(client):
    created = client.post("/admin/api/facilities", json={"code": "58120", "name": "Phòng khám Mới"}, headers=H)
    assert created.status_code == 201 and created.json() == {
        "code": "58120", "name": "Phòng khám Mới", "provinceCode": "56", "province": "Tỉnh Khánh Hòa", "communeCode": "",
        "commune": "", "formerProvinceCode": "58", "districtCode": "", "status": "active"}   # Ninh Thuận is in Khánh Hòa
    placed = client.post("/admin/api/facilities", json={"code": "58121", "name": "PK", "communeCode": "22738"}, headers=H)
    assert placed.json()["commune"] == "Phường Đô Vinh"
    elsewhere = client.post("/admin/api/facilities", json={"code": "58122", "name": "PK", "communeCode": "21028"}, headers=H)
    assert elsewhere.json()["maLoi"] == "4221"            # a Quảng Ngãi ward for a Khánh Hòa facility
    assert client.post("/admin/api/facilities", json={"code": "58120", "name": "x"}, headers=H).json()["maLoi"] == "4091"
    bad = client.post("/admin/api/facilities", json={"code": "5812", "name": "x"}, headers=H)
    assert bad.status_code == 400 and bad.json()["maLoi"] == "2051" and "QĐ 384" in bad.json()["thongDiep"]   # the spec's words
    assert client.post("/admin/api/facilities/58120/suspend", headers=H).json()["status"] == "suspended"
    assert client.post("/admin/api/facilities/58120/activate", headers=H).json()["status"] == "active"
    assert client.post("/admin/api/facilities/58999/suspend", headers=H).json()["maLoi"] == "4041"
    listed = client.get("/admin/api/facilities", params={"province": "56"}, headers=H).json()
    assert [f["code"] for f in listed] == ["58120", "58121"]
    assert client.get("/admin/api/facilities", params={"province": "51"}, headers=H).json() == []


def test_account_lifecycle(client):
    client.post("/admin/api/facilities", json={"code": "58001", "name": "BVĐK"}, headers=H)
    body = {"username": "58001_BV", "facility": "58001", "password": "Str0ng@pass", "allowedIps": ["203.0.113.5"]}
    created = client.post("/admin/api/accounts", json=body, headers=H)
    assert created.status_code == 201
    assert created.json()["kind"] == "facility" and created.json()["allowedIps"] == ["203.0.113.5"]
    assert "password" not in created.json() and "passwordHash" not in created.json()
    assert client.post("/admin/api/accounts", json=body, headers=H).json()["maLoi"] == "4091"
    orphan = dict(body, username="x.y", facility="58999")
    assert client.post("/admin/api/accounts", json=orphan, headers=H).json()["maLoi"] == "4041"
    bad_ip = dict(body, username="58001.a", allowedIps=["999.1.1.1"])
    assert client.post("/admin/api/accounts", json=bad_ip, headers=H).json()["maLoi"] == "4221"
    updated = client.patch("/admin/api/accounts/58001_BV", json={"active": False, "allowedIps": []}, headers=H)
    assert updated.json()["active"] is False and updated.json()["allowedIps"] == []
    short = client.patch("/admin/api/accounts/58001_BV", json={"password": "short"}, headers=H)
    assert short.status_code == 400  # spec minLength 8


def test_certificate_registry(client, ca):
    client.post("/admin/api/facilities", json={"code": "58001", "name": "BVĐK"}, headers=H)
    cred = ca.issue("58001", "BVĐK")
    created = client.post("/admin/api/certificates", json={"facility": "58001", "pem": cred.cert_pem.decode()}, headers=H)
    assert created.status_code == 201
    cert = created.json()
    assert cert["fingerprint"] == cred.fingerprint and cert["state"] == "valid" and "58001" in cert["subject"]
    again = client.post("/admin/api/certificates", json={"facility": "58001", "pem": cred.cert_pem.decode()}, headers=H)
    assert again.json()["maLoi"] == "4091"
    junk = client.post("/admin/api/certificates", json={"facility": "58001", "pem": "-----BEGIN CERT"}, headers=H)
    assert junk.json()["maLoi"] == "4221"
    expired = ca.expired("58001")
    listed = client.post("/admin/api/certificates", json={"facility": "58001", "pem": expired.cert_pem.decode()}, headers=H)
    assert listed.json()["state"] == "expired"
    revoked = client.post(f"/admin/api/certificates/{cred.fingerprint}/revoke", json={"reason": "lộ khóa"}, headers=H)
    assert revoked.json()[0]["state"] == "revoked" and revoked.json()[0]["revocationReason"] == "lộ khóa"
    states = sorted(c["state"] for c in client.get("/admin/api/certificates", params={"facility": "58001"}, headers=H).json())
    assert states == ["expired", "revoked"]
    assert client.post("/admin/api/certificates/00ff/revoke", json={}, headers=H).json()["maLoi"] == "4041"


def test_clock(client):
    moved = client.put("/admin/api/clock", json={"offset": "+36h"}, headers=H).json()
    assert moved["offset"] == "+36h" and moved["offsetSeconds"] == 36 * 3600
    assert client.get("/admin/api/clock", headers=H).json()["offset"] == "+36h"
    refused = client.put("/admin/api/clock", json={"offset": "tomorrow"}, headers=H).json()
    assert refused["maLoi"] == "2051" and "+36h" in refused["thongDiep"] and "tomorrow" not in refused["thongDiep"]
    assert client.put("/admin/api/clock", json={"offset": "0"}, headers=H).json()["offsetSeconds"] == 0
    too_far = client.put("/admin/api/clock", json={"offset": " - 920701407w "}, headers=H)  # was a 500
    assert too_far.status_code == 400 and too_far.json()["maLoi"] == "2051", too_far.text   # the spec's pattern
    assert "100 năm" in too_far.json()["thongDiep"]


def test_readiness_and_process_pending(client, his):
    from tests.plugins.gateway import episode_envelope
    his.submit_ok(episode_envelope())
    rows = {r["code"]: r for r in client.get("/admin/api/readiness", headers=H).json()}
    assert rows["58001"]["accounts"] == 1 and rows["58001"]["acceptedEpisodes"] == 1
    assert client.post("/admin/api/process-pending", headers=H).json() == {"processed": 0}


def test_queue_counts_and_refuses_a_bad_moment(client):
    empty = client.get("/admin/api/queue", headers=H).json()
    assert empty == {"received": 0, "processing": 0, "processed": 0, "oldestWaitingSeconds": None}
    for bad in ("", "yesterday", "2026-13-01T00:00:00"):
        answer = client.get("/admin/api/queue", params={"since": bad}, headers=H)
        assert answer.status_code in (400, 422) and answer.json()["maLoi"] in ("2051", "4221"), bad
    assert client.get("/admin/api/queue", params={"since": "2026-12-01T08:00:00"}, headers=H).status_code == 200

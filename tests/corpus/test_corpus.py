"""Every corpus sample produces exactly the codes its manifest lists, through the HTTP API."""

import base64
import json
from pathlib import Path

import pytest

from sandbox import admin
from sandbox.security import md5_upper

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PASSWORD = "Corpus@58001"


@pytest.fixture
def gateway(ctx, client):
    admin.add_facility(ctx, MANIFEST["facility"], "Corpus facility")
    admin.add_facility(ctx, MANIFEST["otherFacility"], "Corpus other facility")
    admin.add_account(ctx, "58001_BV", MANIFEST["facility"], PASSWORD)
    for cert in MANIFEST["certificates"]:
        added = admin.add_certificate(ctx, cert["facility"], (CORPUS / cert["file"]).read_bytes())
        if cert["revoked"]:
            admin.revoke_certificate(ctx, added["fingerprint"], "corpus: revoked")
    key = client.post("/api/token/take", data={"username": "58001_BV", "password": md5_upper(PASSWORD)}).json()["APIKey"]
    headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
    return client, headers


def codes_of(result: dict) -> set[str]:
    found = {e["maLoi"] for e in result["dsLoi"]}
    for hoso in result["dsHoSo"]:
        found |= {e["maLoi"] for e in hoso["dsLoi"]}
    return found


@pytest.mark.parametrize("sample", MANIFEST["samples"], ids=[s["name"] for s in MANIFEST["samples"]])
def test_sample_produces_exactly_its_codes(gateway, sample):
    client, headers = gateway
    payload = (CORPUS / sample["file"]).read_bytes()
    response = client.post(f"/api/qd130/{sample['endpoint']}", headers=headers, data={
        "username": "58001_BV", "loaiHoSo": sample["loaiHoSo"], "maTinh": "58", "maCSKCB": MANIFEST["facility"],
        "fileHSBase64": base64.b64encode(payload).decode()})
    body = response.json()
    if sample["level"] == "request":
        assert [body.get("maLoi")] == sample["codes"], body
        return
    assert body["maKetQua"] == "200", body
    result = client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": body["maGiaoDich"]}, headers=headers).json()
    assert result["trangThai"] == "DA_XU_LY"
    assert codes_of(result) == set(sample["codes"]), json.dumps(result, ensure_ascii=False, indent=1)[:3000]
    states = {h["trangThai"] for h in result["dsHoSo"]}
    if sample["codes"]:
        assert states == {"KHONG_HOP_LE"} or not result["dsHoSo"]
    else:
        assert states == {"HOP_LE"}


def test_comment_injection_does_not_change_what_is_read(gateway, ctx):
    from sandbox.storage.models import Episode
    from sqlalchemy import select
    client, headers = gateway
    sample = next(s for s in MANIFEST["samples"] if s["name"] == "comment_injected_after_signing")
    payload = (CORPUS / sample["file"]).read_bytes()
    client.post("/api/qd130/guiHoSoXmlQD3176", headers=headers, data={
        "username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
        "fileHSBase64": base64.b64encode(payload).decode()})
    with ctx.db.read() as s:
        assert s.scalar(select(Episode.facility_code).where(Episode.status == "HOP_LE")) == "58001"


def test_manifest_covers_every_defect():
    from fixtures.defects import DEFECTS
    names = {s["name"] for s in MANIFEST["samples"]}
    assert set(DEFECTS) <= names
    for d in DEFECTS.values():
        entry = next(s for s in MANIFEST["samples"] if s["name"] == d.name)
        assert entry["codes"] == sorted(d.codes) and entry["level"] == d.level

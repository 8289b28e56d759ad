"""Sign-off: impossible without a valid certificate and complete attestations; a "ready" decision
yields a signed statement that verifies, prints as a PDF with its QR link, and is withdrawn when its
certificate is revoked or expires; a refusal needs a reason."""

import io
from datetime import timedelta

import jwt
import pytest
from pypdf import PdfReader

from conformance import service
from province import signoff
from sandbox.errors import SandboxError
from sandbox.storage.models import SignOff
from tests.province.helpers import PASSWORD, certify, province_user, seed


def _code(fn):
    with pytest.raises(SandboxError) as caught:
        fn()
    return caught.value.code_info.code


def test_no_sign_off_without_a_valid_certificate_and_every_attestation(ctx):
    seed(ctx)
    who = province_user(ctx)
    assert _code(lambda: signoff.decide(ctx, who, "58001", "ready")) == "4205"
    certify(ctx, "58002", attest_all=False)
    with pytest.raises(SandboxError) as caught:
        signoff.decide(ctx, who, "58002", "ready")
    assert caught.value.code_info.code == "4205" and "HIS-ATT-06" in caught.value.message_vi
    revoked = certify(ctx, "58004")
    service.revoke(ctx, revoked, "sai phiên bản")
    assert "thu hồi" in _code_message(lambda: signoff.decide(ctx, who, "58004", "ready"))
    assert _code(lambda: signoff.decide(ctx, who, "58001", "refused", "")) == "4221"   # a refusal says why
    with ctx.db.read() as s:
        assert s.query(SignOff).count() == 0                                            # nothing recorded


def _code_message(fn):
    with pytest.raises(SandboxError) as caught:
        fn()
    return caught.value.message_vi


def test_ready_statement_verifies_prints_and_is_withdrawn_with_its_certificate(ctx, client):
    seed(ctx)
    who = province_user(ctx)
    certificate_id = certify(ctx, "58001")
    decided = signoff.decide(ctx, who, "58001", "ready", "đủ điều kiện")
    assert decided["state"] == "ready" and decided["certificateId"] == certificate_id
    claims = jwt.decode(decided["statement"], options={"verify_signature": False})
    assert claims["facility"]["code"] == "58001" and claims["decidedBy"]["username"] == "syt.ninhthuan"
    assert claims["certificate"]["reportSha256"] == "ab" * 32
    assert signoff.verify(ctx, decided["id"])["hopLe"]
    page = client.get(f"/so-y-te/xac-nhan/{decided['id']}")
    assert "CÒN HIỆU LỰC" in page.text
    pdf = client.get(f"/so-y-te/xac-nhan/{decided['id']}.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and "attachment" in pdf.headers["content-disposition"]
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "58001" in text and "Bệnh viện Đa khoa tỉnh Ninh Thuận" in text and decided["id"] in text
    assert f"/so-y-te/xac-nhan/{decided['id']}" in text and "Nguyễn Văn Sở" in text
    service.revoke(ctx, certificate_id, "phát hiện lỗi ký số")
    verdict = signoff.verify(ctx, decided["id"])
    assert not verdict["hopLe"] and "phát hiện lỗi ký số" in verdict["lyDo"]
    assert signoff.history(ctx, who, "58001")[0]["state"] == "withdrawn"
    assert client.get(f"/so-y-te/xac-nhan/{decided['id']}.pdf", follow_redirects=False).status_code == 302
    assert "KHÔNG CÒN HIỆU LỰC" in client.get(f"/so-y-te/xac-nhan/{decided['id']}").text


def test_expiry_withdraws_the_sign_off_on_the_board(client, ctx):
    seed(ctx)
    province_user(ctx)
    certify(ctx, "58001")
    h = {"Authorization": "Bearer " + client.post("/so-y-te/api/token", json={
        "username": "syt.ninhthuan", "password": PASSWORD}).json()["token"]}
    made = client.post("/so-y-te/api/facilities/58001/sign-off", headers=h, json={"decision": "ready"})
    assert made.status_code == 201 and made.json()["state"] == "ready"
    board = {f["code"]: f for f in client.get("/so-y-te/api/board", headers=h).json()["facilities"]}
    assert board["58001"]["signOff"] == "ready" and board["58001"]["stage"] == "Đã xác nhận sẵn sàng"
    ctx.clock.set_offset(timedelta(days=366))
    h = {"Authorization": "Bearer " + client.post("/so-y-te/api/token", json={
        "username": "syt.ninhthuan", "password": PASSWORD}).json()["token"]}
    board = {f["code"]: f for f in client.get("/so-y-te/api/board", headers=h).json()["facilities"]}
    assert board["58001"]["signOff"] == "withdrawn" and board["58001"]["certification"] == "expired"
    with ctx.db.read() as s:
        row = s.get(SignOff, made.json()["id"])
        assert row.withdrawn_at is not None and "hết hạn" in row.withdrawn_reason


def test_a_tampered_statement_does_not_verify(ctx):
    seed(ctx)
    who = province_user(ctx)
    certify(ctx, "58001")
    decided = signoff.decide(ctx, who, "58001", "ready")
    head, body, sig = decided["statement"].split(".")
    with ctx.db.session() as s:
        s.get(SignOff, decided["id"]).token = f"{head}.{body[:-2]}AA.{sig}"
    assert not signoff.verify(ctx, decided["id"])["hopLe"]


def test_sign_off_from_the_facility_page(client, ctx):
    seed(ctx)
    province_user(ctx)
    certify(ctx, "58001")
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    refused = client.post("/so-y-te/co-so/58002", data={"decision": "ready"})
    assert refused.status_code == 422 and "chưa có giấy chứng nhận" in refused.text
    page = client.post("/so-y-te/co-so/58001", data={"decision": "ready", "reason": ""})
    assert "Đã xác nhận sẵn sàng" in page.text and "Văn bản xác nhận (PDF)" in page.text
    assert "Trưởng phòng CNTT" in page.text          # who attested each readiness condition


def test_only_the_health_department_signs_off(ctx):
    seed(ctx)
    certify(ctx, "58001")
    bhxh = province_user(ctx, username="bhxh.nt", organisation="BHXH")
    with pytest.raises(SandboxError) as caught:
        signoff.decide(ctx, bhxh, "58001", "ready")
    assert caught.value.code_info.code == "403" and "Sở Y tế" in caught.value.message_vi

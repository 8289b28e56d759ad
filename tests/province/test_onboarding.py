"""The seven steps (QĐ 2733 PL01 Đ5): a facility without a code asks the Sở Y tế for one on a page, then
BHXH for an account; who may decide, in which province; every request and decision kept with who and
when; the steps that follow read from what the facility does, with the plan's deadlines."""

import pytest

from province import onboarding
from sandbox import admin, auth
from sandbox.errors import SandboxError
from sandbox.security import md5_upper
from sandbox.storage.onboarding import OnboardingRequest
from tests.province.helpers import PASSWORD, province_user, seed

XA_KON_TUM = "23284"        # a Quảng Ngãi ward of 2025 (in former Kon Tum)


def _code(exc) -> str:
    return exc.value.code_info.code


def test_a_facility_gets_its_code_from_the_so_y_te_then_its_account_from_bhxh(ctx, client):
    seed(ctx)
    syt_qn = province_user(ctx, "syt.quangngai", province="51")
    bhxh_qn = province_user(ctx, "bhxh.quangngai", province="51", organisation="BHXH")
    syt_kh = province_user(ctx, "syt.khanhhoa", province="56")
    page = client.post("/so-y-te/dang-ky/ma", data={"tinh": "51", "ten": "Phòng khám Đa khoa Ngọc Linh",
                                                    "xa": XA_KON_TUM, "lien_he": "BS. A Tuấn, 0905000000"})
    assert page.status_code == 201 and "Đã nhận đề nghị số" in page.text
    [request] = [r for r in onboarding.requests(ctx, syt_qn) if r["kind"] == "code"]
    assert request["reference"].startswith("YC-51-") and request["state"] == "pending"
    assert onboarding.requests(ctx, syt_kh) == []                                  # another province sees nothing
    with pytest.raises(SandboxError) as other_province:
        onboarding.decide(ctx, syt_kh, request["id"], True)
    with pytest.raises(SandboxError) as not_bhxh:
        onboarding.decide(ctx, bhxh_qn, request["id"], True)
    assert (_code(other_province), _code(not_bhxh)) == ("4204", "403")
    decided = onboarding.decide(ctx, syt_qn, request["id"], True)
    code = decided["facilityCode"]
    assert code[:2] == "51" and len(code) == 5 and decided["decidedBy"] == "syt.quangngai" and decided["decidedAt"]
    assert next(f for f in admin.list_facilities(ctx, "51") if f["code"] == code)["commune"] == "Phường Đăk Cấm"
    status = client.get("/so-y-te/dang-ky", params={"so": request["reference"]}).text
    assert "Đã chấp thuận" in status and code in status and "0905000000" not in status   # no contact in public
    with pytest.raises(SandboxError) as twice:
        onboarding.decide(ctx, syt_qn, request["id"], False, "x")
    assert _code(twice) == "4091"
    assert onboarding.progress(ctx, [code])[code].current == 2

    asked = onboarding.request_account(ctx, code, "BS. A Tuấn", client_ip="198.51.100.7")
    account_request = next(r for r in onboarding.requests(ctx, bhxh_qn) if r["reference"] == asked["reference"])
    with pytest.raises(SandboxError) as not_syt:
        onboarding.decide(ctx, syt_qn, account_request["id"], True)
    assert _code(not_syt) == "403"
    issued = onboarding.decide(ctx, bhxh_qn, account_request["id"], True)
    assert issued["username"] == f"{code}_BV" and len(issued["firstPassword"]) >= 12
    token = auth.take_token(ctx, issued["username"], md5_upper(issued["firstPassword"]), None)
    assert token.access_token
    p = onboarding.progress(ctx, [code])[code]
    assert p.done[:3] == (True, True, False) and p.current == 3 and p.late        # the plan's 31/12/2024 has passed
    client.post("/so-y-te/dang-nhap", data={"username": "bhxh.quangngai", "password": PASSWORD})
    steps_page = client.get("/so-y-te/lien-thong").text
    assert asked["reference"] in steps_page and "QUÁ HẠN" in steps_page and issued["firstPassword"] not in steps_page


def test_a_refusal_needs_a_reason_and_bad_requests_change_nothing(ctx, client):
    who = province_user(ctx, "syt.quangngai", province="51")
    made = onboarding.request_code(ctx, "PK Sa Thầy", "51", XA_KON_TUM, "0905", client_ip="203.0.113.1")
    request_id = onboarding.requests(ctx, who)[0]["id"]
    with pytest.raises(SandboxError) as no_reason:
        onboarding.decide(ctx, who, request_id, False, "  ")
    assert _code(no_reason) == "4221"
    refused = onboarding.decide(ctx, who, request_id, False, "cơ sở chưa có giấy phép hoạt động")
    assert refused["state"] == "refused" and onboarding.status(ctx, made["reference"])["reason"].startswith("cơ sở")
    for bad in ({"tinh": "51", "ten": "PK", "xa": "22759", "lien_he": "x"},        # a Khánh Hòa ward
                {"tinh": "62", "ten": "PK", "xa": XA_KON_TUM, "lien_he": "x"},     # Kon Tum is no longer a province
                {"tinh": "51", "ten": "", "xa": XA_KON_TUM, "lien_he": "x"}):
        assert client.post("/so-y-te/dang-ky/ma", data=bad).status_code == 422
    assert client.post("/so-y-te/dang-ky/tai-khoan", data={"ma_cskcb": "51999", "lien_he": "x"}).status_code == 404
    with ctx.db.read() as s:
        assert s.query(OnboardingRequest).count() == 1


def test_pending_requests_from_one_address_are_limited(ctx):
    for i in range(onboarding.PENDING_PER_ADDRESS):
        onboarding.request_code(ctx, f"PK {i}", "51", XA_KON_TUM, "0905", client_ip="203.0.113.9")
    with pytest.raises(SandboxError) as limited:
        onboarding.request_code(ctx, "PK thừa", "51", XA_KON_TUM, "0905", client_ip="203.0.113.9")
    assert _code(limited) == "4206" and limited.value.code_info.http_status == 429
    onboarding.request_code(ctx, "PK khác", "51", XA_KON_TUM, "0905", client_ip="203.0.113.10")  # others still can


def test_the_api_gives_the_steps_and_takes_decisions(ctx, client):
    province_user(ctx, "syt.quangngai", province="51")
    admin.seed_facilities(ctx, kon_tum=True)
    onboarding.request_code(ctx, "PK Ia H'Drai", "51", XA_KON_TUM, "0905")
    token = client.post("/so-y-te/api/token", json={"username": "syt.quangngai", "password": PASSWORD}).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    data = client.get("/so-y-te/api/onboarding", headers=h).json()
    assert len(data["steps"]) == 7 and data["facilities"]["62001"]["current"] == 2 and data["facilities"]["62001"]["late"]
    request_id = data["requests"][0]["id"]
    assert client.post(f"/so-y-te/api/onboarding/{request_id}", headers=h, json={"approve": False}).json()["maLoi"] == "4221"
    made = client.post(f"/so-y-te/api/onboarding/{request_id}", headers=h, json={"approve": True}).json()
    assert made["state"] == "approved" and made["facilityCode"].startswith("51")

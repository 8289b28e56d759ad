"""One permission table for the province side (province/permissions.py), tried on every route that changes
something, for both roles, on the API and on the pages: BHXH tỉnh reads the board and files its reports;
it never decides for the Sở Y tế (settings, targets, sign-off, the six-monthly report's notes and visits)."""

import pytest

from province.permissions import PERMISSIONS
from tests.province.helpers import PASSWORD, province_user, seed

PERIOD = "2026-H2"
WRITES = {  # action: (method, API path, body or raw CSV, content type)
    "settings": ("put", "/so-y-te/api/settings", {"windowDays": 9}),
    "targets": ("put", "/so-y-te/api/campaign/targets", "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,co_so,10\n"),
    "sign_off": ("post", "/so-y-te/api/facilities/58001/sign-off", {"decision": "refused", "reason": "chưa đủ"}),
    "periodic_notes": ("put", f"/so-y-te/api/periodic/{PERIOD}/notes", {"difficulties": "x", "proposals": "y"}),
    "declare_visits": ("put", f"/so-y-te/api/periodic/{PERIOD}/visits", "ma_cskcb,hinh_thuc,doi_tuong,so_luot_kcb\n58001,01,1.1,10\n"),
}


def _token(client, username):
    return {"Authorization": "Bearer " + client.post("/so-y-te/api/token", json={
        "username": username, "password": PASSWORD}).json()["token"]}


@pytest.mark.parametrize("organisation", ["SYT", "BHXH"])
@pytest.mark.parametrize("action", sorted(WRITES))
def test_every_write_on_the_api_follows_the_table(client, ctx, organisation, action):
    seed(ctx)
    username = "syt.nt" if organisation == "SYT" else "bhxh.nt"
    province_user(ctx, username=username, organisation=organisation)
    method, path, body = WRITES[action]
    headers = _token(client, username)
    if isinstance(body, str):
        answer = getattr(client, method)(path, content=body.encode(), headers={**headers, "Content-Type": "text/csv"})
    else:
        answer = getattr(client, method)(path, json=body, headers=headers)
    refused = answer.json().get("maLoi") == "403" and "việc này của Sở Y tế" in answer.json().get("thongDiep", "")
    assert refused == (organisation not in PERMISSIONS[action]), (action, organisation, answer.text[:300])


def test_bhxh_cannot_change_settings_on_the_page_either(client, ctx):
    seed(ctx)
    province_user(ctx, username="bhxh.nt", organisation="BHXH")
    client.post("/so-y-te/dang-nhap", data={"username": "bhxh.nt", "password": PASSWORD})
    page = client.post("/so-y-te/thiet-lap", data={"window_days": "9"})
    assert "không được thay đổi thiết lập" in page.text
    page = client.post(f"/so-y-te/dinh-ky?ky={PERIOD}", data={"difficulties": "x", "proposals": "y"})
    assert "không được ghi khó khăn" in page.text


@pytest.mark.parametrize("organisation", ["SYT", "BHXH"])
def test_forms_are_shown_only_to_those_who_may_send_them(client, ctx, organisation):
    """BHXH tỉnh sees no sign-off, targets, declared-visits or notes form, and the settings read-only;
    the Sở Y tế sees them all."""
    from tests.province.helpers import certify
    seed(ctx)
    certify(ctx, "58001")
    username = "syt.forms" if organisation == "SYT" else "bhxh.forms"
    province_user(ctx, username=username, organisation=organisation)
    client.post("/so-y-te/dang-nhap", data={"username": username, "password": PASSWORD})
    pages = {"/so-y-te/co-so/58001": 'name="decision"', "/so-y-te/chien-dich": 'id="targets"',
             f"/so-y-te/dinh-ky?ky={PERIOD}": 'id="notes"', "/so-y-te/thiet-lap": "Lưu thiết lập"}
    for path, form in pages.items():
        page = client.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert (form in page.text) == (organisation == "SYT"), (organisation, path)

"""Page sessions (issue 23, finding 1): server-side, one cookie per area, ended at logout, idle and absolute
timeouts and a password change; the account's standing is checked on every request of the portal as on
every gateway call.  A copied cookie is worth nothing after any of these; a forged one never was."""

import pytest

from province import users as province_users
from sandbox import admin
from tests.health_book.conftest import PASSWORD as VNEID_PASSWORD, population  # noqa: F401
from tests.province.helpers import PASSWORD as PROVINCE_PASSWORD, province_user

PORTAL_PAGES = ("/portal/", "/portal/so-suc-khoe", "/portal/xuat.csv", "/portal/chung-nhan")


def _portal(client, his):
    client.post("/portal/login", data={"username": his.username, "password": his.password})
    assert client.get("/portal/", follow_redirects=False).status_code == 200
    return client.cookies.get("skdt_portal", path="/portal")


def _refused(client, pages=PORTAL_PAGES, cookie=None) -> bool:
    if cookie is not None:
        client.cookies.set("skdt_portal", cookie, path="/portal")
    return all(client.get(p, follow_redirects=False).status_code in (302, 401) for p in pages)


@pytest.mark.parametrize("change", ["disable", "suspend", "address", "password"])
def test_an_open_portal_session_dies_when_the_account_stops_standing(ctx, client, his, change):
    cookie = _portal(client, his)
    if change == "disable":
        admin.update_account(ctx, his.username, active=False)
    elif change == "suspend":
        admin.set_facility_status(ctx, his.facility, "suspended")
    elif change == "address":
        admin.update_account(ctx, his.username, allowed_ips="10.9.9.0/24")
    else:
        admin.update_account(ctx, his.username, password="Another@2026")
    assert _refused(client)
    if change != "password":   # the same account standing again: the ended session stays ended
        admin.update_account(ctx, his.username, active=True, allowed_ips="")
        admin.set_facility_status(ctx, his.facility, "active")
    assert _refused(client, cookie=cookie)


@pytest.mark.parametrize("change", ["disable", "suspend", "address"])
def test_a_refused_account_cannot_log_in_to_the_portal_and_is_told_why(ctx, client, his, change):
    {"disable": lambda: admin.update_account(ctx, his.username, active=False),
     "suspend": lambda: admin.set_facility_status(ctx, his.facility, "suspended"),
     "address": lambda: admin.update_account(ctx, his.username, allowed_ips="10.9.9.0/24")}[change]()
    page = client.post("/portal/login", data={"username": his.username, "password": his.password})
    assert page.status_code == 401 and {"disable": "4031", "suspend": "4032", "address": "4035"}[change] in page.text
    assert "skdt_portal" not in client.cookies and _refused(client)


def test_logout_kills_the_cookie_everywhere_and_a_forged_one_opens_nothing(ctx, client, his):
    cookie = _portal(client, his)
    client.get("/portal/logout")
    assert _refused(client, cookie=cookie)                      # replaying the copied cookie after logout
    assert _refused(client, cookie="forged-" + "A" * 40)
    client.cookies.set("session", "eyJmYWNpbGl0eSI6IjU4MDAxIiwidXNlcm5hbWUiOiI1ODAwMV9CViJ9.forged", path="/")
    assert _refused(client)                                     # Flask's cookie means nothing any more


def test_idle_and_absolute_timeouts(ctx, client, his):
    _portal(client, his)
    admin.set_clock(ctx, "+31m")
    assert _refused(client)                                     # 30 minutes without a request
    admin.set_clock(ctx, "+0m")
    _portal(client, his)
    for minutes in range(20, 12 * 60, 20):                      # busy all day …
        admin.set_clock(ctx, f"+{minutes}m")
        assert client.get("/portal/", follow_redirects=False).status_code == 200
    admin.set_clock(ctx, f"+{12 * 60 + 5}m")
    assert _refused(client)                                     # … and still out after 12 hours


def test_one_session_per_area(ctx, client, his):
    province_user(ctx)
    _portal(client, his)
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PROVINCE_PASSWORD})
    assert client.get("/so-y-te/bang").status_code == 200
    assert client.get("/portal/", follow_redirects=False).status_code == 200
    client.get("/so-y-te/dang-xuat")
    assert client.get("/portal/", follow_redirects=False).status_code == 200
    assert client.get("/so-y-te/bang", follow_redirects=False).status_code == 302


@pytest.mark.parametrize("change", ["logout", "disable", "password"])
def test_province_sessions_die_at_logout_disable_and_password_change(ctx, client, change):
    province_user(ctx)
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PROVINCE_PASSWORD})
    assert client.get("/so-y-te/bang").status_code == 200
    cookie = client.cookies.get("skdt_so_y_te", path="/so-y-te")
    if change == "logout":
        client.get("/so-y-te/dang-xuat")
    elif change == "disable":
        province_users.update_user(ctx, "syt.ninhthuan", active=False)
    else:
        province_users.update_user(ctx, "syt.ninhthuan", password="Khac@20262026")
    client.cookies.set("skdt_so_y_te", cookie, path="/so-y-te")
    assert client.get("/so-y-te/bang", follow_redirects=False).status_code == 302
    if change == "disable":
        province_users.update_user(ctx, "syt.ninhthuan", active=True)
        assert client.get("/so-y-te/bang", follow_redirects=False).status_code == 302


def test_vneid_pages_have_their_own_session_that_dies_at_logout(ctx, client, population):
    client.post("/vneid/dang-nhap", data={"soDinhDanh": "058085000001", "matKhau": VNEID_PASSWORD})
    assert client.get("/vneid/", follow_redirects=False).status_code == 200
    cookie = client.cookies.get("skdt_vneid", path="/vneid")
    assert cookie and "skdt_portal" not in client.cookies
    client.get("/vneid/dang-xuat")
    client.cookies.set("skdt_vneid", cookie, path="/vneid")
    assert client.get("/vneid/", follow_redirects=False).status_code == 302
    client.cookies.set("skdt_vneid", "forged", path="/vneid")
    assert client.get("/vneid/", follow_redirects=False).status_code == 302

"""CSRF (issue 23, finding 8): every page form carries a Flask-WTF token; a POST without it — what another
site's form would send with the user's cookies — is refused with a page saying to reload, and changes
nothing, on the portal, the Sở Y tế pages, the VNeID pages and the certification pages."""

import dataclasses
import re

import pytest

from sandbox.app import create_app
from tests.plugins.gateway import PASSWORD as HIS_PASSWORD
from tests.province.helpers import PASSWORD as PROVINCE_PASSWORD, province_user, seed

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(ctx):
    ctx.settings = dataclasses.replace(ctx.settings, csrf=True)
    return create_app(ctx=ctx, start_worker=False).test_client()


def _token(client, path: str) -> str:
    page = client.get(path)
    found = TOKEN.search(page.text)
    assert found, (path, page.text[:300])
    return found.group(1)


def test_portal_login_and_forms_need_the_token(client, make_his):
    his = make_his()
    forged = client.post("/portal/login", data={"username": his.username, "password": HIS_PASSWORD},
                         follow_redirects=False)
    assert forged.status_code == 400 and "tải lại trang" in forged.text
    assert "/portal/" not in forged.headers.get("location", "")
    token = _token(client, "/portal/login")
    done = client.post("/portal/login", data={"username": his.username, "password": HIS_PASSWORD, "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code in (302, 303), done.text[:300]
    # logged in: a cross-site form posting to the certification page is refused, and no session is opened
    forged = client.post("/portal/chung-nhan", data={"software": "X", "vendor": "Y", "version": "1"})
    assert forged.status_code == 400
    assert "X 1" not in client.get("/portal/chung-nhan").text
    token = _token(client, "/portal/chung-nhan")
    opened = client.post("/portal/chung-nhan", data={"software": "X", "vendor": "Y", "version": "1", "csrf_token": token},
                         follow_redirects=False)
    assert opened.status_code in (302, 303), opened.text[:300]


def test_province_pages_need_the_token(client, ctx):
    seed(ctx)
    province_user(ctx)
    forged = client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PROVINCE_PASSWORD})
    assert forged.status_code == 400
    token = _token(client, "/so-y-te/dang-nhap")
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PROVINCE_PASSWORD, "csrf_token": token})
    from province import settings as province_settings
    before = province_settings.get(ctx, "56").window_days
    forged = client.post("/so-y-te/thiet-lap", data={"window_days": "9"})
    assert forged.status_code == 400 and province_settings.get(ctx, "56").window_days == before != 9
    token = _token(client, "/so-y-te/thiet-lap")
    saved = client.post("/so-y-te/thiet-lap", data={"window_days": "9", "csrf_token": token})
    assert saved.status_code == 200 and 'value="9"' in saved.text


def test_vneid_login_needs_the_token(client):
    forged = client.post("/vneid/dang-nhap", data={"soDinhDanh": "058085000001", "matKhau": "Vneid@2026"},
                         follow_redirects=False)
    assert forged.status_code == 400 and "tải lại trang" in forged.text
    token = _token(client, "/vneid/dang-nhap")
    done = client.post("/vneid/dang-nhap", data={"soDinhDanh": "058085000001", "matKhau": "x", "csrf_token": token})
    assert "tải lại trang" not in done.text and "Biểu mẫu" not in done.text   # judged on its password, not refused


def test_the_apis_need_no_token(client, his):
    """Header-authenticated APIs are not cookie-based: no CSRF token, as before."""
    from sandbox.security import md5_upper
    answer = client.post("/api/token/take", data={"username": his.username, "password": md5_upper(his.password)}).json()
    assert answer["maKetQua"] == "200"


def test_a_form_posted_over_https_without_a_referrer_is_accepted_with_its_token(client, make_his):
    """Pages say Referrer-Policy: no-referrer, so a browser sends none: behind TLS the token alone decides."""
    his = make_his()
    token = _token(client, "https://testserver/portal/login")
    done = client.post("https://testserver/portal/login", follow_redirects=False,
                       data={"username": his.username, "password": HIS_PASSWORD, "csrf_token": token})
    assert done.status_code in (302, 303), done.text[:300]

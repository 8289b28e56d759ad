"""Province users: created by CLI and admin API, exact passwords, lock-out with the time left, unknown
and wrong answered alike, tokens that cannot be forged, and pages only for a province session."""

from click.testing import CliRunner

from province import users
from sandbox.cli import main
from tests.province.helpers import PASSWORD, province_user, seed

ADMIN = {"X-Admin-Token": "test-admin-token"}


def _login(client, username="syt.ninhthuan", password=PASSWORD):
    return client.post("/so-y-te/api/token", json={"username": username, "password": password})


def test_admin_api_creates_users_and_requires_the_admin_token(client, ctx):
    body = {"username": "bhxh.nt", "password": "Bhxh@2026!", "fullName": "Lê Thị B", "organisation": "BHXH",
            "provinceCode": "56"}
    assert client.post("/so-y-te/api/users", json=body).status_code in (401, 403)
    former = client.post("/so-y-te/api/users", json={**body, "provinceCode": "58"}, headers=ADMIN).json()
    assert former["maLoi"] == "4221" and "thuộc tỉnh 56 (Khánh Hòa)" in former["thongDiep"]   # Ninh Thuận is gone
    assert client.post("/so-y-te/api/users", json=body, headers={"X-Admin-Token": "wrong"}).json()["maLoi"] == "4036"
    created = client.post("/so-y-te/api/users", json=body, headers=ADMIN)
    assert created.status_code == 201 and created.json()["organisation"] == "BHXH"
    assert client.post("/so-y-te/api/users", json=body, headers=ADMIN).json()["maLoi"] == "4091"
    bad = client.post("/so-y-te/api/users", json={**body, "username": "x", "provinceCode": "99"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["maLoi"] == "4221"
    assert [u["username"] for u in client.get("/so-y-te/api/users", headers=ADMIN).json()] == ["bhxh.nt"]
    stored = ctx.db  # the password is hashed, never stored as given
    with stored.read() as s:
        from sandbox.storage.models import ProvinceUser
        assert "Bhxh@2026!" not in s.get(ProvinceUser, "bhxh.nt").password_hash


def test_cli_adds_and_lists_users(ctx, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", ctx.settings.database_url)
    runner = CliRunner()
    out = runner.invoke(main, ["province", "user", "add", "syt.qn", "--province", "51", "--password", "QuangNgai@2026"])
    assert out.exit_code == 0, out.output
    assert "syt.qn" in runner.invoke(main, ["province", "user", "list"]).output


def test_exact_password_lock_out_and_alike_answers(client, ctx):
    province_user(ctx)
    assert _login(client).status_code == 200
    assert _login(client, password=PASSWORD.upper()).status_code == 401    # exact comparison
    wrong = _login(client, password="nope").json()
    unknown = _login(client, username="nobody").json()
    assert wrong["maLoi"] == unknown["maLoi"] == "4201"
    assert wrong["thongDiep"].rsplit(";", 1)[0] == unknown["thongDiep"].rsplit(";", 1)[0]
    for _ in range(3):
        _login(client, password="nope")
    locked = _login(client).json()          # the right password is locked out now, with the time left
    assert locked["maLoi"] == "4202" and "phút" in locked["thongDiep"]
    users.update_user(ctx, "syt.ninhthuan", unlock=True)
    assert _login(client).status_code == 200


def test_inactive_user_and_forged_tokens_are_refused(client, ctx):
    province_user(ctx)
    token = _login(client).json()["token"]
    assert client.get("/so-y-te/api/settings", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/so-y-te/api/settings", headers={"Authorization": f"Bearer {forged}"}).json()["maLoi"] == "4203"
    users.update_user(ctx, "syt.ninhthuan", active=False)
    assert client.get("/so-y-te/api/settings", headers={"Authorization": f"Bearer {token}"}).json()["maLoi"] == "4203"
    assert _login(client).status_code == 401


def test_pages_need_a_province_session_not_a_facility_one(client, ctx):
    seed(ctx)
    province_user(ctx)
    assert client.get("/so-y-te/bang", follow_redirects=False).headers["location"].startswith("/so-y-te/dang-nhap")
    client.post("/portal/login", data={"username": "58001_BV", "password": "Secret@58001"})
    assert client.get("/portal/").status_code == 200
    assert client.get("/so-y-te/bang", follow_redirects=False).status_code == 302       # a facility session is not a province one
    page = client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": "wrong"})
    assert page.status_code == 401 and "còn 4 lần thử" in page.text
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    assert client.get("/so-y-te/bang").status_code == 200
    assert client.get("/portal/", follow_redirects=False).status_code == 200             # one session per area: neither
    client.get("/portal/logout")                                                          # logs the other out …
    assert client.get("/portal/", follow_redirects=False).status_code == 302
    assert client.get("/so-y-te/bang").status_code == 200                                 # … nor ends it at logout


def test_settings_page_refuses_bad_values_and_changes_nothing(client, ctx):
    from province import settings
    province_user(ctx)
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    for form in ({"window_days": "0"}, {"grace_days": "abc"}, {"grace_threshold": "năm"}, {"grace_threshold": "500"},
                 {"campaign_start": "2026-13-01"}, {"campaign_start": "2026-12-10", "campaign_end": "2026-12-01"}):
        page = client.post("/so-y-te/thiet-lap", data=form)
        assert page.status_code == 422 and 'role="alert"' in page.text, form
    assert settings.get(ctx, "56") == settings.get(ctx, "99").__class__("56", **settings.DEFAULTS)
    ok = client.post("/so-y-te/thiet-lap", data={"window_days": "60", "grace_threshold": "2,5"})
    assert ok.status_code == 200 and settings.get(ctx, "56").grace_threshold == 0.025

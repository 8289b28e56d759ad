"""POST /api/token/take: form or JSON, MD5 password, expiry on the sandbox clock, lock-out, IPs."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from sandbox import admin
from sandbox.security import md5_upper
from sandbox.storage.models import Account


def test_form_encoded_login_returns_api_key_with_utc_expiry(ctx, make_his):
    his = make_his()
    response = his.take_token()
    assert response.status_code == 200
    body = response.json()
    assert body["maKetQua"] == "200"
    key = body["APIKey"]
    assert key["username"] == "58001_BV" and key["token_type"] == "Bearer"
    assert key["access_token"] and key["id_token"] and key["access_token"] != key["id_token"]
    expires = datetime.strptime(key["expires_in"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    expected = ctx.clock.now() + timedelta(minutes=ctx.settings.token_lifetime_minutes)
    assert abs((expires - expected).total_seconds()) < 5


def test_json_login_is_accepted(make_his, client):
    his = make_his()
    response = client.post("/api/token/take", json={"username": his.username, "password": md5_upper(his.password)})
    assert response.status_code == 200 and response.json()["maKetQua"] == "200"


def test_lowercase_md5_is_accepted_plain_password_is_not(make_his, client):
    his = make_his()
    ok = client.post("/api/token/take", data={"username": his.username, "password": md5_upper(his.password).lower()})
    assert ok.json()["maKetQua"] == "200"
    plain = client.post("/api/token/take", data={"username": his.username, "password": his.password})
    assert plain.status_code == 200 and plain.json()["maLoi"] == "4014"


def test_wrong_password_and_unknown_user_give_the_same_code(make_his, client):
    his = make_his()
    wrong = his.take_token(password=md5_upper("nope-nope"))
    unknown = client.post("/api/token/take", data={"username": "58999_BV", "password": md5_upper("x" * 8)})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.json()["maLoi"] == unknown.json()["maLoi"] == "4014"
    assert "MD5" in wrong.json()["thongDiep"]


def test_missing_field_is_205(client):
    response = client.post("/api/token/take", data={"username": "58001_BV"})
    assert response.status_code == 200
    body = response.json()
    assert body["maKetQua"] == "205" and body["maLoi"] == "2051"
    assert "password" in body["thongDiep"]


def test_lockout_after_repeated_failures_then_release_on_sandbox_clock(ctx, make_his):
    his = make_his()
    for _ in range(ctx.settings.max_failed_logins - 1):
        assert his.take_token(password="0" * 32).json()["maLoi"] == "4014"
    locked = his.take_token(password="0" * 32)
    assert locked.json()["maLoi"] == "4015"
    # even the right password is refused while locked
    assert his.take_token().json()["maLoi"] == "4015"
    admin.set_clock(ctx, f"+{ctx.settings.lockout_minutes + 1}m")
    assert his.take_token().json()["maKetQua"] == "200"


def test_successful_login_resets_failure_count(ctx, make_his):
    his = make_his()
    for _ in range(ctx.settings.max_failed_logins - 1):
        his.take_token(password="0" * 32)
    assert his.take_token().json()["maKetQua"] == "200"
    assert his.take_token(password="0" * 32).json()["maLoi"] == "4014"  # counter restarted


def test_admin_unlock(ctx, make_his):
    his = make_his()
    for _ in range(ctx.settings.max_failed_logins):
        his.take_token(password="0" * 32)
    assert his.take_token().json()["maLoi"] == "4015"
    admin.update_account(ctx, his.username, unlock=True)
    assert his.take_token().json()["maKetQua"] == "200"


def test_disabled_account_and_suspended_facility_cannot_log_in(ctx, make_his):
    his = make_his()
    admin.update_account(ctx, his.username, active=False)
    response = his.take_token()
    assert response.status_code == 200 and response.json()["maLoi"] == "4031"
    admin.update_account(ctx, his.username, active=True)
    admin.set_facility_status(ctx, "58001", "suspended")
    assert his.take_token().json()["maLoi"] == "4032"
    admin.set_facility_status(ctx, "58001", "active")
    assert his.take_token().json()["maKetQua"] == "200"


def test_registered_ip_allowlist(make_his, client):
    his = make_his(allowed_ips=["203.113.10.0/24"])
    body = {"username": his.username, "password": md5_upper(his.password)}
    refused = client.post("/api/token/take", data=body, headers={"X-Forwarded-For": "198.51.100.7"})
    assert refused.status_code == 200 and refused.json()["maLoi"] == "4035"
    ok = client.post("/api/token/take", data=body, headers={"X-Forwarded-For": "203.113.10.25"})
    assert ok.json()["maKetQua"] == "200"


def test_password_is_stored_as_a_salted_hash_not_the_md5(ctx, make_his):
    his = make_his()
    with ctx.db.read() as s:
        stored = s.scalar(select(Account.password_hash).where(Account.username == his.username))
    assert stored.startswith("pbkdf2_sha256$")
    assert md5_upper(his.password) not in stored and md5_upper(his.password).lower() not in stored
    other = make_his("58002", password=his.password)
    with ctx.db.read() as s:
        stored2 = s.scalar(select(Account.password_hash).where(Account.username == other.username))
    assert stored2 != stored  # salted


def test_unknown_and_wrong_are_answered_alike(make_his, client):
    his = make_his()
    wrong = his.take_token(password=md5_upper("wrong-password")).json()
    unknown = client.post("/api/token/take", data={"username": "58999_XX", "password": md5_upper("x")}).json()
    assert (wrong["maLoi"], wrong["thongDiep"]) == (unknown["maLoi"], unknown["thongDiep"])


def test_failures_from_elsewhere_do_not_lock_the_facility_out(make_his, client):
    his = make_his()
    attacker = {"X-Forwarded-For": "198.51.100.66"}
    body = {"username": his.username, "password": md5_upper("guess")}
    answers = [client.post("/api/token/take", data=body, headers=attacker).json()["maLoi"] for _ in range(6)]
    assert answers[-2:] == ["4015", "4015"]
    ok = client.post("/api/token/take", data={"username": his.username, "password": md5_upper(his.password)},
                     headers={"X-Forwarded-For": "203.113.10.25"})
    assert ok.json()["maKetQua"] == "200"


def test_one_address_guessing_many_accounts_is_slowed_never_locked(ctx, make_his, client):
    """Past ADDRESS_FREE failures from one address each further failure makes the next attempt wait, doubling to
    a minute: guessing slows to a crawl, but a colleague behind the same NAT with the right password is only
    told to wait seconds, never locked out (the old rule locked every account at the address for 15 min)."""
    from sandbox import throttle
    colleague = make_his()
    nat = {"X-Forwarded-For": "198.51.100.77"}
    for i in range(throttle.ADDRESS_FREE + 1):
        client.post("/api/token/take", data={"username": f"5800{i % 10}_XX", "password": md5_upper("x")}, headers=nat)
    slowed = client.post("/api/token/take", data={"username": "58009_XX", "password": md5_upper("x")}, headers=nat).json()
    assert slowed["maLoi"] == "4015" and "giây" in slowed["thongDiep"], slowed
    admin.set_clock(ctx, "+3s")                       # the 2 s wait is over: the right password gets in
    ok = client.post("/api/token/take", data={"username": colleague.username, "password": md5_upper(colleague.password)},
                     headers=nat).json()
    assert ok["maKetQua"] == "200", ok
    for k in range(12):                               # a guesser keeps failing: the wait grows, capped at a minute
        admin.set_clock(ctx, f"+{3 + 61 * (k + 1)}s")   # (the clock's offset from now, not a step)
        client.post("/api/token/take", data={"username": f"5801{k % 10}_YY", "password": md5_upper("x")}, headers=nat)
    waiting = client.post("/api/token/take", data={"username": "58020_YY", "password": md5_upper("x")}, headers=nat).json()
    assert waiting["maLoi"] == "4015" and ("60 giây" in waiting["thongDiep"] or "59 giây" in waiting["thongDiep"]), waiting

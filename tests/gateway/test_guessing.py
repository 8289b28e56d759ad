"""Guessing limits (issue 23, finding 5): share codes are counted per account from its address (and per
address) and stop for a while; wrong passwordHash values under a valid token withdraw the token after five —
the right one afterwards is refused."""

from sandbox import admin
from sandbox.security import md5_upper


def test_share_code_guesses_stop_and_say_for_how_long(ctx, his, client):
    for i in range(4):
        answer = client.get(f"/vneid/api/facility/share/WRQNGA2{i + 2}", headers=his.tokens).json()
        assert answer["maLoi"] == "4308" and "lần thử" in answer["thongDiep"]
    locked = [client.get(f"/vneid/api/facility/share/WRQNGA9{i + 2}", headers=his.tokens).json() for i in range(3)]
    assert all(a["maLoi"] == "4308" and "thử lại sau" in a["thongDiep"] for a in locked)
    admin.set_clock(ctx, "+16m")
    his.login()
    assert "lần thử" in client.get("/vneid/api/facility/share/WRQNGA22", headers=his.tokens).json()["thongDiep"]


def test_wrong_password_hash_withdraws_the_token_after_five(his, client):
    wrong = dict(his.tokens, passwordHash=md5_upper("not the password"))
    codes = [client.post("/api/egw/KQNhanLichSuKCB2024", json={}, headers=wrong).json() for _ in range(5)]
    assert [c["maKetQua"] for c in codes] == ["401"] * 5 and "thu hồi" in codes[-1]["ghiChu"]
    right = client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": "X"}, headers=his.tokens).json()
    assert right["maLoi"] == "4013"                    # the right passwordHash no longer helps: take a new token


def test_concurrent_failures_are_each_counted(ctx):
    """Twenty guesses at once from one address: no count lost between a read and its write, so the
    account is locked at exactly its fifth failure and the address counter holds all twenty."""
    from concurrent.futures import ThreadPoolExecutor
    from sandbox import throttle
    from sandbox.storage.models import LoginThrottle
    with ThreadPoolExecutor(8) as pool:
        lefts = list(pool.map(lambda _: throttle.failed(ctx, "race", "58001_BV", "203.0.113.77"), range(20)))
    assert sorted(lefts) == sorted([0, 1, 2, 3, 4] * 4)          # locked at the 5th, 10th, 15th and 20th
    with ctx.db.read() as s:
        address = s.get(LoginThrottle, "race|addr|203.0.113.77")
    assert address.locked_until is not None                      # all twenty reached the address limit


def test_a_malformed_share_code_is_said_up_front_and_not_counted(his, client):
    """A code that cannot be one (wrong length, I/O/0/1) is answered with its format, never counted as a guess."""
    for _ in range(8):
        answer = client.get("/vneid/api/facility/share/WRONG00", headers=his.tokens).json()
        assert answer["maLoi"] == "2051" and "8 ký tự" in answer["thongDiep"] and "WRONG00" not in answer["thongDiep"]
    assert "còn 4 lần thử" in client.get("/vneid/api/facility/share/WRQNGA22", headers=his.tokens).json()["thongDiep"]

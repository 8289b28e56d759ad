"""Guessing limits (issue 23, finding 5): share codes are counted per account from its address (and per
address) and stop for a while; wrong passwordHash values under a valid token withdraw the token after five —
the right one afterwards is refused."""

from sandbox import admin
from sandbox.security import md5_upper


def test_share_code_guesses_stop_and_say_for_how_long(ctx, his, client):
    for i in range(4):
        answer = client.get(f"/vneid/api/facility/share/WRONG00{i}", headers=his.tokens).json()
        assert answer["maLoi"] == "4308" and "lần thử" in answer["thongDiep"]
    locked = [client.get(f"/vneid/api/facility/share/WRONG9{i}", headers=his.tokens).json() for i in range(3)]
    assert all(a["maLoi"] == "4308" and "thử lại sau" in a["thongDiep"] for a in locked)
    admin.set_clock(ctx, "+16m")
    his.login()
    assert "lần thử" in client.get("/vneid/api/facility/share/WRONG000", headers=his.tokens).json()["thongDiep"]


def test_wrong_password_hash_withdraws_the_token_after_five(his, client):
    wrong = dict(his.tokens, passwordHash=md5_upper("not the password"))
    codes = [client.post("/api/egw/KQNhanLichSuKCB2024", json={}, headers=wrong).json() for _ in range(5)]
    assert [c["maKetQua"] for c in codes] == ["401"] * 5 and "thu hồi" in codes[-1]["ghiChu"]
    right = client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": "X"}, headers=his.tokens).json()
    assert right["maLoi"] == "4013"                    # the right passwordHash no longer helps: take a new token

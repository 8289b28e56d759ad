"""Explain my rejection: every request-level refusal is kept for its facility with what the sandbox saw
and expected, shown on the portal and by GET /api/sandbox/tu-choi, never with a secret."""


from sandbox import admin
from sandbox.security import md5_upper
from tests.plugins.gateway import episode_envelope


def _explained(his, **headers):
    response = his.client.get("/api/sandbox/tu-choi", headers={"username": his.username,
                                                               "passwordHash": md5_upper(his.password), **headers})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["maKetQua"] == "200", body
    return body


def test_each_refusal_says_what_was_seen_and_expected(ctx, his, make_his):
    payload = episode_envelope("58001")
    wrong_hash = dict(his.tokens, passwordHash=md5_upper("other").lower())
    his.submit(payload, headers=wrong_hash)                                   # 4014 password hash
    his.submit(payload, maCSKCB="58002", maTinh="58")                         # 4041-ish: facility not owned
    his.submit(payload, username="someone_else")                              # username mismatch
    his.submit(payload, headers={"accessToken": "x" * 32, "tokenId": "y" * 32, "passwordHash": "z"})  # token invalid
    admin.set_clock(ctx, "+2d")
    his.submit(payload)                                                       # token expired
    body = _explained(his)
    by_code = {r["maLoi"]: r for r in body["tuChoi"]}
    expired = by_code["4012"]
    assert "Token hết hạn lúc" in expired["sandboxThay"] and "Đồng hồ sandbox" in expired["sandboxThay"]
    assert "phút" in expired["sandboxCho"]["Thời hạn token"]
    mismatch = by_code["4016"]
    assert mismatch["sandboxThay"]["passwordHash gửi"] == "32 ký tự hex, chữ thường"
    owned = next(r for r in body["tuChoi"] if r["sandboxThay"].get("maCSKCB (form)") == "58002")
    assert owned["sandboxCho"]["maCSKCB"].startswith("58001")
    invalid = by_code["4013"]
    assert invalid["sandboxThay"]["accessToken gửi"] == "32 ký tự" and "Tài khoản (khai trong yêu cầu, chưa xác thực)" in invalid["sandboxThay"]
    text = str(body)
    for secret in ("x" * 32, "y" * 32, his.tokens["accessToken"], his.tokens["tokenId"], md5_upper(his.password)):
        assert secret not in text


def test_ip_and_envelope_facility_refusals(ctx, make_his, client):
    his = make_his("58001", allowed_ips="10.9.9.0/24")
    response = his.take_token()
    assert response.json()["maLoi"] == "4035"
    body = _explained(his)                                # credentials alone still read why
    ip = next(r for r in body["tuChoi"] if r["maLoi"] == "4035")
    assert ip["sandboxCho"]["Địa chỉ đã đăng ký (mẫu 01/dk-ip-ctn)"] == "10.9.9.0/24"
    assert ip["sandboxThay"]["Địa chỉ gọi"]
    login = client.post("/portal/login", data={"username": his.username, "password": his.password})
    assert login.status_code == 401 and "10.9.9.0/24" in login.text and "4035" in login.text   # told why …
    assert client.get("/portal/tu-choi", follow_redirects=False).status_code == 302           # … and not let in


def test_envelope_facility_and_certificates(ctx, his, make_his, credentials):
    his.submit(episode_envelope("58002"))                  # MACSKCB 58002 inside, 58001 on the form
    body = _explained(his)
    envelope = next(r for r in body["tuChoi"] if "THONGTINDONVI/MACSKCB (hồ sơ)" in r["sandboxThay"])
    assert envelope["sandboxThay"]["THONGTINDONVI/MACSKCB (hồ sơ)"] == "58002"
    stranger = credentials("58077")                        # a certificate never registered for 58001
    his.credential = stranger
    his.submit_ok(episode_envelope("58001", seed=5))
    certs = _explained(his)["chungThu"]
    assert certs["daDangKy"] and certs["daDangKy"][0]["trangThai"] == "còn hiệu lực"
    presented = certs["daTrinh"]
    assert len(presented) == 1 and presented[0]["daDangKy"] is False and presented[0]["maLoi"] == "SIG-007"


def test_explanations_need_the_right_credentials_and_stay_in_their_facility(ctx, his, make_his):
    other = make_his("58002").login()
    other.submit(episode_envelope("58002"), username="nobody")
    wrong = his.client.get("/api/sandbox/tu-choi", headers={"username": his.username, "passwordHash": md5_upper("no")})
    assert wrong.json()["maLoi"] == "4014"
    mine = _explained(his)["tuChoi"]
    assert [r["maLoi"] for r in mine] == ["4014"]         # its own wrong try only; 58002's refusal is not here
    assert [r["maLoi"] for r in _explained(other)["tuChoi"]] == ["4037"]

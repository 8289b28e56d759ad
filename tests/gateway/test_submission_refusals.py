"""Every request-level refusal of the submission endpoints, with its code; none stores anything."""

import base64

import pytest
from sqlalchemy import func, select

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from sandbox.result_codes import info
from sandbox.storage.models import Submission
from tests.plugins.gateway import checkin_document, episode_envelope


def stored(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(Submission))


def refused(response, code: str, family: str, http: int):
    """A gateway refusal: HTTP 200 (the default, as HIS clients read only 2xx bodies), the family in
    maKetQua, the precise code in maLoi.  ``http`` is the status under SANDBOX_ERRORS_AS_HTTP_200=false."""
    body = response.json()
    assert response.status_code == 200, response.text
    assert info(code).http_status == http
    assert body["maKetQua"] == family and body["maLoi"] == code, body
    assert body["maGiaoDich"] is None
    assert body["thongDiep"] and body["thongDiepEn"]
    return body


def test_accepted_submission_is_stored_before_answering(ctx, his):
    from tests.plugins.gateway import signed
    payload = signed(episode_envelope(), his.credential)
    response = his.submit(payload, sign=False)
    body = response.json()
    assert response.status_code == 200 and body["maKetQua"] == "200"
    assert len(body["thoiGianTiepNhan"]) == 14 and body["thoiGianTiepNhan"].isdigit()
    with ctx.db.read() as s:
        sub = s.get(Submission, body["maGiaoDich"])
        assert sub is not None and sub.payload == payload  # the raw bytes, exactly as sent


def test_missing_token_headers(ctx, his):
    refused(his.submit(episode_envelope(), headers={}), "4011", "401", 401)
    only_access = {"accessToken": his.tokens["accessToken"], "passwordHash": his.tokens["passwordHash"]}
    body = refused(his.submit(episode_envelope(), headers=only_access), "4011", "401", 401)
    assert "tokenId" in body["thongDiep"]
    assert stored(ctx) == 0


def test_forged_or_mismatched_token(ctx, his, make_his):
    forged = dict(his.tokens, accessToken="A" * 43)
    refused(his.submit(episode_envelope(), headers=forged), "4013", "401", 401)
    other = make_his("58002").login()
    crossed = dict(his.tokens, tokenId=other.tokens["tokenId"])  # halves of two different tokens
    refused(his.submit(episode_envelope(), headers=crossed), "4013", "401", 401)
    assert stored(ctx) == 0


def test_expired_token_on_the_sandbox_clock(ctx, his):
    admin.set_clock(ctx, f"+{ctx.settings.token_lifetime_minutes + 1}m")
    body = refused(his.submit(episode_envelope()), "4012", "401", 401)
    assert "hết hạn" in body["thongDiep"]
    admin.set_clock(ctx, "0")
    assert his.submit(episode_envelope()).json()["maKetQua"] == "200"


def test_password_hash_header_must_match(ctx, his):
    refused(his.submit(episode_envelope(), headers=dict(his.tokens, passwordHash="0" * 32)), "4016", "401", 401)
    no_hash = {k: v for k, v in his.tokens.items() if k != "passwordHash"}
    refused(his.submit(episode_envelope(), headers=no_hash), "4016", "401", 401)
    assert stored(ctx) == 0


def test_account_disabled_or_facility_suspended_after_token_issue(ctx, his):
    admin.update_account(ctx, his.username, active=False)
    refused(his.submit(episode_envelope()), "4031", "403", 403)
    admin.update_account(ctx, his.username, active=True)
    admin.set_facility_status(ctx, "58001", "suspended")
    body = refused(his.submit(episode_envelope()), "4032", "403", 403)
    assert "58001" in body["thongDiep"]
    assert stored(ctx) == 0


def test_ip_allowlist_applies_to_submissions(ctx, his):
    admin.update_account(ctx, his.username, allowed_ips=["10.20.30.40"])
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", data=his.form(episode_envelope()),
                               headers=dict(his.tokens, **{"X-Forwarded-For": "10.20.30.41"}))
    refused(response, "4035", "403", 403)
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", data=his.form(episode_envelope()),
                               headers=dict(his.tokens, **{"X-Forwarded-For": "10.20.30.40"}))
    assert response.json()["maKetQua"] == "200"


def test_username_must_be_the_tokens_account(ctx, his, make_his):
    make_his("58001", username="58001.ktv01")
    refused(his.submit(episode_envelope(), username="58001.ktv01"), "4037", "403", 403)


def test_facility_code_rules(ctx, his, make_his):
    make_his("58002")
    refused(his.submit(episode_envelope("58002"), maCSKCB="58002", maTinh="58"), "4033", "403", 403)
    refused(his.submit(episode_envelope(), maCSKCB="5800A"), "2055", "205", 400)
    body = refused(his.submit(episode_envelope(), maTinh="62"), "2054", "205", 400)
    assert "58" in body["thongDiep"]
    refused(his.submit(episode_envelope("58002")), "4034", "403", 403)  # envelope MACSKCB ≠ maCSKCB
    assert stored(ctx) == 0
    assert his.submit(episode_envelope(), maTinh="56").status_code == 200   # Khánh Hòa, which took in Ninh Thuận


@pytest.mark.parametrize("endpoint,loai", [("guiHoSoXmlQD3176", "0"), ("guiHoSoXmlQD130", "3176"),
                                           ("checkInKcbQd3176", "130"), ("guiDuLieuGdykQd130", "130")])
def test_loai_ho_so_must_fit_the_endpoint(ctx, his, endpoint, loai):
    refused(his.submit(episode_envelope(), endpoint=endpoint, loaiHoSo=loai), "2052", "205", 400)


def test_missing_form_field(ctx, his):
    body = refused(his.submit(episode_envelope(), maCSKCB=None), "2051", "205", 400)
    assert "maCSKCB" in body["thongDiep"]


def test_not_base64(ctx, his):
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", headers=his.tokens,
                               data=dict(his.form(b""), fileHSBase64="PD94bWwg*dmVyc2lvbj0="))
    body = refused(response, "2053", "205", 400)
    assert "vị trí 8" in body["thongDiep"]
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", headers=his.tokens,
                               data=dict(his.form(b""), fileHSBase64="PD94b"))
    refused(response, "2053", "205", 400)


def test_base64_with_line_breaks_is_accepted(ctx, his):
    text = base64.encodebytes(episode_envelope()).decode()  # wrapped at 76 chars like many HIS
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", headers=his.tokens,
                               data=dict(his.form(b""), fileHSBase64=text))
    assert response.json()["maKetQua"] == "200"


@pytest.mark.parametrize("payload,code", [
    (b"this is not xml", "1231"),
    (b"<GIAMDINHHS><THONGTINDONVI>", "1231"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><GIAMDINHHS>&a;</GIAMDINHHS>', "1233"),
    (b'<?xml version="1.0" encoding="windows-1258"?><GIAMDINHHS/>', "1234"),
    (b"<GIAMDINHHS><THONGTINDONVI><MACSKCB>58001</MACSKCB></THONGTINDONVI>\xff</GIAMDINHHS>", "1234"),
    (b"<TONG_HOP><MA_LK>1</MA_LK></TONG_HOP>", "1232"),
])
def test_file_format_refusals(ctx, his, payload, code):
    refused(his.submit(payload, sign=False), code, "123", 400)
    assert stored(ctx) == 0


def test_checkin_document_on_the_hoso_endpoint_is_wrong_root(ctx, his):
    refused(his.submit(checkin_document()), "1232", "123", 400)
    refused(his.submit(episode_envelope(), endpoint="checkInKcbQd3176", loaiHoSo="0"), "1232", "123", 400)


def test_checkin_row_facility_must_match(ctx, his):
    refused(his.submit(checkin_document("58002"), endpoint="checkInKcbQd3176", loaiHoSo="0"), "4034", "403", 403)


def test_oversized_request_is_1001(ctx, make_his):
    from sandbox.app import create_app
    small = ctx.settings.replace(max_request_bytes=4000)
    from sandbox.context import Context
    app = create_app(ctx=Context(small, ctx.db, ctx.clock), start_worker=False)
    his = make_his()
    his.client = app.test_client()
    his.login()
    big = envelope("58001", [generate(i, "58001", "noi_tru").documents() for i in range(3)])
    response = his.submit(big)
    assert response.json()["maKetQua"] == "1001" and response.status_code == 200
    assert response.headers["connection"] == "close"
    assert stored(ctx) == 0


def test_per_family_http_status_mode(ctx, make_his):
    """SANDBOX_ERRORS_AS_HTTP_200=false: each refusal keeps the HTTP status of its family."""
    from sandbox.app import create_app
    from sandbox.context import Context
    app = create_app(ctx=Context(ctx.settings.replace(errors_as_http_200=False, max_request_bytes=60_000),
                                 ctx.db, ctx.clock), start_worker=False)
    his = make_his()
    his.client = app.test_client()
    his.login()
    no_token = his.submit(episode_envelope(), headers={})
    assert no_token.status_code == 401 and no_token.json()["maLoi"] == "4011"
    wrong_facility = his.submit(episode_envelope(), maCSKCB="58002", maTinh="58")
    assert wrong_facility.status_code == 403 and wrong_facility.json()["maLoi"] == "4033"
    big = his.submit(envelope("58001", [generate(i, "58001", "noi_tru").documents() for i in range(3)]))
    assert big.status_code == 413 and big.json()["maKetQua"] == "1001"
    assert his.result("0" * 32).status_code == 404
    bad_login = his.take_token(password="X" * 32)
    assert bad_login.status_code == 401 and bad_login.json()["maLoi"] == "4014"


def test_json_body_is_accepted_like_the_form(ctx, his):
    """C# clients post the same five fields as a JSON object."""
    from tests.plugins.gateway import signed
    fields = his.form(signed(episode_envelope(), his.credential))
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", json=fields, headers=his.tokens)
    assert response.json()["maKetQua"] == "200", response.text
    assert stored(ctx) == 1
    missing = his.client.post("/api/qd130/guiHoSoXmlQD3176", json={k: v for k, v in fields.items() if k != "maCSKCB"},
                              headers=his.tokens)
    refused(missing, "2051", "205", 400)
    assert stored(ctx) == 1

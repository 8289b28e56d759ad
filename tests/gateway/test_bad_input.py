"""Bad input at the HTTP layer is answered as coded JSON, never a 500, and never logged raw."""

import logging

import pytest

ADMIN = {"X-Admin-Token": "test-admin-token"}
SECRET = "Mat-khau-bi-mat-123"


@pytest.mark.parametrize("path", ["/api/token/take", "/vneid/api/login", "/api/egw/KQNhanLichSuKCB2024"])
def test_non_utf8_json_is_coded_and_not_logged(client, path, caplog):
    caplog.set_level(logging.DEBUG)
    body = b'{"username":"\xff\xfe","password":"' + SECRET.encode() + b'","soDinhDanh":"\xff","matKhau":"' \
        + SECRET.encode() + b'"}'
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500 and response.json()["maLoi"] == "2051"
    assert SECRET not in caplog.text and "\\xff" not in caplog.text


@pytest.mark.parametrize("path", ["/api/token/take", "/vneid/api/login", "/admin/api/facilities"])
def test_json_nested_100000_levels(client, path):
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post(path, content=deep, headers={"Content-Type": "application/json", **ADMIN})
    assert response.status_code < 500 and response.json()["maLoi"] == "2051"


@pytest.mark.parametrize("path", ["/vneid/api/facility/share/ab%0Acd", "/admin/api/facilities/58%0D01/suspend",
                                  "/api/qd130/ketQuaTiepNhan%00", "/portal/giao-dich/%0A"])
def test_control_characters_in_paths(client, path):
    response = client.get(path) if "facilities" not in path else client.post(path, headers=ADMIN)
    assert response.status_code < 500 and response.json()["maLoi"] == "2051"


def test_submission_without_content_type(his):
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", content=b"username=x&loaiHoSo=130", headers=his.tokens)
    assert response.status_code == 200 and response.json()["maLoi"] == "2051"


def test_more_than_a_thousand_form_fields(client):
    body = "&".join(f"f{i}=1" for i in range(2000)).encode()
    response = client.post("/api/token/take", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.json()["maLoi"] == "2051"


@pytest.mark.parametrize("content", [b"personal_id,full_name\r\x0012\r", b"personal_id,full_name\n\xff\xfe"])
def test_malformed_csv_uploads(client, content):
    response = client.post("/admin/api/registry/citizens", content=content, headers={"Content-Type": "text/csv", **ADMIN})
    assert response.status_code == 422 and response.json()["maLoi"] == "4221"


def test_nul_bytes_anywhere_are_refused_before_the_database(his, client):
    """PostgreSQL cannot store NUL in text: refused with 2051 on both databases."""
    form = client.post("/api/token/take", data={"username": "58001\x00_BV", "password": "x"})
    assert form.json()["maLoi"] == "2051"
    body = client.post("/vneid/api/login", json={"soDinhDanh": "0580\u000085000001", "matKhau": "x"})
    assert body.json()["maLoi"] == "2051"
    query = his.client.get("/api/qd130/ketQuaTiepNhan?maGiaoDich=AB%00CD", headers=his.tokens)
    assert query.json()["maLoi"] == "2051"


def test_a_value_against_its_schema_is_refused_in_the_schemas_words_without_the_value(client, caplog):
    """A short password, a malformed clock offset: 2051 saying what is expected (the spec's description, in
    Vietnamese where it has one), never quoting the value — in the answer or in a log line."""
    caplog.set_level(logging.DEBUG)
    short = client.post("/admin/api/accounts", json={"username": "a.b", "facility": "58001", "password": "Ab1!x"},
                        headers=ADMIN).json()
    assert short["maLoi"] == "2051" and short["thongDiep"] == "password: tối thiểu 8 ký tự", short
    assert short["thongDiepEn"] == "password: at least 8 characters" and "Ab1!x" not in caplog.text
    offset = client.put("/admin/api/clock", json={"offset": "ngày mai"}, headers=ADMIN).json()
    assert offset["thongDiep"].startswith("offset: độ lệch dạng +36h") and "ngày mai" not in str(offset)


def test_a_missing_field_is_named_in_vietnamese(client):
    missing = client.post("/admin/api/accounts", json={"username": "a.b", "facility": "58001"}, headers=ADMIN).json()
    assert missing["maLoi"] == "2051" and missing["thongDiep"] == "thiếu trường password", missing

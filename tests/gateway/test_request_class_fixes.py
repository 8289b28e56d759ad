"""Unauthenticated 500s fixed as a class (issue 23, finding 6): paths are normalised once (repeated
slashes collapsed before any router or guard), and a JSON number longer than 1 000 digits is refused with
2051 before any parser meets it — on every JSON route."""

import pytest

LONG = "9" * 4400


@pytest.mark.parametrize("path", ["//admin/api/clock", "//vneid/api/me", "//so-y-te/api/board",
                                  "//api/qd130/ketQuaTiepNhan", "/api//qd130//ketQuaTiepNhan"])
def test_double_slashes_are_the_same_path_and_guarded_as_such(client, path):
    answer = client.get("http://testserver" + path)          # not "//admin…": a client reads that as a host
    assert answer.status_code < 500, answer.text[:300]
    single = client.get("http://testserver/" + "/".join(p for p in path.split("/") if p))
    assert answer.status_code == single.status_code


@pytest.mark.parametrize("path", ["/vneid/api/login", "/conformance/api/certificates/verify", "/so-y-te/api/token",
                                  "/api/egw/KQNhanLichSuKCB2024", "/api/TraCuuCCT/TraCuuTienMCCT"])
def test_a_number_of_4400_digits_is_refused_cleanly(client, path):
    answer = client.post(path, content=('{"soDinhDanh": ' + LONG + ', "token": ' + LONG + '}').encode(),
                         headers={"Content-Type": "application/json"})
    assert answer.status_code < 500 and answer.json()["maLoi"] == "2051", answer.text[:300]
    assert "1000 chữ số" in answer.json()["thongDiep"]


def test_ordinary_numbers_and_base64_bodies_pass(client, his):
    from tests.plugins.gateway import episode_envelope, signed, b64
    form = his.form(signed(episode_envelope("58001", seed=2), his.credential))
    answer = client.post("/api/qd130/guiHoSoXmlQD3176", json=form, headers=his.tokens).json()
    assert answer["maKetQua"] == "200", answer


def test_a_small_chunked_body_with_the_token_in_the_query_is_read(ctx, his, client):
    """The large-body gate looks at credentials only once a chunked body passes 4 MB: a small chunked
    Lskcb2025 call, its token in the query string, is answered as any other."""
    from demo.population import load_population
    load_population(ctx, ("58001",))
    query = {"token": his.tokens["accessToken"], "id_token": his.tokens["tokenId"], "username": his.username,
             "password": his.tokens["passwordHash"]}
    body = ("maThe=DN4585800000001&hoTen=Tr%E1%BA%A7n+V%C4%83n+An&ngaySinh=01%2F02%2F1985"
            "&hoTenCb=Nguy%E1%BB%85n+Th%E1%BB%8B+Thu&cccdCb=058190000001").encode()
    answer = client.post("/api/egw/Lskcb2025", params=query, content=iter([body[:40], body[40:]]),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.json()["maKetQua"] == "000", answer.text[:300]


def test_the_long_number_scan_finds_runs_across_its_windows():
    """The scan reads the body window by window (no copy of a 20 MB submission): a run straddling a window
    boundary is still found, a run of exactly 1 000 digits is not refused."""
    from sandbox.api.guards import WINDOW, has_long_number
    for start in (WINDOW - 1001, WINDOW - 500, WINDOW - 1, 3 * WINDOW - 700):
        assert has_long_number(b"[" + b" " * start + b"9" * 1001 + b"]"), start
    assert not has_long_number(b"[" + (b"9" * 1000 + b",") * 3000 + b"0]")


def test_a_long_run_of_digits_in_a_string_is_not_a_number(client):
    """Only numbers are bounded: a statement of 1 001 digits is text (schemathesis found it refused as a number),
    a number of 1 001 digits is refused before any parser meets it, and a body that is not JSON is left to the
    operation's own parser."""
    from sandbox.api.guards import has_long_number
    assert not has_long_number(b'{"statement": "' + b"0" * 5000 + b'"}')
    assert has_long_number(b'{"n": ' + b"1" * 1001 + b"}")
    assert has_long_number(b'{"n": 1.' + b"1" * 1001 + b"}")
    assert not has_long_number(b"a" + b"9" * 1001)
    answer = client.post("/vneid/api/login", json={"soDinhDanh": "0" * 1500, "matKhau": "x"})
    assert answer.status_code == 401, answer.text
    answer = client.post("/vneid/api/login", content=b'{"soDinhDanh": ' + b"1" * 5000 + b', "matKhau": "x"}',
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and "1000" in answer.json()["thongDiepEn"], answer.text


def test_a_fixed_path_shadowed_by_a_template_answers_405_for_the_methods_it_lacks(client):
    """GET /conformance/api/certificates/verify reached GET /certificates/{certificate_id} (schemathesis: Allow
    listed GET); the fixed path is the resource: 405 with its own Allow, and POST still answers."""
    got = client.get("/conformance/api/certificates/verify")
    assert got.status_code == 405 and got.headers["allow"] == "POST" and got.json()["maLoi"] == "2051"
    assert client.options("/conformance/api/certificates/verify").headers.get("allow") == "POST"
    assert client.post("/conformance/api/certificates/verify", json={"token": "x"}).json()["hopLe"] is False

"""The facility portal: login with the gateway account, own submissions only, errors shown."""

from fixtures.envelope import envelope
from fixtures.generator import generate
from tests.plugins.gateway import episode_envelope


def login(client, his):
    return client.post("/portal/login", data={"username": his.username, "password": his.password},
                       follow_redirects=False)


def test_login_required(client):
    response = client.get("/portal/", follow_redirects=False)
    assert response.status_code == 302 and "/portal/login" in response.headers["location"]


def test_wrong_password_is_explained(client, make_his):
    his = make_his()
    response = client.post("/portal/login", data={"username": his.username, "password": "wrong-one"})
    assert response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert "MD5" not in response.text and "còn 4 lần thử" in response.text   # a form has no MD5: said in its words


def test_a_page_error_is_written_for_the_form(client, his):
    """The certification form says which field to fill, not the API's family text and field name."""
    login(client, his)
    page = client.post("/portal/chung-nhan", data={"software": "", "vendor": "Công ty A", "version": "1.0"})
    assert page.status_code == 422 and "Nhập tên phần mềm" in page.text
    assert "Dữ liệu quản trị" not in page.text and "thiếu software" not in page.text


def test_list_and_detail_show_own_submissions_and_errors(client, his, make_his):
    good = his.submit_ok(episode_envelope())["maGiaoDich"]
    docs = generate(3, "58001", "kham").documents()
    docs.pop("XML1")
    bad = his.submit_ok(envelope("58001", [docs]))["maGiaoDich"]
    other = make_his("58002").login()
    foreign = other.submit_ok(episode_envelope("58002"))["maGiaoDich"]

    assert login(client, his).status_code == 302
    page = client.get("/portal/")
    assert page.status_code == 200
    assert "Danh sách tiếp nhận" in page.text and good in page.text and bad in page.text
    assert foreign not in page.text
    detail = client.get(f"/portal/giao-dich/{bad}")
    assert detail.status_code == 200 and "ENV-002" in detail.text and "Không hợp lệ" in detail.text
    assert client.get(f"/portal/giao-dich/{foreign}").status_code == 404


def test_logout(client, his):
    login(client, his)
    client.get("/portal/logout")
    assert client.get("/portal/", follow_redirects=False).status_code == 302

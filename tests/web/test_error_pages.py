"""Page routes answer a Vietnamese HTML page with a link back, never raw JSON; APIs keep JSON; a landing page."""


def test_landing_page_lists_every_part(client):
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Sổ sức khỏe điện tử" in page.text and "/portal/chung-nhan" in page.text


def test_unknown_page_is_a_vietnamese_page(client):
    page = client.get("/portal/khong-co-trang-nay", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang này" in page.text and "Quay lại" in page.text


def test_apis_keep_json(client):
    api = client.get("/api/khong-co", headers={"Accept": "text/html"})
    assert api.headers["content-type"].startswith("application/json") and api.json()["maLoi"] == "4041"


def test_405_carries_allow(client):
    response = client.get("/api/token/take")
    assert response.status_code == 405 and "POST" in response.headers.get("allow", "")


def test_pages_say_the_true_reason(client, his):
    client.post("/portal/login", data={"username": his.username, "password": his.password})
    page = client.get("/portal/giao-dich/KHONGCO")
    assert page.status_code == 404 and "Không có giao dịch KHONGCO của cơ sở 58001" in page.text

"""The citizen's pages for flows that were API-only: own details, wallet in annex 3's order (passcode, then
"Thêm thẻ BHYT"), share codes in force with revoke, whose book a guardian is reading; and the portal's
reading of a book by share code."""

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from tests.health_book.conftest import AN, PASSCODE, PASSWORD


def _page_login(client):
    response = client.post("/vneid/dang-nhap", data={"soDinhDanh": AN.personal_id, "matKhau": PASSWORD})
    assert response.status_code in (200, 302)


def test_wallet_asks_the_passcode_before_the_card_then_leads_to_consent(population, client):
    _page_login(client)
    first = client.get("/vneid/vi-giay-to?them=1").text
    assert 'name="passcode"' in first and 'name="maThe"' not in first          # annex 3 step 6 before step 7
    wrong = client.post("/vneid/vi-giay-to", data={"action": "passcode", "passcode": "000000"}).text
    assert "còn 4 lần thử" in wrong and 'name="maThe"' not in wrong
    second = client.post("/vneid/vi-giay-to", data={"action": "passcode", "passcode": PASSCODE}).text
    assert 'name="maThe"' in second and "Gửi yêu cầu" in second
    done = client.post("/vneid/vi-giay-to", data={"action": "add", "maThe": AN.card}).text
    assert "Tích hợp thẻ BHYT vào ví giấy tờ thành công" in done and "Mở Sổ sức khỏe điện tử" in done
    gate = client.get("/vneid/so-suc-khoe").text                               # annex 3 step 10: the consent notice
    assert "Vui lòng xác nhận" in gate and "Xác nhận" in gate


def test_own_details_page_saves_only_what_may_change(population, client):
    _page_login(client)
    page = client.get("/vneid/thong-tin-ca-nhan").text
    assert "Trần Văn An" in page and AN.personal_id in page and "01/02/1985" in page
    saved = client.post("/vneid/thong-tin-ca-nhan", data={"dienThoai": "0987654321", "nhomMau": "O+",
                                                         "hoTen": "Someone Else"}).text
    assert "Đã lưu thông tin cá nhân" in saved and "0987654321" in saved and "Trần Văn An" in saved


def test_share_page_lists_codes_in_force_and_revokes_one(an, population, client, make_his):
    population.submit_ok(envelope("58001", [generate(21, "58001", "kham", patient=AN).documents()]))
    an.open_book()
    _page_login(client)
    created = client.post("/vneid/chia-se", data={"action": "create", "passcode": PASSCODE}).text
    code = created.split('class="code">')[1].split("<")[0]
    assert len(code) == 8 and "Hết hạn lúc" in created and "Thu hồi" in created
    reception = make_his("58002")
    client.post("/portal/login", data={"username": reception.username, "password": reception.password})
    read = client.post("/portal/so-suc-khoe", data={"code": code.lower()})
    assert read.status_code == 200 and "Trần Văn An" in read.text and AN.card in read.text
    _page_login(client)
    log = client.get("/vneid/chia-se").text
    assert "58002" in log and "58002_BV" in log
    revoked = client.post("/vneid/chia-se", data={"action": "revoke", "code": code}).text
    assert f"Đã thu hồi mã {code}" in revoked and "Không có mã nào đang có hiệu lực" in revoked
    assert an.get("/health-book/share").json()["maChiaSe"] == []
    client.post("/portal/login", data={"username": reception.username, "password": reception.password})
    refused = client.post("/portal/so-suc-khoe", data={"code": code})
    assert refused.status_code == 403 and "Trần Văn An" not in refused.text


def test_a_guardian_sees_whose_book_is_open(ctx, an, population, client):
    child = "058324000778"
    admin.load_registry(ctx, "citizens", [{"personal_id": child, "full_name": "Trần Bảo Châu", "birth_date": "20220310",
                                           "sex": "2", "guardian_id": AN.personal_id, "vneid_level": "0"}])
    _page_login(client)
    home = client.get("/vneid/").text
    assert "Trần Bảo Châu" in home and "10/03/2022" in home and "<svg" in home and "🗂" not in home
    page = client.get(f"/vneid/ho-so-suc-khoe?cho={child}").text
    assert "Bạn đang xem sổ của người phụ thuộc" in page and "Trần Bảo Châu" in page
    own = client.get("/vneid/ho-so-suc-khoe").text
    assert "Bạn đang xem sổ của người phụ thuộc" not in own
    stranger = client.get("/vneid/ho-so-suc-khoe?cho=058085000999").text
    assert "Bạn đang xem sổ của người phụ thuộc" not in stranger


def test_a_visit_not_in_the_book_says_so(an, population, client):
    population.submit_ok(envelope("58001", [generate(22, "58001", "kham", patient=AN).documents()]))
    an.open_book()
    _page_login(client)
    for path in ("/vneid/so-suc-khoe/987654", "/vneid/so-suc-khoe/0"):
        page = client.get(path)
        assert page.status_code == 404 and "không có lượt khám này trong sổ" in page.text, path


def test_the_wallet_and_the_visit_show_a_card_with_the_same_facts(ctx, an, population, client):
    """One card, the same facts on both screens and in the PDF: the number, "Giá trị sử dụng từ … đến …" and the
    registered facility by name — the wallet from the card register, the visit from the card it was made with."""
    import re
    from sandbox.health_book import vneid
    population.submit_ok(envelope("58001", [generate(23, "58001", "kham", patient=AN).documents()]))
    an.open_book()
    _page_login(client)
    wallet = client.get("/vneid/vi-giay-to").text
    card = vneid.wallet(ctx, AN.personal_id)[0]
    visit_id = an.get("/health-book/visits").json()["luotKham"][0]["id"]
    visit = client.get(f"/vneid/so-suc-khoe/{visit_id}").text
    facts = lambda page: re.findall(r"<dt>(Mã thẻ|Giá trị sử dụng|Nơi đăng ký KCB ban đầu)</dt><dd>([^<]*)</dd>", page)  # noqa: E731
    assert [k for k, _ in facts(wallet)] == [k for k, _ in facts(visit)] == ["Mã thẻ", "Giá trị sử dụng",
                                                                          "Nơi đăng ký KCB ban đầu"]
    assert dict(facts(wallet))["Mã thẻ"] == card["maThe"] == dict(facts(visit))["Mã thẻ"]
    for page in (wallet, visit):
        valid = dict(facts(page))["Giá trị sử dụng"]
        assert re.fullmatch(r"từ \d{2}/\d{2}/\d{4} đến \d{2}/\d{2}/\d{4}", valid), valid
        assert re.search(r"\(\d{5}\)$", dict(facts(page))["Nơi đăng ký KCB ban đầu"])     # "Name (code)"

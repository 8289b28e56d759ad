"""VNeID flows of annexes 2 and 3: login, passcode, wallet, consent, visits by year, PDF, personal
details, dependants, share codes and the access log; one citizen never reads another's book."""

from datetime import datetime

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from sandbox.result_codes import ResultCode, info
import pytest

from tests.health_book.conftest import AN, PASSWORD, Citizen


def code(response):
    return response.json().get("maLoi")


def test_login_refusals(population, client):
    c = Citizen(client, "058085000001")
    assert code(c.login("wrong-password")) == "4101"
    assert code(Citizen(client, "058999999999").login()) == "4101"
    assert code(c.get("/me")) == "4102"
    assert c.login().status_code == 200
    me = c.get("/me").json()
    assert me["hoTen"] == "Trần Văn An" and me["mucDinhDanh"] == 2
    c.post("/logout")
    assert code(c.get("/me")) == "4102"


def test_session_expires_on_the_sandbox_clock(ctx, an):
    admin.set_clock(ctx, f"+{ctx.settings.vneid_session_minutes + 1}m")
    assert code(an.get("/me")) == "4102"


def test_annex3_without_card_then_wallet_then_annex2_consent(ctx, an):
    assert code(an.get("/health-book")) == "4303"   # QĐ 31/QĐ-BYT: from 2026 no card is needed, only consent
    admin.set_clock(ctx, "-400d")                    # before 2026 the book asked for a card in the wallet first
    book = an.get("/health-book")
    assert book.status_code == 403 and code(book) == "4302"
    assert book.json()["thongDiep"] == info(ResultCode.VNEID_NO_CARD).vi  # annex 3 step 4, word for word
    assert "chưa được tích hợp vào ví giấy tờ" in book.json()["thongDiep"]
    admin.set_clock(ctx, "+0m")
    assert code(an.post("/wallet/bhyt", {"maThe": "DN4585800000001"})) == "4104"   # passcode first
    assert code(an.passcode("000000")) == "4103"
    assert an.passcode().status_code == 200
    assert code(an.post("/wallet/bhyt", {"maThe": "DN4585899999999"})) == "4304"
    assert code(an.post("/wallet/bhyt", {"maThe": "HN2585800000016"})) == "4305"   # Lê Thị Hoa's card
    assert code(an.post("/wallet/bhyt", {"maThe": "12AB"})) == "4221"
    linked = an.post("/wallet/bhyt", {"maThe": "5800000001"})                      # 10-digit BHXH number
    assert linked.status_code == 200 and linked.json()["maThe"] == "DN4585800000001"
    assert [c["maThe"] for c in an.get("/wallet/bhyt").json()["theBhyt"]] == ["DN4585800000001"]
    consent = an.get("/health-book")
    assert code(consent) == "4303"
    assert consent.json()["thongDiep"].startswith("Thông tin về lịch sử khám chữa bệnh bảo hiểm y tế của bạn "
                                                  "sẽ được tích hợp hiển thị trên ứng dụng VNeID")
    assert an.post("/health-book/consent").status_code == 200
    assert an.get("/health-book").json()["trangThai"] == "SAN_SANG"
    assert an.post("/health-book/refresh").json()["thongBao"] == "Đã cập nhật dữ liệu"


def test_expired_card_cannot_be_linked(ctx, population, client):
    from sandbox.storage.models import Card
    hoa = Citizen(client, "058190000002")
    hoa.login()
    hoa.passcode()
    with ctx.db.session() as s:
        s.get(Card, "HN2585800000016").valid_to = "20200101"
    assert code(hoa.post("/wallet/bhyt", {"maThe": "HN2585800000016"})) == "4306"


def test_level_one_account_cannot_open_the_book(ctx, population, client):
    from sandbox.storage.models import Citizen as CitizenRow
    with ctx.db.session() as s:
        s.get(CitizenRow, "058190000002").vneid_level = 1
    hoa = Citizen(client, "058190000002")
    hoa.login()
    assert code(hoa.get("/health-book")) == "4301"


def test_visits_by_year_detail_and_pdf(an, population):
    for seed, year in ((1, 2024), (2, 2025), (3, 2025)):
        episode = generate(seed, "58001", "ngoai_tru", patient=AN, start=datetime(year, 3, seed + 1, 8, 0))
        population.submit_ok(envelope("58001", [episode.documents()]))
    an.open_book()
    latest = an.get("/health-book/visits").json()
    assert latest["nam"] == 2025 and latest["cacNam"] == [2025, 2024] and len(latest["luotKham"]) == 2
    older = an.get("/health-book/visits", nam=2024).json()
    assert [v["ngayVao"][:4] for v in older["luotKham"]] == ["2024"]
    visit = latest["luotKham"][0]
    assert visit["coGiayHen"] is True and visit["hinhThuc"] == "Điều trị ngoại trú"
    detail = an.get(f"/health-book/visits/{visit['id']}").json()
    assert detail["hanhChinh"]["hoTen"] == "Trần Văn An" and detail["giayHen"]["ngayHen"]
    pdf = an.get(f"/health-book/visits/{visit['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    assert pdf.headers["content-type"] == "application/pdf"


def test_personal_details_are_kept_apart(an, population):
    an.open_book()
    saved = an.client.put("/vneid/api/health-book/personal", headers=an.headers,
                          json={"nhomMau": "O+", "diUng": "Penicillin", "benhManTinh": "Tăng huyết áp"})
    assert saved.json()["thongTinCaNhan"] == {"nhomMau": "O+", "diUng": "Penicillin", "benhManTinh": "Tăng huyết áp"}
    assert an.get("/me").json()["thongTinCaNhan"]["diUng"] == "Penicillin"
    bad = an.client.put("/vneid/api/health-book/personal", headers=an.headers, json={"maBenhChinh": "I10"})
    assert bad.status_code in (400, 422)


def test_personal_details_are_validated_before_anything_is_kept(an, population):
    """A phone number, a blood group: checked and normalised; a wrong one is refused, saying what is expected,
    and nothing changes."""
    an.open_book()
    put = lambda body: an.client.put("/vneid/api/health-book/personal", headers=an.headers, json=body)  # noqa: E731
    saved = put({"dienThoai": "+84 912.345.678", "nhomMau": "ab rh-"}).json()["thongTinCaNhan"]
    assert saved["dienThoai"] == "0912345678" and saved["nhomMau"] == "AB-"
    for body, words in (({"dienThoai": "12345"}, "10 hoặc 11 chữ số"), ({"nhomMau": "C+"}, "A, B, AB hoặc O"),
                        ({"diUng": "x" * 501}, "tối đa 500")):
        refused = put(body)
        assert refused.status_code in (400, 422) and words in refused.json()["thongDiep"], refused.text
    assert an.get("/me").json()["thongTinCaNhan"]["dienThoai"] == "0912345678"


def test_one_citizen_cannot_read_another(an, population, client):
    population.submit_ok(envelope("58001", [generate(9, "58001", "kham", patient=AN).documents()]))
    an.open_book()
    visit_id = an.get("/health-book/visits").json()["luotKham"][0]["id"]
    hoa = Citizen(client, "058190000002")
    hoa.login()
    hoa.open_book(card="HN2585800000016")
    assert hoa.get(f"/health-book/visits/{visit_id}").status_code == 404
    assert hoa.get("/health-book/visits").json()["luotKham"] == []
    assert code(hoa.get("/health-book/visits", cho="058085000001")) == "4307"   # not her dependant
    assert hoa.get(f"/health-book/visits/{visit_id}/pdf").status_code == 404


def test_guardian_manages_a_child_under_14(ctx, an, population):
    child = "058324000777"
    admin.load_registry(ctx, "citizens", [{"personal_id": child, "full_name": "Trần Bảo Ngọc", "birth_date": "20240105",
                                           "sex": "2", "guardian_id": AN.personal_id, "vneid_level": "0"}])
    admin.load_registry(ctx, "cards", [{"number": "TE1585800000777", "personal_id": child, "full_name": "Trần Bảo Ngọc",
                                        "birth_date": "20240105", "sex": "2", "valid_from": "20240105", "valid_to": "20300105"}])
    from fixtures.identity import Person
    from datetime import date
    kid = Person("Trần Bảo Ngọc", False, date(2024, 1, 5), child, "5800000777", "TE1585800000777", "58", "Phan Rang", "")
    population.submit_ok(envelope("58001", [generate(10, "58001", "kham", patient=kid).documents()]))
    an.open_book()
    dependants = an.get("/me").json()["nguoiPhuThuoc"]  # the population already has his son Trần Minh Khôi
    assert {"soDinhDanh": child, "hoTen": "Trần Bảo Ngọc", "ngaySinh": "20240105"} in dependants
    assert an.get("/health-book", cho=child).status_code == 200             # QĐ 31: no card needed from 2026
    assert an.post("/wallet/bhyt", {"maThe": "TE1585800000777"}, cho=child).status_code == 200
    assert an.get("/health-book", cho=child).json()["trangThai"] == "SAN_SANG"
    [visit] = an.get("/health-book/visits", cho=child).json()["luotKham"]
    assert an.get(f"/health-book/visits/{visit['id']}", cho=child).json()["hanhChinh"]["hoTen"] == "Trần Bảo Ngọc"
    assert an.get(f"/health-book/visits/{visit['id']}").status_code == 404  # not in the parent's own book


def test_share_code_read_by_a_facility_logged_and_revocable(ctx, an, population, make_his):
    population.submit_ok(envelope("58001", [generate(11, "58001", "linh_thuoc", patient=AN).documents()]))
    an.open_book()
    shared = an.post("/health-book/share").json()
    code_ = shared["maChiaSe"]
    assert len(code_) == 8 and shared["qrSvg"].startswith("<?xml") and "<svg" in shared["qrSvg"]
    other = make_his("58002").login()
    read = other.client.get(f"/vneid/api/facility/share/{code_}", headers=other.tokens)
    assert read.status_code == 200
    data = read.json()
    assert data["hanhChinh"]["soDinhDanh"] == AN.personal_id and data["theBhyt"][0]["maThe"] == "DN4585800000001"
    assert len(data["lichSuKcb"]) == 1 and len(data["giayHen"]) == 1
    log = an.get("/health-book/access-log").json()["nhatKyTruyCap"]
    assert [(e["maCSKCB"], e["taiKhoan"]) for e in log] == [("58002", "58002_BV")]
    assert an.client.delete(f"/vneid/api/health-book/share/{code_}", headers=an.headers).json()["thuHoi"] is True
    again = other.client.get(f"/vneid/api/facility/share/{code_}", headers=other.tokens)
    assert again.status_code == 403 and code(again) == "4308"
    assert code(other.client.get(f"/vneid/api/facility/share/{code_}")) == "4011"   # needs a gateway token


def test_share_code_expires(ctx, an, population):
    an.open_book()
    code_ = an.post("/health-book/share").json()["maChiaSe"]
    admin.set_clock(ctx, f"+{ctx.settings.share_code_minutes + 1}m")
    population.login()
    assert code(population.client.get(f"/vneid/api/facility/share/{code_}", headers=population.tokens)) == "4308"


@pytest.mark.parametrize("path", ["/health-book/visits/99999999999999999999999", "/health-book/visits?nam=99999999999999999999",
                                  "/health-book/visits/99999999999999999999999/pdf", "/health-book/visits/0"])
def test_out_of_range_values_are_coded_refusals_not_500(an, path):
    an.open_book()
    response = an.client.get(f"/vneid/api{path}", headers=an.headers)
    assert 400 <= response.status_code < 500 and response.headers["content-type"].startswith("application/json")
    assert response.json()["maLoi"]


@pytest.mark.parametrize("path", ["/vneid/so-suc-khoe/99999999999999999999999", "/vneid/so-suc-khoe?nam=99999999999999999999",
                                  "/vneid/so-suc-khoe?nam=abc", "/vneid/so-suc-khoe/99999999999999999999999/pdf"])
def test_out_of_range_values_on_the_pages(population, client, path):
    client.post("/vneid/dang-nhap", data={"soDinhDanh": "058085000001", "matKhau": PASSWORD})
    assert client.get(path).status_code < 500


def test_password_is_compared_exactly(population, client):
    citizen = Citizen(client, "058085000001")
    assert citizen.login(PASSWORD.upper()).json()["maLoi"] == "4101"
    assert citizen.login(PASSWORD).status_code == 200


def test_login_and_passcode_lock_out_with_the_time_left(population, client):
    citizen = Citizen(client, "058085000001")
    answers = [citizen.login("sai-mat-khau").json() for _ in range(5)]
    assert [a["maLoi"] for a in answers] == ["4101"] * 4 + ["4105"]
    assert "còn 1 lần thử" in answers[3]["thongDiep"]
    locked = citizen.login(PASSWORD).json()                   # even the right password, while locked
    assert locked["maLoi"] == "4105" and "thử lại sau" in locked["thongDiep"]
    other = Citizen(client, "058190000002")                   # another account from the same address still works
    assert other.login().status_code == 200
    assert [other.passcode("000000").json()["maLoi"] for _ in range(5)] == ["4103"] * 4 + ["4105"]
    assert other.passcode().json()["maLoi"] == "4105"         # eight wrong, then right: still refused


def test_lock_out_releases_on_the_sandbox_clock(population, client, ctx):
    from sandbox import admin
    citizen = Citizen(client, "058085000001")
    for _ in range(5):
        citizen.login("sai")
    admin.set_clock(ctx, "+16m")
    assert citizen.login().status_code == 200


def test_a_pdf_that_cannot_be_given_is_a_json_refusal(an):
    an.open_book()
    response = an.client.get("/vneid/api/health-book/visits/123456/pdf", headers=an.headers)
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
    assert response.json()["maLoi"] == "4041"

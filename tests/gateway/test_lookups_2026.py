"""The look-ups a HIS calls at reception in 2026, replayed in the shapes real clients send (their shapes,
not their code): the card check answers dsLichSuKCB2018 null (CV 2746), the history comes from
Lskcb2025 (form body, token in the query string), KQNhanLichSuKCB2019 is withdrawn, and the co-payment
look-up of CV 1839 with every quirk of its annex."""

from datetime import date, datetime

import pytest

from demo.population import load_population, population
from fixtures.envelope import envelope
from fixtures.generator import generate
from fixtures.identity import Person
from sandbox import admin
from sandbox.security import md5_upper

CASES = population(date.today())[2]
AN = Person("Trần Văn An", True, date(1985, 2, 1), "058085000001", "5800000001", "DN4585800000001", "58",
            "Phan Rang", "0912000001")
LSKCB, MCCT = "/api/egw/Lskcb2025", "/api/TraCuuCCT/TraCuuTienMCCT"


@pytest.fixture
def desk(ctx, his):
    load_population(ctx, ("58001",))
    return his


def _query(his, password=None):
    return {"token": his.tokens["accessToken"], "id_token": his.tokens["tokenId"], "username": his.username,
            "password": password or his.tokens["passwordHash"]}


def _form(ngay_sinh="01/02/1985", ma_the="DN4585800000001"):
    return {"maThe": ma_the, "hoTen": "Trần Văn An", "ngaySinh": ngay_sinh, "hoTenCb": "Nguyễn Thị Thu",
            "cccdCb": "058190000001"}


def test_lskcb2025_as_the_php_client_calls_it(desk):
    episode = generate(31, "58001", "kham", patient=AN)
    desk.submit_ok(envelope("58001", [episode.documents()]))
    for ngay_sinh in ("01/02/1985", "02/1985", "1985", "01021985"):
        answer = desk.client.post(LSKCB, params=_query(desk), data=_form(ngay_sinh)).json()
        assert answer["maKetQua"] == "000", (ngay_sinh, answer)
        [visit] = answer["dsLichSuKCB2025"]
        assert {"maHoSo", "maCSKCB", "ngayVao", "ngayRa", "tenBenh", "tinhTrang", "kqDieuTri", "lyDoVV"} <= set(visit)
        assert visit["maHoSo"] == episode.ma_lk and visit["ngayVao"] == episode.tables["XML1"][0]["NGAY_VAO"]
    card = desk.client.post("/api/egw/KQNhanLichSuKCB2024", json=_form(), headers=desk.tokens).json()
    assert card["maKetQua"] == "000" and card["dsLichSuKCB2018"] is None


def test_lskcb2025_answers_an_empty_list_wrong_birth_and_refusals(desk):
    none_yet = desk.client.post(LSKCB, params=_query(desk), data=_form(ma_the="HC4585800000104") | {
        "hoTen": "Võ Thị Lan", "ngaySinh": "05/05/1975"}).json()
    assert none_yet["maKetQua"] == "000" and none_yet["dsLichSuKCB2025"] == []
    wrong = desk.client.post(LSKCB, params=_query(desk), data=_form("02/01/1985")).json()
    assert wrong["maKetQua"] == "070" and wrong["dsLichSuKCB2025"] is None
    lower = desk.client.post(LSKCB, params=_query(desk, md5_upper(desk.password).lower()), data=_form()).json()
    assert lower["maKetQua"] == "000"                                   # a Node HIS sends lower-case MD5
    plain = desk.client.post(LSKCB, params=_query(desk, desk.password), data=_form()).json()
    assert plain["maKetQua"] == "000"
    bad = desk.client.post(LSKCB, params=_query(desk, "0" * 32), data=_form()).json()
    assert bad["maKetQua"] == "401" and bad["dsLichSuKCB2025"] is None
    as_json = desk.client.post(LSKCB, params=_query(desk), json=_form()).json()
    assert as_json["maKetQua"] == "205" and "x-www-form-urlencoded" in as_json["ghiChu"]


def test_the_2019_history_call_is_withdrawn(desk):
    gone = desk.client.post("/api/egw/KQNhanLichSuKCB2019", params=_query(desk), json=_form())
    assert gone.status_code == 410 and "Lskcb2025" in gone.json()["ghiChu"]


# --- the co-payment look-up (CV 1839) ------------------------------------------------------------------

def _mcct(his, **fields):
    body = {"username": his.username, "maThe": "DN4585800000001", "hoTen": "Trần Văn An", "ngaySinh": "01/02/1985",
            **fields}
    return his.client.post(MCCT, json=body, headers=his.tokens)


def _stays(his, n, seed=40):
    """n costly stays of this year (a hip replacement each: about 10.6 M of co-payment on a DN4 card)."""
    year = datetime.now().year
    for i in range(n):
        stay = generate(seed + i, "58001", "noi_tru", patient=AN, surgery=True, start=datetime(year, 1 + i, 3, 8))
        his.submit_ok(envelope("58001", [stay.documents()]))


def test_co_payment_below_the_threshold_is_not_exempt(desk):
    _stays(desk, 1)
    answer = _mcct(desk)
    assert answer.status_code == 200
    data = answer.json()
    assert data["MaKetQua"] == "200" and "tính đến" in data["GhiChu"]
    [line] = data["DataCCT"]
    assert line["tBNCCTLuyKe"] > 10_000_000 and line["tBNCCTMCCT"] == 0
    assert set(line) >= {"Id", "ngayTraCuu", "maThe", "maCskcb", "ngayVao", "ngayRa", "maDoiTuongKCB", "tBNCCTMCCT",
                         "tBNCCTLuyKe", "ngayNhanCong", "ngayNhan", "duPhong1", "duPhong5"}
    assert data["ThongTinSoThe"]["maBhxh"] == "5800000001" and data["ThongTinSoThe"]["hoTen"] == "Trần Văn An"


def test_after_five_years_the_co_payment_above_the_threshold_is_exempt(ctx, desk):
    cards = [c for c in population(date.today())[1] if c["number"] == "DN4585800000001"]
    admin.load_registry(ctx, "cards", [{**cards[0], "five_years_from": "20190101"}])
    _stays(desk, 2)
    for key in ("DN4585800000001", "5800000001", "058085000001"):          # 15, 10 and 12 characters
        data = _mcct(desk, maThe=key).json()
        assert data["MaKetQua"] == "200", (key, data)
        newest, oldest = data["DataCCT"]                                   # newest discharge first
        assert newest["ngayRa"] > oldest["ngayRa"] or newest["ngayRa"][3:] >= oldest["ngayRa"][3:]
        from sandbox.copayment import threshold
        limit = float(threshold(datetime.now().year))
        assert oldest["tBNCCTMCCT"] == 0 and newest["tBNCCTLuyKe"] > limit
        assert newest["tBNCCTMCCT"] == pytest.approx(newest["tBNCCTLuyKe"] - limit, abs=0.01)


def test_the_threshold_is_pro_rated_when_the_base_salary_changes():
    from sandbox.copayment import threshold
    assert threshold(2025) == 6 * 2_340_000
    assert threshold(2026) == (6 * 2_340_000 + 6 * 2_530_000) / 2
    assert threshold(2027) == 6 * 2_530_000


def test_204_with_http_200_for_no_card_and_for_no_co_payment(desk):
    unknown = _mcct(desk, maThe="DN4585800009999")
    assert unknown.status_code == 200 and unknown.json()["MaKetQua"] == "204"
    assert unknown.json()["DataCCT"] is None and unknown.json()["ThongTinSoThe"] is None
    nothing = _mcct(desk, maThe="HC4585800000104", hoTen="Võ Thị Lan", ngaySinh="05/1975")
    assert nothing.status_code == 200 and nothing.json()["MaKetQua"] == "204"


@pytest.mark.parametrize("fields", [{"maThe": "DN45858"}, {"hoTen": ""}, {"ngaySinh": "1985-02-01"},
                                    {"username": "someone_else"}])
def test_400_for_bad_parameters(desk, fields):
    answer = _mcct(desk, **fields)
    assert answer.status_code == 400 and answer.json()["MaKetQua"] == "400"


def test_401_has_an_empty_body_for_a_bad_token_an_old_session_or_another_address(ctx, desk):
    bad = desk.client.post(MCCT, json={"username": desk.username}, headers={**desk.tokens, "tokenId": "x" * 32})
    assert bad.status_code == 401 and bad.content == b""
    assert _mcct(desk).status_code == 200
    admin.set_clock(ctx, "+11m")                                          # the 10-minute session is over
    old = _mcct(desk)
    assert old.status_code == 401 and old.content == b""
    admin.set_clock(ctx, "+0m")
    from sqlalchemy import update
    from sandbox.storage.models import ApiToken
    with ctx.db.session() as s:
        s.execute(update(ApiToken).values(client_ip="10.1.2.3"))           # taken from another address
    elsewhere = _mcct(desk)
    assert elsewhere.status_code == 401 and elsewhere.content == b""


def test_the_two_500s_are_told_apart_by_ghichu(ctx, desk, monkeypatch):
    system = _mcct(desk, maThe="TK4585800000019", hoTen="Tô Văn Hậu", ngaySinh="12/12/1993")
    assert system.status_code == 500 and system.json()["GhiChu"] == "Có lỗi hệ thống xảy ra trong quá trình xử lý!"
    from sandbox.api import copayment
    monkeypatch.setattr(copayment, "_recent", type(copayment._recent)(copayment._recent.default_factory))
    answers = [_mcct(desk) for _ in range(ctx.settings.mcct_per_minute + 1)]
    assert [a.json()["MaKetQua"] for a in answers[:-1]] == ["204"] * ctx.settings.mcct_per_minute
    assert answers[-1].status_code == 500 and answers[-1].json()["GhiChu"] == "Có lỗi xảy ra trong quá trình tra cứu!"


def test_the_demo_citizens_one_exempt_one_not(ctx, desk):
    """What `skdt-sandbox cards` promises: the demo's co-paying citizens answer as listed."""
    from demo.citizens import demo_citizens, visit_traits
    from demo.population import MCCT_CASES
    today = ctx.clock.now().date()
    people = [p for p in demo_citizens(today) if any(v.surgery for v in p.visits)]
    admin.load_registry(ctx, "citizens", [p.citizen_row() for p in people])
    admin.load_registry(ctx, "cards", [p.card_row(today) for p in people])
    for i, person in enumerate(people):
        for j, v in enumerate(person.visits):
            desk.submit_ok(envelope("58001", [generate(900 + i * 10 + j, v.facility, v.form, start=v.start,
                                                       patient=person.person, traits=visit_traits(person, v),
                                                       surgery=v.surgery).documents()]))
    for code, ma_the, name, birth, _ in MCCT_CASES[:4]:
        data = _mcct(desk, maThe=ma_the, hoTen=name, ngaySinh=birth).json()
        assert data["MaKetQua"] == code, (ma_the, data)
    exempt = _mcct(desk, maThe="DN4585800000020", hoTen="Nguyễn Văn Miễn", ngaySinh="04/04/1970").json()
    assert sum(line["tBNCCTMCCT"] for line in exempt["DataCCT"]) > 0
    not_yet = _mcct(desk, maThe="5800000021", hoTen="Trần Thị Chưa", ngaySinh="05/1975").json()
    assert sum(line["tBNCCTMCCT"] for line in not_yet["DataCCT"]) == 0


def test_refused_look_ups_are_explained_on_the_portal(ctx, desk):
    """"Vì sao bị từ chối?" for the look-ups too — the empty 401 of the co-payment look-up above all."""
    desk.client.post(LSKCB, params=_query(desk, "0" * 32), data=_form())
    admin.set_clock(ctx, "+11m")
    assert _mcct(desk).status_code == 401
    body = desk.client.get("/api/sandbox/tu-choi", headers={"username": desk.username,
                                                              "passwordHash": md5_upper(desk.password)}).json()
    routes = {r["chucNang"]: r for r in body["tuChoi"]}
    assert "/api/egw/Lskcb2025" in routes
    assert "10 phút" in routes["/api/TraCuuCCT/TraCuuTienMCCT"]["thongDiep"]
    assert "Token lấy lúc" in routes["/api/TraCuuCCT/TraCuuTienMCCT"]["sandboxThay"]

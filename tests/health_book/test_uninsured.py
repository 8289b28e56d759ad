"""QĐ 31/QĐ-BYT (06/01/2026): the Sổ SKĐT covers every patient, insured or not.  A visit of a patient
without a BHYT card — identified by the 12-digit personal ID only — is accepted by the gateway, extracted
into the health book and shown on VNeID like any other, without a card in the wallet."""

from datetime import date, datetime

from fixtures.envelope import envelope
from fixtures.generator import generate
from fixtures.identity import Person
from sandbox import admin
from tests.health_book.conftest import PASSCODE, PASSWORD, Citizen

LAN = Person("Phạm Thị Lan", False, date(1999, 3, 4), "058199000123", "", "", "58",
             "Thôn 2, xã Phước Dân, tỉnh Khánh Hòa", "0912000123")


def test_a_patient_without_a_card_goes_from_the_gateway_to_vneid(ctx, his, client):
    admin.load_registry(ctx, "citizens", [{"personal_id": LAN.personal_id, "full_name": LAN.name,
                                           "birth_date": "19990304", "sex": "2", "vneid_level": "2",
                                           "district_code": "582", "commune": "Phước Dân"}])
    admin.add_vneid_account(ctx, LAN.personal_id, PASSWORD, PASSCODE)
    episode = generate(71, "58001", "ngoai_tru", patient=LAN, insured=False, start=datetime(2026, 11, 20, 8, 0))
    x1 = episode.tables["XML1"][0]
    assert x1["MA_THE_BHYT"] == "" and x1["MA_DOITUONG_KCB"] == "9" and x1["SO_CCCD"] == LAN.personal_id
    result = his.submit_ok(envelope("58001", [episode.documents()]))
    assert [(h["trangThai"], [e["maLoi"] for e in h["dsLoi"] if e["mucDo"] == "LOI"]) for h in result["dsHoSo"]] == \
        [("HOP_LE", [])]
    lan = Citizen(client, LAN.personal_id)
    assert lan.login().status_code == 200 and lan.passcode().status_code == 200
    assert lan.get("/wallet/bhyt").json()["theBhyt"] == []                 # no card, and none needed
    assert lan.post("/health-book/consent").status_code == 200
    assert lan.post("/health-book/refresh").status_code == 200
    visits = lan.get("/health-book/visits", nam=2026).json()["luotKham"]
    assert len(visits) == 1 and visits[0]["maCSKCB"] == "58001"
    detail = lan.get(f"/health-book/visits/{visits[0]['id']}").json()
    assert detail["hanhChinh"]["soDinhDanh"] == LAN.personal_id and detail["hanhChinh"]["theBhyt"] == ""

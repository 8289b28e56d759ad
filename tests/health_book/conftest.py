"""Health-book fixtures: a citizen with a VNeID account and a card, and a gateway HIS to feed the book."""

from datetime import date

import pytest

from demo.population import load_population
from fixtures.identity import Person
from sandbox import admin

PASSWORD, PASSCODE = "Vneid@2026", "123456"
AN = Person("Trần Văn An", True, date(1985, 2, 1), "058085000001", "5800000001", "DN4585800000001", "58",
            "Phan Rang - Tháp Chàm, Ninh Thuận", "0912000001")


class Citizen:
    def __init__(self, client, personal_id):
        self.client, self.personal_id, self.headers = client, personal_id, {}

    def login(self, password=PASSWORD):
        r = self.client.post("/vneid/api/login", json={"soDinhDanh": self.personal_id, "matKhau": password})
        if r.status_code == 200:
            self.headers = {"X-VNeID-Session": r.json()["phien"]}
        return r

    def get(self, path, **params):
        return self.client.get(f"/vneid/api{path}", headers=self.headers, params=params)

    def post(self, path, json=None, **params):
        return self.client.post(f"/vneid/api{path}", headers=self.headers, json=json, params=params)

    def passcode(self, code=PASSCODE):
        return self.post("/passcode", {"passcode": code})

    def open_book(self, card="DN4585800000001"):
        """The whole annex 2/3 path: passcode, add card, consent, refresh."""
        assert self.passcode().status_code == 200
        assert self.post("/wallet/bhyt", {"maThe": card}).status_code == 200
        assert self.post("/health-book/consent").status_code == 200
        assert self.post("/health-book/refresh").status_code == 200


@pytest.fixture
def population(ctx, his):
    load_population(ctx, ("58001",))
    for pid in ("058085000001", "058190000002"):
        admin.add_vneid_account(ctx, pid, PASSWORD, PASSCODE)
    return his


@pytest.fixture
def an(population, client):
    citizen = Citizen(client, "058085000001")
    assert citizen.login().status_code == 200
    return citizen

"""Gateway fixtures: the app, its test client, and a HIS-like helper that takes tokens and submits."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from fixtures.envelope import b64, envelope, row_document
from fixtures.generator import generate
from fixtures.pki import Credential, TestCA
from fixtures.signing import sign
from sandbox import admin
from sandbox.app import create_app
from sandbox.security import md5_upper

PASSWORD = "Secret@58001"


@pytest.fixture(scope="session")
def test_ca():
    return TestCA()


@pytest.fixture(scope="session")
def credentials(test_ca):
    """credentials(code) -> a facility Credential, issued once per session (RSA keys are slow)."""
    cache: dict[str, Credential] = {}

    def get(code: str) -> Credential:
        if code not in cache:
            cache[code] = test_ca.issue(code, f"Cơ sở {code}")
        return cache[code]
    return get


def signed(payload: bytes, credential: Credential | None) -> bytes:
    """Sign XML the HIS way; non-XML test payloads go out untouched."""
    if credential is None:
        return payload
    try:
        return sign(payload, credential.key_pem, credential.cert_pem)
    except Exception:  # noqa: BLE001 - not XML (a refusal test): send as is
        return payload


@pytest.fixture
def app(ctx):
    return create_app(ctx=ctx, start_worker=False)


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class His:
    """A facility's HIS talking to the sandbox over HTTP."""
    client: object
    username: str
    password: str
    facility: str
    credential: Credential | None = None
    tokens: dict = field(default_factory=dict)

    def take_token(self, **overrides):
        body = {"username": self.username, "password": md5_upper(self.password), **overrides}
        return self.client.post("/api/token/take", data=body)

    def login(self):
        response = self.take_token()
        assert response.status_code == 200, response.text
        key = response.json()["APIKey"]
        self.tokens = {"accessToken": key["access_token"], "tokenId": key["id_token"],
                       "passwordHash": md5_upper(self.password)}
        return self

    def form(self, payload: bytes, **overrides):
        data = {"username": self.username, "loaiHoSo": "130", "maTinh": self.facility[:2],
                "maCSKCB": self.facility, "fileHSBase64": b64(payload)}
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def submit(self, payload: bytes, endpoint: str = "guiHoSoXmlQD3176", headers=None, sign: bool = True,
               **overrides):
        hdrs = dict(self.tokens if headers is None else headers)
        body = signed(payload, self.credential if sign else None)
        return self.client.post(f"/api/qd130/{endpoint}", data=self.form(body, **overrides), headers=hdrs)

    def result(self, transaction_id: str):
        return self.client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": transaction_id},
                               headers=self.tokens)

    def submit_ok(self, payload: bytes, endpoint: str = "guiHoSoXmlQD3176", **kw) -> dict:
        response = self.submit(payload, endpoint, **kw)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["maKetQua"] == "200", body
        return self.result(body["maGiaoDich"]).json()


def episode_envelope(facility: str = "58001", seed: int = 1, form: str = "kham", profile: str = "QD3176",
                     **kw) -> bytes:
    return envelope(facility, [generate(seed, facility, form, **kw).documents(profile)])


def checkin_document(facility: str = "58001", ma_lk: str = "LK0001", profile: str = "QD3176") -> bytes:
    return row_document("XML0", profile=profile, rows=[{"MA_LK": ma_lk, "STT": 1, "MA_BN": "BN01", "HO_TEN": "Nguyễn Văn An",
                                  "SO_CCCD": "058090000001", "NGAY_SINH": "199001010000", "GIOI_TINH": 1,
                                  "MA_THE_BHYT": "DN4580000000001", "MA_DKBD": facility, "GT_THE_TU": "20260101",
                                  "GT_THE_DEN": "20261231", "MA_DOITUONG_KCB": "1.1", "NGAY_VAO": "202611210730",
                                  "MA_LOAI_KCB": "01", "MA_CSKCB": facility, "MA_DICH_VU": "02.1896",
                                  "TEN_DICH_VU": "Khám Nội", "NGAY_YL": "202611210735"}])


@pytest.fixture
def make_his(ctx, client, credentials):
    """make_his(facility="58001", username=None, password=PASSWORD, **account) -> His (not logged in),
    with the facility's certificate registered and used to sign what the HIS sends."""
    def make(facility: str = "58001", username: str | None = None, password: str = PASSWORD,
             name: str | None = None, **account):
        credential = credentials(facility)
        if not any(f["code"] == facility for f in admin.list_facilities(ctx)):
            admin.add_facility(ctx, facility, name or f"Cơ sở {facility}")
            admin.add_certificate(ctx, facility, credential.cert_pem)
        username = username or f"{facility}_BV"
        admin.add_account(ctx, username, facility, password, **account)
        return His(client, username, password, facility, credential)
    return make


@pytest.fixture
def his(make_his):
    return make_his().login()

"""What a load test needs in the sandbox, made through the admin API before any user starts (every
call idempotent, so the master and each worker can run it): facilities 58500…, an account each, a
certificate per load process (each process signs with its own key: the sandbox accepts any
registered certificate of the facility), a lookup officer, citizens with cards and VNeID accounts.
Then each process builds its pool of signed payloads; signing is not what is measured."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx

from fixtures.envelope import b64, envelope, row_document
from fixtures.generator import generate
from fixtures.identity import Person, personal_id
from fixtures.pki import TestCA
from fixtures.signing import sign

OFFICER = ("058190000001", "Nguyễn Thị Thu")
CITIZEN_PASSWORD, CITIZEN_PASSCODE = "Load@2026", "246810"
CITIZENS_PER_FACILITY = 20


def facility_code(i: int) -> str:
    return f"{58500 + i}"


def account(code: str) -> tuple[str, str]:
    return f"{code}_LT", f"Load@{code}"


def citizen(i: int) -> Person:
    """The i-th load citizen: valid by construction (the personal ID agrees with the birth year and sex)."""
    bhxh = f"5899{i:06d}"
    male, birth = i % 2 == 0, date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
    return Person(f"Người bệnh tải {i}", male, birth, personal_id(None, "58", birth, male, serial=i),
                  bhxh, f"DN458{bhxh}", "58", "Phan Rang - Tháp Chàm, Ninh Thuận", "")


def _ok(response: httpx.Response) -> None:
    if response.status_code not in (200, 201, 409):
        raise RuntimeError(f"setup {response.request.url.path}: {response.status_code} {response.text[:300]}")


def prepare(base: str, admin_token: str, facilities: int) -> None:
    """Facilities, accounts, lookup officers, citizens, cards and VNeID accounts (idempotent)."""
    h = {"X-Admin-Token": admin_token}
    with httpx.Client(base_url=base, headers=h, timeout=60) as http:
        people, cards, staff = [], [], []
        for i in range(facilities):
            code = facility_code(i)
            _ok(http.post("/admin/api/facilities", json={"code": code, "name": f"Cơ sở thử tải {i + 1}", "districtCode": "582"}))
            username, password = account(code)
            _ok(http.post("/admin/api/accounts", json={"username": username, "facility": code, "password": password,
                                                       "fullName": "Tài khoản thử tải"}))
            staff.append({"facility_code": code, "personal_id": OFFICER[0], "full_name": OFFICER[1], "can_lookup": "1"})
            for n in range(CITIZENS_PER_FACILITY):
                p = citizen(i * CITIZENS_PER_FACILITY + n)
                people.append({"personal_id": p.personal_id, "full_name": p.name, "birth_date": f"{p.birth:%Y%m%d}",
                               "sex": "1" if p.male else "2", "vneid_level": "2", "district_code": "582",
                               "commune": "Kinh Dinh"})
                cards.append({"number": p.card, "personal_id": p.personal_id, "full_name": p.name,
                              "birth_date": f"{p.birth:%Y%m%d}", "sex": "1" if p.male else "2", "ma_dkbd": code,
                              "valid_from": f"{date.today().year}0101", "valid_to": f"{date.today().year + 1}1231"})
        _ok(http.post("/admin/api/registry/staff", json=staff))
        _ok(http.post("/admin/api/registry/citizens", json=people))
        _ok(http.post("/admin/api/registry/cards", json=cards))
        for row in people:
            _ok(http.post("/admin/api/vneid-accounts", json={"soDinhDanh": row["personal_id"], "matKhau": CITIZEN_PASSWORD,
                                                             "passcode": CITIZEN_PASSCODE}))


def _register(http: httpx.Client, code: str, pem: str, wait: float = 120.0) -> None:
    """Register this process's certificate; a worker may start before the master has created the
    facility, so an unknown facility is retried for a while (time.sleep is gevent's under Locust)."""
    deadline = time.monotonic() + wait
    while True:
        response = http.post("/admin/api/certificates", json={"facility": code, "pem": pem})
        if response.status_code != 404 or time.monotonic() > deadline:
            _ok(response)
            return
        time.sleep(0.5)


VALID, DEFECTIVE = "LTV", "LTX"   # MA_LK prefixes: meant to be accepted / deliberately defective


@dataclass
class Pool:
    """One facility's signed payloads for one load process, handed out in turn."""
    code: str
    username: str
    password: str
    envelopes: list[tuple[str, bool]] = field(default_factory=list)   # (payload, deliberately defective)
    checkins: list[str] = field(default_factory=list)
    _next: itertools.count = field(default_factory=itertools.count)

    def envelope(self) -> tuple[str, bool]:
        return self.envelopes[next(self._next) % len(self.envelopes)]

    def checkin(self) -> str:
        return self.checkins[next(self._next) % len(self.checkins)]


def episode(code: str, i: int, n: int, run: str, seed: int, *, large: bool = False, defective: bool = False):
    """The n-th episode of facility i's pool: a load citizen's visit, valid by construction unless
    ``defective`` (then XML1's T_THUOC disagrees with XML2's lines, which the gateway must refuse)."""
    patient = citizen(i * CITIZENS_PER_FACILITY + n % CITIZENS_PER_FACILITY)
    made = generate(seed, code, "noi_tru" if large else "kham", patient=patient,
                    ma_lk=f"{DEFECTIVE if defective else VALID}{run}{i:03d}{n:05d}", drug_lines=1500 if large else None)
    if defective:
        x1 = made.tables["XML1"][0]
        x1["T_THUOC"] = str(float(x1["T_THUOC"] or 0) + 1000)
    return made


def checkin_document(code: str, i: int, n: int, run: str, made) -> bytes:
    """The check-in (XML0) of the same visit, valid by construction."""
    patient, x1 = made.patient, made.tables["XML1"][0]
    return row_document("XML0", rows=[{
        "MA_LK": f"{VALID}C{run}{i:03d}{n:05d}", "STT": 1, "MA_BN": x1["MA_BN"], "HO_TEN": patient.name,
        "SO_CCCD": patient.personal_id, "NGAY_SINH": f"{patient.birth:%Y%m%d}0000",
        "GIOI_TINH": 1 if patient.male else 2, "MA_THE_BHYT": patient.card, "MA_DKBD": code,
        "GT_THE_TU": x1["GT_THE_TU"], "GT_THE_DEN": x1["GT_THE_DEN"], "MA_DOITUONG_KCB": "1.1",
        "NGAY_VAO": x1["NGAY_VAO"], "MA_LOAI_KCB": "01", "MA_CSKCB": code, "MA_DICH_VU": "02.1896",
        "TEN_DICH_VU": "Khám Nội", "NGAY_YL": x1["NGAY_VAO"]}])


def build_pools(base: str, admin_token: str, facilities: int, size: int, *, large_share: float = 0.0,
                defective_share: float = 0.0, seed: int | None = None, pause=lambda: None) -> list[Pool]:
    """A key and certificate per facility for this process (registered through the admin API), and
    ``size`` signed envelopes and check-ins per facility (distinct MA_LK), of which ``defective_share``
    deliberately defective (MA_LK prefix LTX; at least one when the share is not 0).  ``pause`` is called
    between payloads (a Locust worker yields there, so its heartbeats reach the master while it signs)."""
    ca = TestCA()
    rng = random.Random(seed)
    pools = []
    run = f"{datetime.now():%H%M%S}{rng.randrange(10**4):04d}"
    defective_every = round(1 / defective_share) if defective_share > 0 else 0
    with httpx.Client(base_url=base, headers={"X-Admin-Token": admin_token}, timeout=60) as http:
        for i in range(facilities):
            code = facility_code(i)
            credential = ca.issue(code, f"Cơ sở thử tải {i + 1}")
            _register(http, code, credential.cert_pem.decode())
            username, password = account(code)
            pool = Pool(code, username, password)
            for n in range(size):
                pause()
                defective = bool(defective_every) and n % defective_every == defective_every - 1
                made = episode(code, i, n, run, rng.randrange(10**9), large=rng.random() < large_share,
                               defective=defective)
                pool.envelopes.append((b64(sign(envelope(code, [made.documents()]), credential.key_pem,
                                                credential.cert_pem)), defective))
                pool.checkins.append(b64(sign(checkin_document(code, i, n, run, made), credential.key_pem,
                                              credential.cert_pem)))
            pools.append(pool)
    return pools

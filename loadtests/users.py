"""The simulated users: a facility's reception desk (card look-ups and check-ins), its HIS sending
finished episodes, and citizens reading their health book on VNeID.  Each user belongs to one
facility (one account, its own certificate, its pool of signed payloads) and paces itself at one
task a second."""

from __future__ import annotations

import hashlib
import itertools
import logging
from datetime import date

import gevent
from gevent.event import Event
from locust import HttpUser, constant_throughput, events, task
from locust.runners import MasterRunner, WorkerRunner

from . import plan as load_plan
from . import setup

log = logging.getLogger(__name__)
STATE: dict = {"pools": [], "plan": None}
DEFECTIVE_NAME = "guiHoSo (lỗi có chủ đích)"   # acknowledged, then must be refused (checks.py)
_turn = itertools.count()
_ready = Event()


def configure(default_scale: str = "facility", **overrides) -> None:
    """Called by each locustfile at import: the plan, then set-up and pools when Locust starts."""
    STATE["plan"] = load_plan.from_env(default_scale, **overrides)


@events.init.add_listener
def _init(environment, **_kw):
    plan = STATE["plan"]
    if plan is None or environment.host is None:
        return
    if isinstance(environment.runner, MasterRunner):
        setup.prepare(environment.host, plan.admin_token, plan.facilities)
        STATE["ready_nodes"] = set()

        def ready(environment, msg, **_kw):  # noqa: ARG001 - Locust passes both by name
            STATE["ready_nodes"].add(msg.node_id)
        environment.runner.register_message("skdt_pools_ready", ready)
        return
    if isinstance(environment.runner, WorkerRunner):   # sign in the background; users wait for the pools
        gevent.spawn(_build, environment, plan)
    else:
        _build(environment, plan)


def _build(environment, plan) -> None:
    if not isinstance(environment.runner, WorkerRunner):   # the master prepared the sandbox for its workers
        setup.prepare(environment.host, plan.admin_token, plan.facilities)
    try:
        STATE["pools"] = setup.build_pools(environment.host, plan.admin_token, plan.facilities, plan.pool,
                                           large_share=plan.large_share, defective_share=plan.defective_share,
                                           pause=lambda: gevent.sleep(0))
    except Exception:
        log.exception("building the load pools failed: this process's users will not start")
        raise
    log.info("load pools ready: %d facilities × %d signed payloads", plan.facilities, plan.pool)
    _ready.set()
    if isinstance(environment.runner, WorkerRunner):   # the master starts the shape's clock when all are ready
        gevent.spawn(_announce, environment.runner)


def _announce(runner) -> None:
    """Say "ready" every second (a message sent before the master knows this worker would be lost)."""
    while True:
        runner.send_message("skdt_pools_ready", None)
        gevent.sleep(1)


class FacilityUser(HttpUser):
    abstract = True
    wait_time = constant_throughput(1)

    def on_start(self):
        _ready.wait()
        self.pool = STATE["pools"][next(_turn) % len(STATE["pools"])]
        self.md5 = hashlib.md5(self.pool.password.encode()).hexdigest().upper()
        self.login()

    def login(self):
        with self.client.post("/api/token/take", data={"username": self.pool.username, "password": self.md5},
                              name="token/take", catch_response=True) as r:
            body = r.json() if r.status_code == 200 else {}
            if body.get("maKetQua") != "200":
                r.failure(f"token refused: {body.get('maLoi')}")
                self.headers = {}
                return
            key = body["APIKey"]
            self.headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": self.md5}

    def send(self, endpoint: str, payload: str, loai: str, name: str):
        form = {"username": self.pool.username, "loaiHoSo": loai, "maTinh": "58", "maCSKCB": self.pool.code,
                "fileHSBase64": payload}
        with self.client.post(f"/api/qd130/{endpoint}", data=form, headers=self.headers, name=name,
                              catch_response=True) as r:
            body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
            if body.get("maKetQua") == "200":
                r.success()
            elif body.get("maLoi") in ("4011", "4012", "4013"):   # token expired or withdrawn: take a new one
                r.failure(f"token: {body.get('maLoi')}")
                self.login()
            else:
                r.failure(f"refused {body.get('maKetQua')}/{body.get('maLoi')}")


class ReceptionUser(FacilityUser):
    """The morning rush at the reception desk, per patient as a HIS does it in 2026: the card check and the
    visit history (Lskcb2025, since CV 2746 a call of its own) for every patient (1.25 each), a check-in
    (1), and at the cashier the co-payment look-up for one patient in four (0.25)."""

    def _person(self):
        i = STATE["pools"].index(self.pool) * setup.CITIZENS_PER_FACILITY + next(_turn) % setup.CITIZENS_PER_FACILITY
        return setup.citizen(i)

    def _card_fields(self, p) -> dict:
        return {"maThe": p.card, "hoTen": p.name, "ngaySinh": f"{p.birth:%d/%m/%Y}", "hoTenCb": setup.OFFICER[1],
                "cccdCb": setup.OFFICER[0]}

    @task(5)
    def card_lookup(self):
        with self.client.post("/api/egw/KQNhanLichSuKCB2024", json=self._card_fields(self._person()),
                              headers=self.headers, name="card look-up", catch_response=True) as r:
            code = r.json().get("maKetQua") if r.status_code == 200 else None
            if code != "000":
                r.failure(f"card look-up answered {code}")

    @task(5)
    def history(self):
        query = {"token": self.headers.get("accessToken", ""), "id_token": self.headers.get("tokenId", ""),
                 "username": self.pool.username, "password": self.md5}
        with self.client.post("/api/egw/Lskcb2025", params=query, data=self._card_fields(self._person()),
                              name="visit history Lskcb2025", catch_response=True) as r:
            code = r.json().get("maKetQua") if r.status_code == 200 else None
            if code != "000":
                r.failure(f"Lskcb2025 answered {code}")

    @task(1)
    def copayment(self):
        p = self._person()
        body = {"username": self.pool.username, "maThe": p.card, "hoTen": p.name, "ngaySinh": f"{p.birth:%d/%m/%Y}"}
        for attempt in (1, 2):       # its sessions last 10 minutes: a 401 takes a new token, once
            with self.client.post("/api/TraCuuCCT/TraCuuTienMCCT", json=body, headers=self.headers,
                                  name="co-payment TraCuuTienMCCT", catch_response=True) as r:
                if r.status_code == 401 and attempt == 1:
                    r.success()
                    self.login()
                    continue
                code = r.json().get("MaKetQua") if r.content else None
                if code not in ("200", "204"):
                    r.failure(f"TraCuuTienMCCT answered HTTP {r.status_code} {code}")
                return

    @task(4)
    def checkin(self):
        self.send("checkInKcbQd3176", self.pool.checkin(), "0", "checkIn")


class SubmissionUser(FacilityUser):
    """The HIS sends each finished episode (guiHoSoXmlQD3176)."""

    @task
    def submit(self):
        payload, defective = self.pool.envelope()
        self.send("guiHoSoXmlQD3176", payload, "130", DEFECTIVE_NAME if defective else "guiHoSo")


class CitizenUser(HttpUser):
    """A citizen on VNeID: login, passcode, the card in the wallet, consent, then the year of history."""
    wait_time = constant_throughput(1)

    def on_start(self):
        _ready.wait()
        n = next(_turn) % (STATE["plan"].facilities * setup.CITIZENS_PER_FACILITY)
        self.person = setup.citizen(n)
        r = self.client.post("/vneid/api/login", json={"soDinhDanh": self.person.personal_id,
                                                       "matKhau": setup.CITIZEN_PASSWORD}, name="vneid login")
        self.session = {"X-VNeID-Session": r.json().get("phien", "")} if r.status_code == 200 else {}
        self.client.post("/vneid/api/passcode", json={"passcode": setup.CITIZEN_PASSCODE}, headers=self.session,
                         name="vneid passcode")
        with self.client.post("/vneid/api/wallet/bhyt", json={"maThe": self.person.bhxh}, headers=self.session,
                              name="vneid add card", catch_response=True) as r:
            if r.status_code in (200, 409) or "đã" in r.text:
                r.success()
        self.client.post("/vneid/api/health-book/consent", headers=self.session, name="vneid consent")

    @task(4)
    def year(self):
        self.client.get("/vneid/api/health-book/visits", params={"nam": date.today().year}, headers=self.session,
                        name="vneid year of history")

    @task(1)
    def refresh(self):
        self.client.post("/vneid/api/health-book/refresh", headers=self.session, name="vneid cập nhật dữ liệu")

"""Submissions and card look-ups answered by the fast path (api/fastpath.py) answer exactly as through
connexion: the same codes and messages for accepted and refused calls, the same exchange log; odd
bodies are left to connexion's validation."""

import pytest

from sandbox.api import fastpath
from sandbox.app import create_app
from sandbox.context import Context
from sandbox.security import md5_upper
from tests.plugins.gateway import b64, episode_envelope, signed

OFFICER = {"hoTenCb": "Nguyễn Thị Thu", "cccdCb": "058190000001"}


def _stable(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("maGiaoDich", "thoiGianTiepNhan")}


@pytest.fixture
def both(ctx, his):
    """The same HIS talking to an app with the fast path and to one without."""
    from starlette.testclient import TestClient
    slow_ctx = Context(ctx.settings.replace(fast_path=False), ctx.db, ctx.clock)
    return his, TestClient(create_app(ctx=slow_ctx, start_worker=False))


def _calls(his):
    payload = signed(episode_envelope("58001", seed=3), his.credential)
    form = his.form(payload)
    yield "accepted", form, his.tokens
    yield "wrong hash", form, dict(his.tokens, passwordHash=md5_upper("other"))
    yield "no token", form, {}
    yield "other facility", dict(form, maCSKCB="58002"), his.tokens
    yield "wrong loaiHoSo", dict(form, loaiHoSo="9"), his.tokens
    yield "not base64", dict(form, fileHSBase64="@@@"), his.tokens
    yield "not XML", dict(form, fileHSBase64=b64(b"hello")), his.tokens


def test_submissions_answer_alike_on_both_paths(both, monkeypatch):
    his, slow = both
    taken = []
    original = fastpath.FastPath._answer
    monkeypatch.setattr(fastpath.FastPath, "_answer", lambda self, *a: taken.append(a[0]) or original(self, *a))
    for label, form, headers in _calls(his):
        fast = his.client.post("/api/qd130/guiHoSoXmlQD3176", data=form, headers=headers)
        other = slow.post("/api/qd130/guiHoSoXmlQD3176", data=form, headers=headers)
        assert fast.status_code == other.status_code, label
        assert _stable(fast.json()) == _stable(other.json()), label
        assert fast.headers["content-type"].startswith("application/json")
    assert len(taken) == 7   # every one of them went the fast way on the first app


def test_card_look_ups_answer_alike(both, population_cards):
    his, slow = both
    for card, name, birth in (("DN4585800000001", "Trần Văn An", "01/02/1985"), ("GD4585800000006", "Ngô Thị Mai",
                              "08/08/1988"), ("DN4585800009999", "Không Có", "01/01/1990"), ("12345", "X", "1985")):
        body = {"maThe": card, "hoTen": name, "ngaySinh": birth, **OFFICER}
        fast = his.client.post("/api/egw/KQNhanLichSuKCB2024", json=body, headers=his.tokens).json()
        other = slow.post("/api/egw/KQNhanLichSuKCB2024", json=body, headers=his.tokens).json()
        checks = fast.pop("dsLichSuKT2018"), other.pop("dsLichSuKT2018")   # the second sees the first's log
        assert fast == other and len(checks[1]) - len(checks[0]) in (0, 1), card


def test_history_and_co_payment_look_ups_answer_alike(both, population_cards, monkeypatch):
    """Lskcb2025 (form, token in the query) and TraCuuTienMCCT (JSON, headers) take the fast path and answer
    as connexion does, refusals and the empty 401 included."""
    his, slow = both
    taken = []
    original = fastpath.FastPath._answer
    monkeypatch.setattr(fastpath.FastPath, "_answer", lambda self, *a: taken.append(a[0]) or original(self, *a))
    query = {"token": his.tokens["accessToken"], "id_token": his.tokens["tokenId"], "username": his.username,
             "password": his.tokens["passwordHash"]}
    for card, name, birth in (("DN4585800000001", "Trần Văn An", "02/1985"), ("DN4585800009999", "Không Có", "1990"),
                              ("12345", "X", "1985")):
        form = {"maThe": card, "hoTen": name, "ngaySinh": birth, **OFFICER}
        fast = his.client.post("/api/egw/Lskcb2025", params=query, data=form)
        other = slow.post("/api/egw/Lskcb2025", params=query, data=form)
        assert fast.status_code == other.status_code and fast.json() == other.json(), card
        body = {"username": his.username, "maThe": card, "hoTen": name, "ngaySinh": birth}
        fast = his.client.post("/api/TraCuuCCT/TraCuuTienMCCT", json=body, headers=his.tokens)
        other = slow.post("/api/TraCuuCCT/TraCuuTienMCCT", json=body, headers=his.tokens)
        assert fast.status_code == other.status_code and fast.json() == other.json(), card
    bad = dict(his.tokens, tokenId="x" * 32)
    fast = his.client.post("/api/TraCuuCCT/TraCuuTienMCCT", json={**body, "maThe": "DN4585800000001"}, headers=bad)
    assert fast.status_code == 401 and fast.content == b"" and "content-type" not in fast.headers
    assert len(taken) == 7


def test_odd_bodies_are_left_to_connexion(his, monkeypatch):
    taken = []
    monkeypatch.setattr(fastpath.FastPath, "_answer", lambda self, *a: taken.append(a[0]))
    form = his.form(b"<x/>")
    missing = {k: v for k, v in form.items() if k != "maTinh"}
    assert his.client.post("/api/qd130/guiHoSoXmlQD3176", data=missing, headers=his.tokens).json()["maLoi"] == "2051"
    repeated = "&".join(f"{k}={v}" for k, v in form.items()) + "&username=again"
    his.client.post("/api/qd130/guiHoSoXmlQD3176", content=repeated,
                    headers={**his.tokens, "Content-Type": "application/x-www-form-urlencoded"})
    his.client.post("/api/qd130/guiHoSoXmlQD3176", files={"x": ("a", b"b")}, data=form, headers=his.tokens)
    his.client.post("/api/egw/KQNhanLichSuKCB2024", content=b"[1, 2]",
                    headers={**his.tokens, "Content-Type": "application/json"})
    his.client.post("/api/qd130/guiHoSoXmlQD3176?x=1", data=form, headers=his.tokens)
    assert taken == []


@pytest.fixture
def population_cards(ctx):
    from demo.population import load_population
    load_population(ctx, ("58001",))


def test_card_look_ups_run_in_at_most_lookup_threads_threads(monkeypatch):
    """More threads than cores only contend for the interpreter lock: a web process answers at most
    ``lookup_threads`` card look-ups at once and queues the rest (submissions are not held to it)."""
    import threading
    import time

    import anyio

    from sandbox.settings import Settings
    running, most, lock = [0], [0], threading.Lock()

    def slow_answer(self, route, scope, headers, data, query=None):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return 200, b"{}"

    monkeypatch.setattr(fastpath.FastPath, "_answer", slow_answer)
    path = fastpath.FastPath(None, None, Settings(lookup_threads=2))
    card = ("/api/egw/KQNhanLichSuKCB2024", b"application/json",
            b'{"maThe": "DN4585800000001", "hoTen": "A", "ngaySinh": "1985", "hoTenCb": "B", "cccdCb": "058190000001"}')
    submission = ("/api/qd130/guiHoSoXmlQD3176", fastpath.FORM.encode(),
                  b"username=58001_BV&loaiHoSo=130&maTinh=58&maCSKCB=58001&fileHSBase64=PHgvPg%3D%3D")

    async def call(url, content_type, body):
        sent = []
        scope = {"type": "http", "method": "POST", "path": url, "query_string": b"",
                 "headers": [(b"content-type", content_type)]}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            sent.append(message)
        await path(scope, receive, send)
        assert sent[0]["status"] == 200

    def at_once(route) -> int:
        most[0] = 0

        async def many():
            async with anyio.create_task_group() as tg:
                for _ in range(6):
                    tg.start_soon(call, *route)
        anyio.run(many)
        return most[0]
    assert at_once(card) == 2
    assert at_once(submission) == 6

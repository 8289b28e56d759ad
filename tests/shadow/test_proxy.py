"""The shadow proxy in front of stand-in upstreams: another sandbox judging differently (PROV-01 off, strict
rules) and scripted upstreams that fail, time out, answer 5xx or never process.  The HIS gets the upstream's
bytes exactly; every class of divergence is found; the HIS is unaffected when the sandbox side breaks or is
full; storage holds digests and codes, no personal data."""

import gzip
import json

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.app import create_app
from sandbox.context import Context
from sandbox.shadow.proxy import ShadowProxy, report
from sandbox.storage.shadow import ShadowComparison
from tests.plugins.gateway import signed


def _episode(seed: int, **xml1) -> tuple[bytes, str, str]:
    ep = generate(seed, "58001", "kham")
    ep.tables["XML1"][0].update(xml1)
    return envelope("58001", [ep.documents()]), ep.ma_lk, ep.tables["XML1"][0]["HO_TEN"]


@pytest.fixture
def upstream(ctx, his):
    """Another sandbox on the same registry that judges differently: XML1-PROV-01 off, strict rules."""
    other = Context(ctx.settings.replace(rules_disabled="XML1-PROV-01", rules="strict"), ctx.db, ctx.clock)
    return create_app(ctx=other, start_worker=False)


def _proxy(ctx, app, **kw) -> ShadowProxy:
    return ShadowProxy(ctx, "http://upstream", transport=httpx.ASGITransport(app=app),
                       results=TestClient(app, base_url="http://upstream"), poll_seconds=0.05, **kw)


def _login(client, his) -> dict:
    key = client.post("/api/token/take", data={"username": his.username, "password": his.tokens["passwordHash"]}).json()
    return {"accessToken": key["APIKey"]["access_token"], "tokenId": key["APIKey"]["id_token"],
            "passwordHash": his.tokens["passwordHash"]}


def test_each_divergence_class_is_found_and_only_codes_are_stored(ctx, his, upstream):
    proxy = _proxy(ctx, upstream)
    client = TestClient(proxy, base_url="http://shadow")
    tokens = _login(client, his)
    cases = {"matched": _episode(1), "stricter": _episode(2, MATINH_CU_TRU="99"),        # we: PROV-01
             "looser": _episode(3, MA_LOAI_KCB="08", SO_NGAY_DTRI="9"),                   # they (strict): DAYS-02
             "reasons": _episode(4, MATINH_CU_TRU="99", MA_LOAI_KCB="08", SO_NGAY_DTRI="9")}   # we PROV-01, they DAYS-02
    for payload, _, _ in cases.values():
        answer = client.post("/api/qd130/guiHoSoXmlQD3176", data=his.form(signed(payload, his.credential)),
                             headers=tokens)
        assert answer.status_code == 200 and answer.json()["maKetQua"] == "200"
    proxy.queue.join()                                     # every comparison done (no sleeping on time)
    kinds = {c.key: c.kind for c in report(ctx).comparisons}
    for kind, (_, ma_lk, _) in cases.items():
        assert kinds[ma_lk[:6] + "…" + ma_lk[-2:]] == kind, (kind, kinds)
    assert proxy.status()["stats"]["forwarded"] == 5 and proxy.status()["addedMsP99"] is not None
    with ctx.db.read() as s:
        stored = json.dumps([[r.ma_lk_masked, r.ours, r.theirs, r.transaction_digest, r.facility_code]
                             for r in s.scalars(select(ShadowComparison))], ensure_ascii=False)
    for payload, ma_lk, name in cases.values():
        assert name not in stored and ma_lk not in stored        # no name, no whole MA_LK, no payload
    assert "DN4" not in stored and "0580" not in stored          # no card number, no personal ID
    api = his.client.get("/api/sandbox/doi-chieu", headers={"username": his.username,
                                                            "passwordHash": his.tokens["passwordHash"]}).json()
    assert api["counts"] == {"matched": 1, "stricter": 1, "looser": 1, "reasons": 1, "unserved": 0}
    his.client.post("/portal/login", data={"username": his.username, "password": his.password})
    page = his.client.get("/portal/doi-chieu")
    assert page.status_code == 200 and "Sandbox chặt hơn" in page.text and "XML1-PROV-01" in page.text
    assert his.client.get("/portal/doi-chieu.xlsx").content[:2] == b"PK"


def _scripted(handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_the_his_gets_the_upstreams_bytes_status_and_headers_exactly(ctx):
    body = gzip.compress(b'{"maKetQua":"500","thongDiep":"L\xe1\xbb\x97i h\xe1\xbb\x87 th\xe1\xbb\x91ng"}')

    async def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accesstoken"] == "abc" and request.url.params["maGiaoDich"] == "X1"
        return httpx.Response(503, stream=httpx.ByteStream(body),      # as a network answer arrives: not read yet
                              headers={"Content-Encoding": "gzip", "X-Upstream": "bhxh", "Content-Type": "application/json"})
    proxy = ShadowProxy(ctx, "http://upstream", transport=_scripted(answer))
    got = TestClient(proxy).get("/api/qd130/ketQuaTiepNhan?maGiaoDich=X1", headers={"accessToken": "abc"})
    assert got.status_code == 503 and got.headers["x-upstream"] == "bhxh"
    assert got.headers["content-encoding"] == "gzip" and got.content == gzip.decompress(body)   # the same bytes


@pytest.mark.parametrize("failure, status, header", [(httpx.ConnectError("refused"), 502, "connect"),
                                                     (httpx.ReadTimeout("slow"), 504, "timeout")])
def test_an_upstream_that_fails_is_failed_through(ctx, failure, status, header):
    async def answer(request):
        raise failure
    got = TestClient(ShadowProxy(ctx, "http://upstream", transport=_scripted(answer))).post("/api/token/take")
    assert got.status_code == status and got.headers["x-shadow-upstream-error"] == header and got.content == b""


def test_a_broken_or_full_sandbox_side_never_touches_the_his(ctx, his, upstream, monkeypatch):
    import threading
    release = threading.Event()
    proxy = _proxy(ctx, upstream, queue_size=1)
    monkeypatch.setattr(proxy, "judge", lambda job: release.wait(60) and (_ for _ in ()).throw(RuntimeError("broken")))
    client = TestClient(proxy, base_url="http://shadow")
    tokens = _login(client, his)
    for seed in range(4):                 # the first is taken by the (stuck) judge, one waits, the rest are dropped
        payload, _, _ = _episode(10 + seed)
        answer = client.post("/api/qd130/guiHoSoXmlQD3176", data=his.form(signed(payload, his.credential)),
                             headers=tokens)
        assert answer.status_code == 200 and answer.json()["maKetQua"] == "200"
    assert proxy.stats["dropped"] >= 2
    release.set()
    proxy.queue.join()
    assert proxy.stats["failed"] == proxy.stats["queued"] and proxy.stats["forwarded"] == 5


def test_an_upstream_that_never_processes_is_unserved(ctx, his, upstream):
    async def forward(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=upstream), base_url="http://upstream") as c:
            r = await c.request(request.method, request.url.raw_path.decode(), headers=request.headers,
                                content=request.content)
            return httpx.Response(r.status_code, stream=httpx.ByteStream(r.content), headers=r.headers)

    def still_working(request):
        return httpx.Response(200, json={"maKetQua": "200", "trangThai": "DANG_XU_LY", "dsHoSo": []})
    proxy = ShadowProxy(ctx, "http://upstream", transport=_scripted(forward),
                        results=httpx.Client(transport=httpx.MockTransport(still_working), base_url="http://upstream"),
                        poll_seconds=0.01, give_up_seconds=0.2)
    client = TestClient(proxy, base_url="http://shadow")
    tokens = _login(client, his)
    payload, _, _ = _episode(20)
    client.post("/api/qd130/guiHoSoXmlQD3176", data=his.form(signed(payload, his.credential)), headers=tokens)
    proxy.queue.join()
    assert report(ctx).counts()["unserved"] == 1


def test_the_proxy_says_what_it_forwarded_and_added_when_it_stops(ctx, his, upstream):
    said = []
    proxy = _proxy(ctx, upstream, on_stop=said.append)
    with TestClient(proxy, base_url="http://shadow") as client:      # lifespan: started, then shut down
        for _ in range(3):
            assert client.get("/portal/login").status_code == 200
        assert said == []
    [status] = said
    assert status["stats"]["forwarded"] == 3 and 0 <= status["addedMsP50"] <= status["addedMsP99"]

"""The shadow proxy: the HIS points its base URL here; every call goes to the upstream gateway unchanged and
the upstream's answer — status, headers, bytes — goes back unchanged.  Off the HIS's path, a submission the
upstream acknowledged is judged by the sandbox and, once the upstream has processed it (``ketQuaTiepNhan``,
polled with the HIS's own token while it is valid — held in memory, never stored), both verdicts are
recorded side by side (storage/shadow.py: digests and codes only).

The side work never slows or breaks the HIS's traffic: a bounded queue (full: the submission is counted as
dropped and not compared), one thread judging, its failures counted.  An upstream that does not answer is
answered 502 (no connection) or 504 (timeout) with an empty body and ``X-Shadow-Upstream-Error``: a proxy
cannot reproduce a refused connection, and says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl

import httpx

from sandbox.context import Context

from .compare import Comparison, Verdict
from .forward import Upstream, UpstreamError

log = logging.getLogger(__name__)
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "host", "content-length"}
SUBMISSIONS = {"guiHoSoXmlQD130": ("HOSO", "QD130"), "guiHoSoXmlQD4750": ("HOSO", "QD4750"),
               "guiHoSoXmlQD3176": ("HOSO", "QD3176")}
TOKEN_HEADERS = ("accessToken", "tokenId", "passwordHash")


@dataclass
class Job:
    endpoint: str
    facility: str
    payload_b64: str
    transaction: str
    tokens: dict            # the HIS's headers, in memory only
    queued_at: float


class ShadowProxy:
    def __init__(self, ctx: Context, upstream: str, *, transport: httpx.AsyncBaseTransport | None = None,
                 queue_size: int = 1000, timeout: float = 120.0, poll_seconds: float = 5.0,
                 give_up_seconds: float = 3600.0, keep_days: int = 7, verify: bool = True,
                 results: httpx.Client | None = None, on_stop=None):
        self.ctx, self.upstream = ctx, upstream.rstrip("/")
        self._transport, self._timeout, self._verify = transport, timeout, verify
        self._client: httpx.AsyncClient | None = None      # only with a transport given (tests, in-process)
        self._upstream: Upstream | None = None              # pooled raw connections (made in the event loop)
        self._results = results or httpx.Client(base_url=self.upstream, timeout=30, verify=verify)
        self.queue: queue.Queue[Job] = queue.Queue(maxsize=queue_size)
        self.poll_seconds, self.give_up_seconds, self.keep_days = poll_seconds, give_up_seconds, keep_days
        self.stats: Counter = Counter()
        self.added_ms: list[float] = []          # the proxy's own time per call (total − upstream's)
        self.on_stop = on_stop                   # called with status() when the server shuts down
        self._thread = threading.Thread(target=self._work, name="skdt-shadow", daemon=True)
        self._thread.start()

    # --- the HIS's path ------------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self._client is not None:
                        await self._client.aclose()
                    if self._upstream is not None:
                        await self._upstream.aclose()
                    if self.on_stop is not None:
                        self.on_stop(self.status())
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in scope.get("headers") or [] if k.decode("latin-1").lower() not in HOP_BY_HOP]
        target = (scope.get("raw_path") or scope["path"].encode()) + \
            ((b"?" + scope["query_string"]) if scope.get("query_string") else b"")
        self.stats["forwarded"] += 1
        try:
            status, answer_headers, raw, upstream_s = await self._forward(scope["method"], target, headers, body)
        except UpstreamError as exc:
            self.stats["upstream_timeout" if exc.what == "timeout" else "upstream_unreachable"] += 1
            return await self._failed(send, 504 if exc.what == "timeout" else 502, exc.what)
        out = [(k, v) for k, v in answer_headers if k.decode("latin-1").lower() not in HOP_BY_HOP] + \
            [(b"content-length", str(len(raw)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": raw})
        self.added_ms.append((time.perf_counter() - started - upstream_s) * 1000)
        if len(self.added_ms) > 20000:
            del self.added_ms[:-10000]
        self._maybe_queue(scope["path"], headers, body, status, raw)

    async def _forward(self, method: str, target: bytes, headers, body: bytes):
        """The upstream's status, headers and bytes, and how long it took (UpstreamError when it did not
        answer): over pooled raw connections (forward.py), or through an httpx transport given to the proxy
        (an application in process, a scripted upstream)."""
        began = time.perf_counter()
        if self._transport is None:
            if self._upstream is None:
                self._upstream = Upstream(self.upstream, timeout=self._timeout, verify=self._verify)
            status, answer_headers, raw = await self._upstream.request(method, target, headers, body)
            return status, answer_headers, raw, time.perf_counter() - began
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False, base_url=self.upstream, timeout=self._timeout,
                                             verify=self._verify, transport=self._transport)
        try:
            request = self._client.build_request(method, target.decode("latin-1"), content=body,
                                                 headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers])
            response = await self._client.send(request, stream=True)
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
            await response.aclose()
        except httpx.TimeoutException:
            raise UpstreamError("timeout") from None
        except httpx.HTTPError:
            raise UpstreamError("connect") from None
        return response.status_code, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.multi_items()], \
            raw, time.perf_counter() - began

    async def _failed(self, send, status: int, what: str) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"x-shadow-upstream-error", what.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def _maybe_queue(self, path: str, raw_headers, body: bytes, status: int, raw: bytes) -> None:
        endpoint = path.rsplit("/", 1)[-1]
        if endpoint not in SUBMISSIONS or status != 200:
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw_headers}
        try:
            answer = json.loads(raw)
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (ValueError, UnicodeDecodeError):
            return
        if answer.get("maKetQua") != "200" or not answer.get("maGiaoDich"):
            return
        tokens = {k: v for k, v in headers.items() if k in TOKEN_HEADERS or k.lower() in {t.lower() for t in TOKEN_HEADERS}}
        job = Job(endpoint, form.get("maCSKCB", ""), form.get("fileHSBase64", ""), str(answer["maGiaoDich"]), tokens,
                  time.monotonic())
        try:
            self.queue.put_nowait(job)
            self.stats["queued"] += 1
        except queue.Full:
            self.stats["dropped"] += 1          # the HIS is not slowed: this one is simply not compared

    # --- off the path --------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self.queue.get()
            try:
                self._compare(job)
            except Exception:  # noqa: BLE001 - the side work never stops: count and go on
                self.stats["failed"] += 1
                log.warning("shadow comparison failed (%s)", job.endpoint, exc_info=True)
            finally:
                self.queue.task_done()

    def judge(self, job: Job) -> dict[str, Verdict]:
        import base64
        from sandbox.pipeline.runner import evaluate
        from sandbox.pipeline.service import stage_context_for
        kind, profile = SUBMISSIONS[job.endpoint]
        payload = base64.b64decode(job.payload_b64)
        outcome = evaluate(payload, stage_context_for(self.ctx, kind, profile, job.facility),
                           self.ctx.settings.max_decoded_file_bytes)
        envelope = frozenset(f.code for f in outcome.findings if f.is_error)
        return {r.ma_lk or f"#{r.position}": Verdict(not (envelope | {f.code for f in r.findings if f.is_error}),
                                                    envelope | frozenset(f.code for f in r.findings if f.is_error))
                for r in outcome.records}

    def upstream_verdict(self, job: Job) -> dict[str, Verdict] | None:
        """The upstream's verdicts once processed (None while it is still working or the token is gone)."""
        answer = self._results.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": job.transaction},
                                   headers=job.tokens)
        if answer.status_code != 200:
            return None
        body = answer.json()
        if body.get("maKetQua") != "200" or body.get("trangThai") != "DA_XU_LY":
            return None
        errors = lambda items: frozenset(e.get("maLoi", "") for e in items or [] if e.get("mucDo") == "LOI")  # noqa: E731
        envelope = errors(body.get("dsLoi"))
        return {h.get("maLk", ""): Verdict(h.get("trangThai") == "HOP_LE" and not envelope,
                                          envelope | errors(h.get("dsLoi"))) for h in body.get("dsHoSo") or []}

    def _compare(self, job: Job) -> None:
        ours = self.judge(job)
        self.stats["judged"] += 1
        theirs = None
        deadline = job.queued_at + self.give_up_seconds
        while theirs is None and time.monotonic() < deadline:
            theirs = self.upstream_verdict(job)
            if theirs is None:
                time.sleep(self.poll_seconds)
        self.record(job, [Comparison(key, verdict, (theirs or {}).get(key, Verdict(None)), job.endpoint)
                          for key, verdict in ours.items()])

    def record(self, job: Job, comparisons: list[Comparison]) -> None:
        from sqlalchemy import delete
        from sandbox.storage.shadow import ShadowComparison
        now = self.ctx.clock.now()
        secret = self.ctx.settings.secret_key.encode()
        digest = hmac.new(secret, job.transaction.encode(), hashlib.sha256).hexdigest()
        with self.ctx.db.session() as s:
            s.execute(delete(ShadowComparison).where(ShadowComparison.expires_at < now))
            for c in comparisons:
                s.add(ShadowComparison(created_at=now, expires_at=now + timedelta(days=self.keep_days),
                                       endpoint=job.endpoint, facility_code=job.facility[:5], transaction_digest=digest,
                                       ma_lk_masked=mask(c.key), kind=c.kind,
                                       ours={"valid": c.ours.valid, "codes": sorted(c.ours.codes)},
                                       theirs={"valid": c.theirs.valid, "codes": sorted(c.theirs.codes)}))
                self.stats[c.kind] += 1

    def status(self) -> dict:
        added = sorted(self.added_ms)
        pct = lambda p: round(added[min(len(added) - 1, int(len(added) * p))], 2) if added else None  # noqa: E731
        return {"stats": dict(self.stats), "queue": self.queue.qsize(), "addedMsP50": pct(0.5), "addedMsP99": pct(0.99)}


def mask(ma_lk: str) -> str:
    """Enough of MA_LK for the facility to recognise it, not enough to read an ID out of it."""
    return ma_lk if len(ma_lk) <= 8 else f"{ma_lk[:6]}…{ma_lk[-2:]}"


def report(ctx: Context, days: int = 7, facility: str | None = None):
    """The stored comparisons of the last ``days`` (of one facility, when given) as a Report (compare.py)."""
    from sqlalchemy import select
    from sandbox.storage.shadow import ShadowComparison
    from .compare import Report
    since = ctx.clock.now() - timedelta(days=days)
    query = select(ShadowComparison).where(ShadowComparison.created_at >= since).order_by(ShadowComparison.id)
    if facility:
        query = query.where(ShadowComparison.facility_code == facility)
    with ctx.db.read() as s:
        rows = list(s.scalars(query.limit(100_000)))
    verdict = lambda d: Verdict(d.get("valid"), frozenset(d.get("codes") or []))  # noqa: E731
    return Report([Comparison(r.ma_lk_masked, verdict(r.ours), verdict(r.theirs), r.endpoint) for r in rows])

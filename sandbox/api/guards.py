"""ASGI middleware guarding every request before connexion sees it.

Control characters in the path (``%0A``, ``%0D``, ``%00`` …) are refused with 2051: connexion's
router and Flask's disagree on such paths, which ended in a 500.  Repeated slashes are collapsed before
anything routes (``//admin/api/clock`` ended in a 500 too), and a JSON body holding a number of more than
``MAX_NUMBER_DIGITS`` digits is refused with 2051 before any parser meets it.

Bodies over the request limit are answered with code 1001, cleanly.

A HIS posting too large a batch must *read* the refusal: answering while it is still sending
and closing the socket gives it a connection reset instead.  So the rest of the body is read
and discarded first (up to a bound), and the answer says ``Connection: close``.  Every body
(chunked or with Content-Length) is read up to the limit before anything else sees them, then
handed on with a Content-Length, so every layer after this one sees an ordinary, complete body.

Stalled or truncated bodies are answered 5081 (HTTP 408, ``Connection: close``) instead of holding
a server task for ever: each part must arrive within ``read_timeout_seconds`` and the whole body at
``min_body_rate`` bytes per second at least.  Stalled *headers* never reach ASGI; the server's
protocol closes those (sandbox/serving.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import mmap
import re
import tempfile
import time

from ..result_codes import ResultCode
from .common import refusal_body, refusal_status

MAX_NUMBER_DIGITS = 1000        # a JSON number longer than this is refused (Python's int stops at 4 300 digits)
_DIGITS = bytes(0x31 if 0x30 <= b <= 0x39 else 0x30 for b in range(256))   # digit → "1", else "0"
_RUN = b"1" * (MAX_NUMBER_DIGITS + 1)


WINDOW = 1024 * 1024


class _TooLong(Exception):
    pass


def _bounded(text: str):
    if len(text) > MAX_NUMBER_DIGITS:
        raise _TooLong
    return 0


def has_long_number(body) -> bool:
    """A JSON number of more than MAX_NUMBER_DIGITS digits.  First a run of that many digits anywhere, found in
    linear time (translate, then a substring search: no regular expression, whose backtracking over many
    near-long runs would be quadratic), window by window so that a 20 MB JSON submission is not copied whole
    (windows overlap by the run's length); only then the JSON read with every number's text measured and
    never converted, so that a long run of digits inside a string (a statement of "000…") is not a number.
    A body that is not JSON is left to the operation's parser, which refuses it."""
    step = WINDOW - len(_RUN)
    if not any(body[i:i + WINDOW].translate(_DIGITS).find(_RUN) >= 0
               for i in range(0, max(len(body) - len(_RUN) + 1, 0), step)):
        return False
    try:
        json.loads(body if isinstance(body, bytes) else bytes(body), parse_int=_bounded, parse_float=_bounded)
    except _TooLong:
        return True
    except (ValueError, RecursionError):
        return False
    return False


SLASHES = re.compile(r"/{2,}")
DRAIN_FACTOR = 4                 # discard up to 4 × the limit before giving up on reading
DRAIN_CAP = 1024 * 1024 * 1024   # and never more than 1 GiB


LARGE_BODY = 4 * 1024 * 1024   # past this (declared, or read so far when chunked), a body is read only for a
#                                caller whose credentials hold …
LARGE_AT_ONCE = 4           # … at most this many such bodies at once per process (else 1001: retry later) …
LARGE_PER_CALLER = 2        # … and per caller (one HIS cannot hold every slot); each is spooled to disk as it
SPOOL_CHUNK = 1024 * 1024   # arrives and handed on in pieces of this size


class BodyLimit:
    """``allowed(path, headers)``: whether the caller may send a large body (a valid gateway token on /api/,
    the admin token on /admin/); checked before a byte of it is read, so junk sent without a token costs
    no memory (8 × 95 MB took the server from 249 to 2 583 MB before).  A large body that may come is written
    to a temporary file as it arrives (a slow 100 MB upload holds no memory while it lasts), at most
    LARGE_AT_ONCE at once and LARGE_PER_CALLER per caller (its credential)."""

    def __init__(self, app, limit: int, settings, allowed=None):
        self.app = app
        self.limit = limit
        self.settings = settings
        self.allowed = allowed
        self._large = None          # asyncio.Semaphore(LARGE_AT_ONCE), made in the event loop
        self._per_caller: dict[str, int] = {}

    async def _may_send_large(self, scope, headers, gate: dict) -> ResultCode | None:
        """None when the large body may be read now (a slot is taken), else the code to refuse it with."""
        if self.allowed is not None:
            import anyio
            given = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}
            if not await anyio.to_thread.run_sync(self.allowed, scope.get("path", ""), given):
                return ResultCode.TOKEN_INVALID
        if self._large is None:
            self._large = asyncio.Semaphore(LARGE_AT_ONCE)
        caller = _caller_key(scope, headers)
        if self._large.locked() or self._per_caller.get(caller, 0) >= LARGE_PER_CALLER:
            return ResultCode.FILE_TOO_LARGE
        await self._large.acquire()
        self._per_caller[caller] = self._per_caller.get(caller, 0) + 1
        gate.update(held=True, caller=caller)
        return None

    def _release(self, gate: dict) -> None:
        self._large.release()
        left = self._per_caller.get(gate["caller"], 1) - 1
        if left > 0:
            self._per_caller[gate["caller"]] = left
        else:
            self._per_caller.pop(gate["caller"], None)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = scope.get("headers") or []
        length = next((v for k, v in headers if k == b"content-length"), None)
        declared = int(length) if length is not None and length.strip().isdigit() else None
        if declared is not None and declared > self.limit:
            await self._drain(receive, declared)
            return await self._refuse(scope, send)
        gate = {"held": False}
        if declared is not None and declared > LARGE_BODY:    # known large: the credentials before any byte
            refused = await self._may_send_large(scope, headers, gate)
            if refused is not None:
                return await self._refuse_large(scope, send, refused)
        try:
            return await self._read(scope, receive, send, headers, declared, gate)
        finally:
            if gate["held"]:
                self._release(gate)

    async def _refuse_large(self, scope, send, code: ResultCode):
        """Answered at once, the body unread, and the connection closed."""
        if code is ResultCode.TOKEN_INVALID:
            vi, en = "dữ liệu lớn chỉ nhận từ người gọi có token hợp lệ", "large bodies only with a valid token"
        else:
            vi, en = "cổng đang nhận nhiều tệp lớn, gửi lại sau", "too many large bodies at once: retry later"
        data = json.dumps(refusal_body(code, vi, en), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": refusal_status(code, self.settings, scope.get("path", "")),
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(data)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})

    async def _read(self, scope, receive, send, headers, declared, gate: dict):
        """Read the body (chunked ones are gated once they pass LARGE_BODY: a small chunked body is read
        as any other)."""
        idle = self.settings.read_timeout_seconds
        deadline = time.monotonic() + idle + (declared or self.limit) / max(self.settings.min_body_rate, 1)
        chunks, seen, more, spool = [], 0, True, None
        try:
            while more:
                try:
                    message = await asyncio.wait_for(receive(), min(idle, max(deadline - time.monotonic(), 0.001)))
                except asyncio.TimeoutError:
                    return await self._refuse(scope, send, ResultCode.REQUEST_TIMEOUT)
                if message["type"] == "http.disconnect":
                    return None
                body = message.get("body", b"")
                seen += len(body)
                more = message.get("more_body", False)
                if seen > self.limit:
                    if more:
                        await self._drain(receive, None)
                    return await self._refuse(scope, send)
                if seen > LARGE_BODY and not gate["held"]:
                    refused = await self._may_send_large(scope, headers, gate)
                    if refused is not None:
                        return await self._refuse_large(scope, send, refused)
                if gate["held"] and spool is None:
                    spool = tempfile.TemporaryFile(prefix="skdt-body-")
                    spool.writelines(chunks)
                    chunks = []
                if spool is not None:
                    spool.write(body)
                else:
                    chunks.append(body)
            if spool is None:
                return await self._hand_on(scope, receive, send, headers, b"".join(chunks), None)
            spool.flush()
            with mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ) if seen else contextlib.nullcontext(b"") as view:
                return await self._hand_on(scope, receive, send, headers, view, spool)
        finally:
            if spool is not None:      # every way out, early refusals included
                spool.close()

    async def _hand_on(self, scope, receive, send, headers, body, spool):
        """The complete body to the app: at once, or from the spool file in SPOOL_CHUNK pieces."""
        kind = next((v for k, v in headers if k == b"content-type"), b"")
        if b"json" in kind.lower() and has_long_number(body):
            return await _answer(scope, send, self.settings, ResultCode.FIELD_MISSING,
                                 f"số trong JSON dài quá {MAX_NUMBER_DIGITS} chữ số",
                                 f"a JSON number longer than {MAX_NUMBER_DIGITS} digits")
        size = len(body)
        step = SPOOL_CHUNK if spool is not None else max(size, 1)
        pieces = iter(range(0, max(size, 1), step))     # one piece copied at a time, as the app reads

        async def replayed():
            i = next(pieces, None)
            if i is None:
                return await receive()
            return {"type": "http.request", "body": body[i:i + step], "more_body": i + step < size}

        headers = [(k, v) for k, v in headers if k not in (b"transfer-encoding", b"content-length")]
        scope = dict(scope, headers=headers + [(b"content-length", str(size).encode())])
        return await self.app(scope, replayed, send)

    async def _drain(self, receive, declared: int | None) -> None:
        bound = min(DRAIN_CAP, DRAIN_FACTOR * self.limit)
        if declared is not None and declared > bound:
            return  # not worth reading: answer now, the connection closes
        read = 0
        while read <= bound:
            try:
                message = await asyncio.wait_for(receive(), self.settings.read_timeout_seconds)
            except asyncio.TimeoutError:
                return
            if message["type"] != "http.request":
                return
            read += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _refuse(self, scope, send, code: ResultCode = ResultCode.FILE_TOO_LARGE):
        if code is ResultCode.FILE_TOO_LARGE:
            limit_mb = self.limit / 1024 / 1024
            body = refusal_body(code, f"yêu cầu tối đa {limit_mb:g} MB", f"at most {limit_mb:g} MB per request")
        else:
            body = refusal_body(code, f"mỗi phần phải đến trong {self.settings.read_timeout_seconds:g} giây",
                                f"each part must arrive within {self.settings.read_timeout_seconds:g} s")
        data = json.dumps(body, ensure_ascii=False).encode()
        status = refusal_status(code, self.settings, scope.get("path", ""))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(data)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})


def _caller_key(scope, headers) -> str:
    """Who sends a large body: its credential (a token header, the vendors' token in the query, the admin
    token), else its address."""
    for name in (b"accesstoken", b"x-admin-token", b"authorization"):
        value = next((v for k, v in headers if k.lower() == name), None)
        if value:
            return value.decode("latin-1")[-64:]
    token = re.search(rb"(?:^|&)token=([^&]*)", scope.get("query_string", b"") or b"")
    if token:
        return token.group(1).decode("latin-1")[-64:]
    return (scope.get("client") or ("?",))[0]


async def _answer(scope, send, settings, code: ResultCode, vi: str, en: str) -> None:
    data = json.dumps(refusal_body(code, vi, en), ensure_ascii=False).encode()
    status = refusal_status(code, settings, scope.get("path", ""))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


class PathGuard:
    """Refuse paths carrying control characters (decoded), with a coded answer instead of a 500, and read
    every path with its repeated slashes collapsed (``//admin/api/clock`` is ``/admin/api/clock``, and
    guarded as such): one normal form for every router and guard after this one.  A method a fixed path lacks
    is answered 405 here when a template would otherwise take the call (``shadowed``, from app._shadowed)."""

    def __init__(self, app, settings, shadowed=None):
        self.app = app
        self.settings = settings
        self._find_shadowed = shadowed      # () → {fixed path: the methods it answers}, once the routes exist
        self.shadowed = None

    async def __call__(self, scope, receive, send):
        query = scope.get("query_string", b"") or b""
        if scope["type"] == "http" and (any(ord(c) < 32 or ord(c) == 127 for c in scope.get("path", ""))
                                        or b"%00" in query or b"\x00" in query):
            return await _answer(scope, send, self.settings, ResultCode.FIELD_MISSING, "đường dẫn chứa ký tự điều khiển",
                                 "the path contains control characters")
        if scope["type"] == "http" and "//" in scope.get("path", ""):
            path = SLASHES.sub("/", scope["path"])
            scope = dict(scope, path=path, raw_path=path.encode("utf-8"))
        if self.shadowed is None:
            self.shadowed = self._find_shadowed() if self._find_shadowed else {}
        allow = self.shadowed.get(scope.get("path", "")) if scope["type"] == "http" else None
        if allow and scope["method"] not in allow.split(", ") and scope["method"] != "OPTIONS":
            data = json.dumps(refusal_body(ResultCode.FIELD_MISSING, "đường dẫn này không nhận phương thức đó",
                                           "Method Not Allowed"), ensure_ascii=False).encode()
            await send({"type": "http.response.start", "status": 405,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"allow", allow.encode()),
                                    (b"content-length", str(len(data)).encode())]})
            return await send({"type": "http.response.body", "body": data})
        await self.app(scope, receive, send)


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PUBLIC_CACHE = ("/.well-known/", "/portal/static/", "/static/")


class SecurityHeaders:
    """Headers every answer carries: no MIME sniffing, no framing (X-Frame-Options and CSP
    frame-ancestors), no referrer, a content security policy on pages (no inline script is used; Swagger UI
    at ``…/ui/`` keeps its own), and ``Cache-Control: no-store`` unless the answer says otherwise — pages
    and answers carry health data."""

    def __init__(self, app, settings):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        swagger = "/ui" in path

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                if not swagger and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names and not path.startswith(PUBLIC_CACHE):
                    headers.append((b"cache-control", b"no-store"))
                message = dict(message, headers=headers)
            await send(message)
        return await self.app(scope, receive, with_headers)

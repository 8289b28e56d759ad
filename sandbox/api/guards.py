"""ASGI middleware guarding every request before connexion sees it.

Control characters in the path (``%0A``, ``%0D``, ``%00`` …) are refused with 2051: connexion's
router and Flask's disagree on such paths, which ended in a 500.

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
import json
import time

from ..result_codes import ResultCode
from .common import refusal_body, refusal_status

DRAIN_FACTOR = 4                 # discard up to 4 × the limit before giving up on reading
DRAIN_CAP = 1024 * 1024 * 1024   # and never more than 1 GiB


class BodyLimit:
    def __init__(self, app, limit: int, settings):
        self.app = app
        self.limit = limit
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = scope.get("headers") or []
        length = next((v for k, v in headers if k == b"content-length"), None)
        declared = int(length) if length is not None and length.strip().isdigit() else None
        if declared is not None and declared > self.limit:
            await self._drain(receive, declared)
            return await self._refuse(scope, send)
        idle = self.settings.read_timeout_seconds
        deadline = time.monotonic() + idle + (declared or self.limit) / max(self.settings.min_body_rate, 1)
        chunks, seen, more = [], 0, True
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
            chunks.append(body)
        body = b"".join(chunks)
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def replayed():
            return replay.pop() if replay else await receive()

        headers = [(k, v) for k, v in headers if k not in (b"transfer-encoding", b"content-length")]
        scope = dict(scope, headers=headers + [(b"content-length", str(len(body)).encode())])
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


class PathGuard:
    """Refuse paths carrying control characters (decoded), with a coded answer instead of a 500."""

    def __init__(self, app, settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        query = scope.get("query_string", b"") or b""
        if scope["type"] == "http" and (any(ord(c) < 32 or ord(c) == 127 for c in scope.get("path", ""))
                                        or b"%00" in query or b"\x00" in query):
            body = refusal_body(ResultCode.FIELD_MISSING, "đường dẫn chứa ký tự điều khiển",
                                "the path contains control characters")
            data = json.dumps(body, ensure_ascii=False).encode()
            status = refusal_status(ResultCode.FIELD_MISSING, self.settings, scope.get("path", ""))
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})
            return
        await self.app(scope, receive, send)

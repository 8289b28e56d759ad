"""HTTP/1.1 to the upstream over pooled asyncio connections: the request's bytes as the HIS sent them (its
headers but the hop-by-hop ones), the answer's status, headers and body bytes as the upstream sent them
(chunked bodies joined, nothing decompressed).  No HTTP client library: forwarding is the proxy's whole
job on the HIS's path, and a general client's request and response models cost more than the forwarding
(measured: httpx added ≈ 3 ms of CPU per call on a 2-core machine, making the proxy slower than the
gateway behind it).  TLS is verified unless told otherwise.
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit


class UpstreamError(Exception):
    """No answer: ``what`` is ``connect`` (no connection, or it broke) or ``timeout``."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class Upstream:
    def __init__(self, url: str, *, timeout: float = 120.0, verify: bool = True, pool: int = 64):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.authority = parts.netloc.encode("latin-1")
        self.timeout, self.pool_size = timeout, pool
        self._ssl = None
        if self.tls:
            self._ssl = ssl.create_default_context()
            if not verify:
                self._ssl.check_hostname, self._ssl.verify_mode = False, ssl.CERT_NONE
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._loop = None

    async def request(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
                      body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        head = b"".join([method.encode("latin-1"), b" ", target, b" HTTP/1.1\r\nhost: ", self.authority, b"\r\n",
                         *(k + b": " + v + b"\r\n" for k, v in headers),
                         b"content-length: ", str(len(body)).encode(), b"\r\n\r\n"])
        loop = asyncio.get_running_loop()
        if loop is not self._loop:         # connections belong to the loop that opened them
            self._idle, self._loop = [], loop
        for attempt in (0, 1):             # a pooled connection the upstream closed meanwhile: once more, fresh
            reused = bool(self._idle) and attempt == 0
            try:
                return await asyncio.wait_for(self._exchange(head, body, reused, method == "HEAD"), self.timeout)
            except asyncio.TimeoutError:
                raise UpstreamError("timeout") from None
            except _Stale:
                continue
            except (OSError, asyncio.IncompleteReadError, ValueError):
                raise UpstreamError("connect") from None
        raise UpstreamError("connect")

    async def _exchange(self, head: bytes, body: bytes, reused: bool, head_only: bool):
        if reused:
            reader, writer = self._idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port, ssl=self._ssl)
        try:
            try:                                  # nothing of an answer read yet: a dropped pooled connection
                writer.write(head + body if len(body) < 65536 else head)
                if len(body) >= 65536:
                    writer.write(body)
                await writer.drain()
                status_line = await reader.readuntil(b"\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                if reused:
                    raise _Stale from None
                raise
            status, headers = await _head(reader, status_line)
            while 100 <= status < 200:                    # interim answers (100 Continue): the final one follows
                status, headers = await _head(reader, await reader.readuntil(b"\r\n"))
            names = {k.lower(): v for k, v in headers}
            if head_only or status in (204, 304):
                content = b""
            elif b"chunked" in names.get(b"transfer-encoding", b"").lower():
                content = await _chunked(reader)
            elif b"content-length" in names:
                content = await reader.readexactly(int(names[b"content-length"]))
            else:
                content = await reader.read()                 # until the upstream closes
                names[b"connection"] = b"close"
        except BaseException:
            writer.close()
            raise
        if names.get(b"connection", b"").lower() == b"close" or len(self._idle) >= self.pool_size:
            writer.close()
        else:
            self._idle.append((reader, writer))
        return status, headers, content

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop()[1].close()


class _Stale(Exception):
    pass


async def _head(reader: asyncio.StreamReader, status_line: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
    """The status and the header lines after ``status_line``, up to the blank line."""
    headers = []
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line[:-2].partition(b":")
        headers.append((name.strip(), value.strip()))
    return int(status_line.split(b" ", 2)[1]), headers


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":     # trailers, then the blank line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)

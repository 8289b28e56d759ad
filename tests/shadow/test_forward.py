"""The proxy's own forwarding (sandbox/shadow/forward.py) over real sockets: against scripted upstreams that
answer by length, chunked (with trailers) or until they close, drop a pooled connection, never answer or are
not there; and the whole proxy in front of a live sandbox, byte for byte."""

import gzip
import socketserver
import threading
import time

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.shadow.proxy import ShadowProxy
from tests.plugins.live import free_port

GZ = gzip.compress(b"abcdefg")
ANSWERS = {
    b"/length": b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Upstream: bhxh\r\nContent-Length: 16\r\n"
                b"\r\n{\"maKetQua\":\"0\"}",
    b"/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                 + b"%x\r\n%s\r\n" % (len(GZ[:9]), GZ[:9]) + b"%x;ext=1\r\n%s\r\n" % (len(GZ[9:]), GZ[9:])
                 + b"0\r\nX-Trailer: 1\r\n\r\n",
    b"/close": b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nnot now",
    b"/continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 2\r\n\r\nok",
}


class Scripted(socketserver.BaseRequestHandler):
    def handle(self):
        conn, served = self.request, 0
        conn.settimeout(10)
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                part = conn.recv(65536)
                if not part:
                    return
                buffer += part
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(buffer) < length:
                buffer += conn.recv(65536)
            body, buffer = buffer[:length], buffer[length:]
            path = head.split(b" ")[1].split(b"?")[0]
            if path == b"/silent":
                time.sleep(3)
                return
            if path == b"/echo":
                answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(head + body) + 4, head + b"\r\n\r\n" + body)
            else:
                answer = ANSWERS[path]
            conn.sendall(answer)
            served += 1
            if path == b"/close" or path == b"/once":
                return
            if served == 1 and path == b"/length" and self.server.drop_after_first:
                return                                  # keep-alive promised, then dropped: a stale pooled connection


@pytest.fixture
def scripted():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Scripted)
    server.daemon_threads, server.drop_after_first = True, False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _proxy(ctx, port: int, **kw) -> TestClient:
    return TestClient(ShadowProxy(ctx, f"http://127.0.0.1:{port}", **kw))


def test_answers_by_length_chunked_and_until_close_arrive_as_sent(ctx, scripted):
    client = _proxy(ctx, scripted.server_address[1])
    got = client.post("/length", content=b"x=1", headers={"accessToken": "abc"})
    assert got.status_code == 201 and got.content == b'{"maKetQua":"0"}' and got.headers["x-upstream"] == "bhxh"
    chunked = client.get("/chunked")
    assert chunked.status_code == 200 and chunked.content == b"abcdefg"       # joined; the client decompresses
    assert chunked.headers["content-encoding"] == "gzip" and chunked.headers["content-length"] == str(len(GZ))
    closed = client.get("/close")
    assert closed.status_code == 503 and closed.content == b"not now"
    final = client.post("/continue", content=b"x")                             # an interim 100 is not the answer
    assert final.status_code == 200 and final.content == b"ok" and final.headers["x-final"] == "1"


def test_the_request_reaches_the_upstream_as_the_his_sent_it(ctx, scripted):
    got = _proxy(ctx, scripted.server_address[1]).post("/echo?maGiaoDich=X1", content=b"username=a&b=%C3%A1",
                                                        headers={"accessToken": "abc", "Connection": "keep-alive"})
    seen = got.content
    assert seen.startswith(b"POST /echo?maGiaoDich=X1 HTTP/1.1\r\n") and seen.endswith(b"\r\n\r\nusername=a&b=%C3%A1")
    assert b"accesstoken: abc" in seen.lower() and b"connection:" not in seen.lower()    # hop-by-hop left out


def test_a_dropped_pooled_connection_is_replaced_once(ctx, scripted):
    scripted.drop_after_first = True
    client = _proxy(ctx, scripted.server_address[1])
    for _ in range(3):
        assert client.get("/length").status_code == 201


def test_an_upstream_that_is_not_there_or_silent_is_failed_through(ctx, scripted):
    nobody = free_port()
    got = _proxy(ctx, nobody).get("/length")
    assert got.status_code == 502 and got.headers["x-shadow-upstream-error"] == "connect" and got.content == b""
    silent = _proxy(ctx, scripted.server_address[1], timeout=0.5).get("/silent")
    assert silent.status_code == 504 and silent.headers["x-shadow-upstream-error"] == "timeout"


def test_in_front_of_a_live_sandbox_the_his_gets_the_same_answer(ctx, database_url):
    from tests.plugins.live import start_server
    port = free_port()
    server = start_server(database_url, port)
    try:
        client = _proxy(ctx, port)
        direct = httpx.get(f"http://127.0.0.1:{port}/api/sandbox/van-ban?ngay=2026-12-06")
        proxied = client.get("/api/sandbox/van-ban?ngay=2026-12-06")
        assert proxied.status_code == direct.status_code == 200 and proxied.content == direct.content
        drop = {"date", "content-length"}
        assert {k: v for k, v in proxied.headers.items() if k not in drop} == \
            {k: v for k, v in direct.headers.items() if k not in drop}
        refused = client.post("/api/token/take", data={"username": "nobody", "password": "0" * 32})
        assert refused.json()["maKetQua"] != "200"
    finally:
        server.terminate()
        server.wait(timeout=10)


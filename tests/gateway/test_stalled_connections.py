"""Slow or truncated requests do not hold the server: stalled headers are closed, stalled or cut-off
bodies answered 5081 (HTTP 408) with Connection: close, and the server keeps answering others."""

import json
import socket
import time

import httpx
import pytest

from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('stalled')}/s.sqlite3"
    port = free_port()
    proc = start_server(url, port, SANDBOX_HEADER_TIMEOUT_SECONDS="1", SANDBOX_READ_TIMEOUT_SECONDS="1")
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def _read_all(sock, limit=5.0) -> bytes:
    sock.settimeout(limit)
    data = b""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_headers_that_never_finish_are_closed(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /api/token/take HTTP/1.1\r\nHost: x\r\n")       # and nothing more
        started = time.monotonic()
        assert _read_all(sock) == b""                                          # closed, not answered
        assert time.monotonic() - started < 4


def test_a_body_that_stalls_is_answered_408_and_closed(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /api/token/take HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"username\":")                # 13 of 1000 bytes
        answer = _read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.1 408"), head
    assert b"connection: close" in head.lower()
    assert json.loads(body)["maLoi"] == "5081"


def test_the_server_still_answers_after_stalled_clients(server):
    stalled = [socket.create_connection(("127.0.0.1", server)) for _ in range(20)]
    for s in stalled:
        s.sendall(b"GET /portal/login HTTP/1.1\r\n")
    assert httpx.get(f"http://127.0.0.1:{server}/portal/login", timeout=5).status_code == 200
    time.sleep(2)
    closed = 0
    for s in stalled:
        s.settimeout(1)
        try:
            closed += s.recv(10) == b""
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
    assert closed == 20

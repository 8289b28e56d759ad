"""Real sizes over real sockets: 1, 3 and 20 MB submissions are accepted and processed; a request
just above the limit is answered 1001 and the client reads that answer (no connection reset)."""

import base64

import httpx
import pytest

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from sandbox.security import md5_upper
from tests.plugins.gateway import PASSWORD, signed
from tests.plugins.live import free_port, start_server, wait_processed

pytestmark = pytest.mark.slow
LIMIT = 24 * 1024 * 1024
BYTES_PER_DRUG_LINE = 2140      # fileHSBase64 bytes per XML2 line (measured)


def _fields(payload: bytes) -> dict:
    return {"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
            "fileHSBase64": base64.b64encode(payload).decode()}


@pytest.fixture
def live(ctx, database_url, credentials):
    admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
    admin.add_account(ctx, "58001_BV", "58001", PASSWORD)
    credential = credentials("58001")
    admin.add_certificate(ctx, "58001", credential.cert_pem)
    port = free_port()
    server = start_server(database_url, port, SANDBOX_MAX_REQUEST_BYTES=str(LIMIT),
                          SANDBOX_MAX_DECODED_FILE_BYTES=str(LIMIT))
    base = f"http://127.0.0.1:{port}"
    try:
        key = httpx.post(f"{base}/api/token/take",
                         data={"username": "58001_BV", "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        yield base, headers, credential, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("megabytes,as_json", [(1, False), (3, True), (20, False)])
def test_real_sizes_are_accepted_and_processed(live, megabytes, as_json):
    base, headers, credential, _ = live
    lines = megabytes * 1024 * 1024 // BYTES_PER_DRUG_LINE
    payload = signed(envelope("58001", [generate(40 + megabytes, "58001", "noi_tru", drug_lines=lines).documents()]),
                     credential)
    fields = _fields(payload)
    assert abs(len(fields["fileHSBase64"]) - megabytes * 2**20) < 0.1 * megabytes * 2**20
    url = f"{base}/api/qd130/guiHoSoXmlQD3176"
    sent = httpx.post(url, json=fields, headers=headers, timeout=120) if as_json else \
        httpx.post(url, data=fields, headers=headers, timeout=120)
    body = sent.json()
    assert sent.status_code == 200 and body["maKetQua"] == "200", body
    result = wait_processed(base, headers, body["maGiaoDich"], timeout=180)
    assert [h["trangThai"] for h in result["dsHoSo"]] == ["HOP_LE"], result["dsHoSo"][0]["dsLoi"][:3]


def test_just_above_the_limit_is_1001_and_the_client_reads_it(live):
    base, headers, _, _ = live
    fields = {"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001", "fileHSBase64": ""}
    overhead = len(httpx.QueryParams(fields).__str__().encode())
    fields["fileHSBase64"] = "A" * (LIMIT - overhead + 1)
    response = httpx.post(f"{base}/api/qd130/guiHoSoXmlQD3176", data=fields, headers=headers, timeout=60)
    assert response.status_code == 200 and response.json()["maKetQua"] == "1001"
    assert response.headers["connection"] == "close"
    # without Content-Length (chunked): the same answer
    def chunks():
        body = httpx.QueryParams(fields).__str__().encode()
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]
    chunked = httpx.post(f"{base}/api/qd130/guiHoSoXmlQD3176", content=chunks(), timeout=60,
                         headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.json()["maKetQua"] == "1001"


def test_a_chunked_submission_under_the_limit_is_accepted(live):
    base, headers, credential, _ = live
    body = httpx.QueryParams(_fields(signed(envelope("58001", [generate(7, "58001", "kham").documents()]),
                                            credential))).__str__().encode()
    response = httpx.post(f"{base}/api/qd130/guiHoSoXmlQD3176", content=iter([body[:5000], body[5000:]]),
                          headers={**headers, "Content-Type": "application/x-www-form-urlencoded"}, timeout=60)
    assert response.json()["maKetQua"] == "200", response.text
    assert [h["trangThai"] for h in wait_processed(base, headers, response.json()["maGiaoDich"])["dsHoSo"]] == ["HOP_LE"]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def test_large_junk_without_a_token_costs_no_memory(database_url):
    """Issue 23, finding 3: 8 concurrent 20 MB bodies without a token are refused before a byte is read
    (4013, connection closed): the server's memory does not grow by them (it grew by 2.3 GB for 8 × 95 MB)."""
    import socket
    from concurrent.futures import ThreadPoolExecutor
    port = free_port()
    server = start_server(database_url, port, SANDBOX_MAX_REQUEST_BYTES=str(LIMIT))
    size = 20 * 1024 * 1024

    def junk(_):
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(b"POST /api/qd130/guiHoSoXmlQD3176 HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         + f"Content-Length: {size}\r\n\r\n".encode())
            sent, chunk = 0, b"A" * 65536
            try:
                while sent < size:
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass                                   # the server answered and closed: what we want
            sock.settimeout(30)
            try:
                return sock.recv(4096)
            except OSError:
                return b""
    try:
        before = _rss_mb(server.pid)
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(junk, range(8)))
        grown = _rss_mb(server.pid) - before
        assert grown < 100, f"RSS grew by {grown:.0f} MB"
        assert any(b"4013" in a for a in answers), answers[:1]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_large_body_is_spooled_to_disk_and_one_caller_holds_at_most_two(live):
    """Issue 23, finding 3: a large body that may come is written to disk as it arrives — 18 MB of a slow
    upload held open do not grow the server's memory — and one caller holds at most two large bodies at once:
    a third is answered 1001 at once ("retry later"), while another caller still gets a slot."""
    import socket
    base, headers, _, server_pid = live
    port = int(base.rsplit(":", 1)[1])
    size = 20 * 1024 * 1024

    def opened(token_headers: dict) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        lines = "".join(f"{k}: {v}\r\n" for k, v in token_headers.items())
        sock.sendall(("POST /api/qd130/guiHoSoXmlQD3176 HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\n" + lines
                      + f"Content-Length: {size}\r\n\r\n").encode())
        return sock

    before = _rss_mb(server_pid)
    first, second = opened(headers), opened(headers)
    try:
        chunk = b"A" * 65536
        for _ in range(18 * 16):                      # 18 MB of the first, still open
            first.sendall(chunk)
        third = opened(headers)
        third.settimeout(30)
        answer = b""
        while part := third.recv(4096):               # the answer closes the connection
            answer += part
        third.close()
        assert b"1001" in answer and b"retry later" in answer, answer[:300]
        other = httpx.post(f"{base}/api/token/take", data={"username": "58001_BV", "password": headers["passwordHash"]})
        assert other.json()["maKetQua"] == "200"       # small calls are not held up meanwhile
        grown = _rss_mb(server_pid) - before
        assert grown < 12, f"RSS grew by {grown:.0f} MB while 18 MB were arriving"
    finally:
        first.close()
        second.close()


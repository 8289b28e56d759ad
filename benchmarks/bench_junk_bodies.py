"""Benchmark (not a test): memory before authentication. Eight clients at once each POST a 95 MB body of junk
without a token to the gateway; the server's resident memory must not grow by more than 100 MB (it grew from
249 to 2 583 MB before the large-body gate). RSS of the server process from /proc (VmRSS before, VmHWM — the
peak — after), on its own SQLite database and a free port.

    python benchmarks/bench_junk_bodies.py [--clients 8] [--mb 95]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import free_port, serve  # noqa: E402


def _status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _send(port: int, size: int, answers: list) -> None:
    """One junk POST with its Content-Length declared, streamed until the server answers or closes."""
    chunk = b"x" * (1024 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(f"POST /api/qd130/guiHoSoXmlQD3176 HTTP/1.1\r\nHost: bench\r\nContent-Type: "
                  f"application/x-www-form-urlencoded\r\nContent-Length: {size}\r\n\r\n".encode())
        sent = 0
        try:
            while sent < size:
                s.sendall(chunk[:min(len(chunk), size - sent)])
                sent += min(len(chunk), size - sent)
        except OSError:
            pass                      # answered and closed before the whole body: what the gate should do
        try:
            answers.append(s.recv(200).split(b"\r\n", 1)[0].decode(errors="replace"))
        except OSError as exc:
            answers.append(f"closed ({type(exc).__name__})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--mb", type=int, default=95)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3", SANDBOX_PASSWORD_HASH_ITERATIONS="1000",
                   SANDBOX_MAX_REQUEST_BYTES=str(110 * 1024 * 1024), SANDBOX_ACCESS_LOG="false")
        port = free_port()
        server = serve(env, port)
        try:
            before = _status(server.pid, "VmRSS")
            answers: list = []
            threads = [threading.Thread(target=_send, args=(port, args.mb * 1024 * 1024, answers))
                       for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            peak = _status(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps({"clients": args.clients, "body_mb": args.mb, "rss_before_mb": round(before, 1),
                      "rss_peak_mb": round(peak, 1), "rss_growth_mb": round(peak - before, 1),
                      "answers": sorted(set(answers))}, ensure_ascii=False))


if __name__ == "__main__":
    main()

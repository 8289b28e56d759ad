"""Benchmark (not a test): submissions per second over HTTP with a small valid envelope.

Starts `skdt-sandbox serve` in a subprocess on SQLite and on PostgreSQL, takes a token, then
N client threads POST distinct outpatient envelopes to guiHoSoXmlQD3176 for a fixed time.
Reports acknowledged submissions/s, latency percentiles, and how long the background worker
took to finish processing everything that was acknowledged.

    python benchmarks/bench_submit_http.py [--seconds 15] [--threads 8] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx
from sqlalchemy import create_engine, text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from fixtures.envelope import b64, envelope  # noqa: E402
from fixtures.generator import generate  # noqa: E402
from sandbox.security import md5_upper  # noqa: E402

PASSWORD = "Bench@58001"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/skdt_sandbox_bench")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_pg() -> str:
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS skdt_sandbox_bench"))
        conn.execute(text("CREATE DATABASE skdt_sandbox_bench"))
    admin.dispose()
    return PG_URL


def run_cli(env, *args):
    subprocess.run([sys.executable, "-m", "sandbox.cli", *args], env=env, check=True, capture_output=True)


def bench(name: str, url: str, seconds: float, threads: int) -> dict:
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PROCESSING_MODE="background",
               SANDBOX_WORKER_POLL_SECONDS="0.05")
    run_cli(env, "init-db")
    run_cli(env, "facility", "add", "58001", "Bệnh viện Đa khoa tỉnh Ninh Thuận")
    run_cli(env, "account", "add", "58001_BV", "--facility", "58001", "--password", PASSWORD)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/portal/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        key = httpx.post(base + "/api/token/take", data={"username": "58001_BV",
                                                         "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        pool = [b64(envelope("58001", [generate(i, "58001", "kham").documents()])) for i in range(400)]
        size = statistics.mean(len(p) for p in pool)
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def worker(offset: int):
            nonlocal errors
            with httpx.Client(base_url=base, timeout=30) as client:
                i = offset
                while time.monotonic() < stop:
                    form = {"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
                            "fileHSBase64": pool[i % len(pool)]}
                    t0 = time.perf_counter()
                    r = client.post("/api/qd130/guiHoSoXmlQD3176", data=form, headers=headers)
                    dt = time.perf_counter() - t0
                    with lock:
                        if r.status_code == 200 and r.json().get("maKetQua") == "200":
                            latencies.append(dt)
                        else:
                            errors += 1
                    i += threads

        started = time.monotonic()
        ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        elapsed = time.monotonic() - started
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        drain_start = time.monotonic()
        while True:
            with engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM submission WHERE status <> 'DA_XU_LY'")).scalar()
                total = conn.execute(text("SELECT count(*) FROM submission")).scalar()
            if left == 0 or time.monotonic() - drain_start > 300:
                break
            time.sleep(0.2)
        drain = time.monotonic() - drain_start
        engine.dispose()
        lat = sorted(latencies)
        return {"backend": name, "threads": threads, "seconds": round(elapsed, 1),
                "acknowledged": len(lat), "errors": errors, "ack_per_s": round(len(lat) / elapsed, 1),
                "p50_ms": round(lat[len(lat) // 2] * 1000, 1), "p95_ms": round(lat[int(len(lat) * .95)] * 1000, 1),
                "avg_base64_kb": round(size / 1024, 1), "processed_total": total,
                "drain_after_load_s": round(drain, 1),
                "end_to_end_per_s": round(total / (elapsed + drain), 1)}
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = []
    if args.only in (None, "sqlite"):
        tmp = tempfile.mkdtemp()
        results.append(bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.seconds, args.threads))
    if args.only in (None, "postgresql"):
        results.append(bench("postgresql", prepare_pg(), args.seconds, args.threads))
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()

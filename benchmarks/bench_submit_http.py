"""Benchmark (not a test): signed submissions per second over HTTP, acknowledged and then really
accepted (episodes HOP_LE after signature, XSD and rules), on its own database and a free port.

Starts `skdt-sandbox serve` (``--web`` processes) and, with ``--workers N``, N separate
`skdt-sandbox worker` processes (SANDBOX_PROCESSING_MODE=external; without, the web process's own
background thread processes), registers a test certificate, signs a pool of distinct outpatient
envelopes before the clock starts, then N client threads POST them to guiHoSoXmlQD3176 for a fixed
time.  Reports acknowledged/s, latency percentiles, the largest backlog seen during the run, the
drain time after it, and accepted episodes per second end to end.

    python benchmarks/bench_submit_http.py [--seconds 15] [--threads 8] [--web 1] [--workers 0]
                                           [--only sqlite|postgresql] [--client python|wrk]

``--client wrk`` drives the load with wrk (C, Debian package ``wrk``) and the same signed pool, so
the load generator costs the 2 shared cores far less than Python client threads do; acknowledged
submissions are then counted in the database (each 200 with a maGiaoDich is one stored submission).
"""

from __future__ import annotations

import argparse
import json
import os
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
from fixtures.pki import TestCA  # noqa: E402
from fixtures.signing import sign  # noqa: E402
from sandbox.security import md5_upper  # noqa: E402
from benchmarks.common import cpu_seconds, free_port, fresh_pg_database, serve, wrk_figures  # noqa: E402

PASSWORD = "Bench@58001"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/skdt_sandbox_bench")


def prepare_pg() -> str:
    return fresh_pg_database(PG_URL)     # BENCH_PG_URL's database, dropped and created


def run_cli(env, *args):
    subprocess.run([sys.executable, "-m", "sandbox.cli", *args], env=env, check=True, capture_output=True)


def write_bodies(pool: list[str]) -> str:
    """The signed pool as url-encoded form bodies in files, for wrk (written before the clock starts)."""
    import urllib.parse
    folder = tempfile.mkdtemp(prefix="wrk-bodies-")
    names = []
    for i, payload in enumerate(pool):
        path = os.path.join(folder, f"b{i}.txt")
        with open(path, "w") as fh:
            fh.write(urllib.parse.urlencode({"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58",
                                             "maCSKCB": "58001", "fileHSBase64": payload}))
        names.append(path)
    with open(os.path.join(folder, "bodies.txt"), "w") as fh:
        fh.write("\n".join(names))
    return os.path.join(folder, "bodies.txt")


def run_wrk(base: str, headers: dict, bodies: str, seconds: float, connections: int) -> dict:
    """wrk over the pool's body files; its own latency figures and the refusals it read."""
    env = dict(os.environ, WRK_AT=headers["accessToken"], WRK_IT=headers["tokenId"], WRK_PW=headers["passwordHash"],
               WRK_THREADS="2",
               WRK_BODIES=bodies)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "--timeout", "30s",
                          "-s", os.path.join(ROOT, "benchmarks", "wrk_post.lua"),
                          base + "/api/qd130/guiHoSoXmlQD3176"], env=env, capture_output=True, text=True, check=True).stdout
    import re
    refused = int(re.search(r"^refused: (\d+)", out, re.M).group(1))
    resent = int(re.search(r"^resent: (\d+)", out, re.M).group(1))
    return {**wrk_figures(out), "refused": refused, "resent": resent, "raw": out}


def bare_ms(payload: bytes, cert_pem: str, seconds: float = 3.0) -> float:
    """CPU ms of the bare lxml + signxml + XSD work for ``payload`` in this process (bench_pipeline's baseline),
    the same document the load posts, measured in the same run."""
    from benchmarks.bench_pipeline import bare, interleaved
    bare(payload, cert_pem)                      # first use (schemas, caches) left out
    return interleaved({"bare": lambda: bare(payload, cert_pem)}, seconds, rounds=3)["bare"]


def bench(name: str, url: str, seconds: float, threads: int, web: int = 1, workers: int = 0,
          client_kind: str = "python", batch: int = 32, max_backlog_s: float = 120.0) -> dict:
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PROCESSING_MODE="external" if workers else "background",
               SANDBOX_MAX_BACKLOG_SECONDS=str(max_backlog_s),
               SANDBOX_WORKER_POLL_SECONDS="0.05", SANDBOX_SECRET_KEY="bench-secret-0123456789abcdef",
               SANDBOX_PASSWORD_HASH_ITERATIONS="1000")
    run_cli(env, "init-db")
    run_cli(env, "facility", "add", "58001", "Bệnh viện Đa khoa tỉnh Ninh Thuận")
    run_cli(env, "account", "add", "58001_BV", "--facility", "58001", "--password", PASSWORD)
    credential = TestCA().issue("58001", "BVĐK tỉnh Ninh Thuận")
    cert_file = os.path.join(tempfile.mkdtemp(), "58001.pem")
    with open(cert_file, "wb") as fh:
        fh.write(credential.cert_pem)
    run_cli(env, "cert", "add", "--facility", "58001", cert_file)
    per_second = 600 if client_kind == "wrk" else 150     # wrk: each of its 2 threads walks half of the pool
    # the pipeline benchmark's document (an outpatient visit with 10 drug lines, ≈ 30 KB of XML), one
    # distinct episode per request; a pool the load outruns is reported (pool_wrapped) and its resends
    # counted apart (duplicates), never as accepted
    pool = [b64(sign(envelope("58001", [generate(i, "58001", "ngoai_tru", drug_lines=10).documents()]),
                     credential.key_pem, credential.cert_pem)) for i in range(int(seconds * per_second) + 400)]
    port = free_port()
    server = serve(env, port, web)
    worker_procs = [subprocess.Popen([sys.executable, "-m", "sandbox.cli", "worker", "--batch", str(batch)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    base = f"http://127.0.0.1:{port}"
    try:
        key = httpx.post(base + "/api/token/take", data={"username": "58001_BV",
                                                         "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        size = statistics.mean(len(p) for p in pool)
        latencies: list[float] = []
        errors = resent = 0
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def worker(offset: int):
            nonlocal errors, resent
            with httpx.Client(base_url=base, timeout=30) as client:
                i = offset
                while time.monotonic() < stop:
                    form = {"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
                            "fileHSBase64": pool[i % len(pool)]}   # distinct while the pool lasts
                    t0 = time.perf_counter()
                    r = client.post("/api/qd130/guiHoSoXmlQD3176", data=form, headers=headers)
                    dt = time.perf_counter() - t0
                    with lock:
                        resent += i >= len(pool)       # this thread's share of the pool used up: a resend
                        if r.status_code == 200 and r.json().get("maKetQua") == "200":
                            latencies.append(dt)
                        else:
                            errors += 1
                    i += threads

        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        backlog = []

        done = threading.Event()

        def watch():
            while time.monotonic() < stop or (client_kind == "wrk" and not done.is_set()):
                with engine.connect() as conn:
                    backlog.append(conn.execute(text("SELECT count(*) FROM submission WHERE status <> 'DA_XU_LY'")).scalar())
                time.sleep(1)

        bodies = write_bodies(pool) if client_kind == "wrk" else ""
        import base64
        document = base64.b64decode(pool[0])
        bare_before = bare_ms(document, credential.cert_pem.decode())
        pids = tuple(p.pid for p in worker_procs)
        cpu_before = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"), workers=pids)
        stop = time.monotonic() + seconds
        started = time.monotonic()
        wrk_result: dict = {}
        if client_kind == "wrk":
            ts = [threading.Thread(target=watch)]
            ts[0].start()
            wrk_result = run_wrk(base, headers, bodies, seconds, threads)
            done.set()
            ts[0].join()
        else:
            ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)] + [threading.Thread(target=watch)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        elapsed = time.monotonic() - started
        drain_start = time.monotonic()
        while True:
            with engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM submission WHERE status <> 'DA_XU_LY'")).scalar()
                total = conn.execute(text("SELECT count(*) FROM submission")).scalar()
                accepted = conn.execute(text("SELECT count(*) FROM episode WHERE status = 'HOP_LE' "
                                             "AND disposition <> 'duplicate'")).scalar()
                duplicates = conn.execute(text("SELECT count(*) FROM episode WHERE disposition = 'duplicate'")).scalar()
            if left == 0 or time.monotonic() - drain_start > 300:
                break
            time.sleep(0.2)
        drain = time.monotonic() - drain_start
        engine.dispose()
        cpu_after = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"), workers=pids)
        bare_cost = (bare_before + bare_ms(document, credential.cert_pem.decode())) / 2
        cost = cpu_per_accepted(cpu_before, cpu_after, accepted, bare_cost)
        if client_kind == "wrk":
            load_s = wrk_result["duration_s"]   # wrk's own clock: its lua set-up (reading the pool) is not load
            return {"backend": name, "client": "wrk", "web_processes": web, "worker_processes": workers, "batch": batch,
                    "connections": threads, "seconds": round(load_s, 1), "requests": wrk_result["requests"],
                    "acknowledged": total, "refused": wrk_result["refused"], "max_backlog_seconds": max_backlog_s,
                    # acknowledged = stored (a 1011 "resend later" at the admission limit is a refusal, not counted)
                    "ack_per_s": round(total / load_s, 1), "p50_ms": wrk_result["p50_ms"],
                    "p99_ms": wrk_result["p99_ms"], "avg_base64_kb": round(size / 1024, 1), "submissions": total,
                    "accepted_hop_le": accepted, "duplicates": duplicates,
                    "pool_wrapped": wrk_result["resent"] > 0, "resent_by_wrk": wrk_result["resent"],
                    "socket_errors": wrk_result.get("errors"), "max_backlog": max(backlog, default=0),
                    "drain_after_load_s": round(drain, 1),
                    "accepted_per_s_end_to_end": round(accepted / (load_s + drain), 1), **cost}
        lat = sorted(latencies)
        return {"backend": name, "client": "python", "web_processes": web, "worker_processes": workers, "threads": threads,
                "seconds": round(elapsed, 1),
                "acknowledged": len(lat), "errors": errors, "ack_per_s": round(len(lat) / elapsed, 1),
                "p50_ms": round(lat[len(lat) // 2] * 1000, 1), "p95_ms": round(lat[int(len(lat) * .95)] * 1000, 1),
                "avg_base64_kb": round(size / 1024, 1), "submissions": total, "accepted_hop_le": accepted,
                "duplicates": duplicates, "pool_wrapped": resent > 0,
                "max_backlog": max(backlog, default=0), "drain_after_load_s": round(drain, 1),
                "accepted_per_s_end_to_end": round(accepted / (elapsed + drain), 1), **cost}
    finally:
        for proc in [server, *worker_procs]:
            proc.terminate()
            proc.wait(timeout=10)


def cpu_per_accepted(before: dict, after: dict, accepted: int, bare_cost: float) -> dict:
    """CPU ms per accepted envelope by process (web, workers, PostgreSQL) over the load and its drain, their
    sum, and the sum over the bare cost of the same document (issue: end to end ≤ 2.5× bare)."""
    if not accepted:
        return {"cpu_ms_per_accepted": None}
    per = {k: (after[k] - before[k]) / accepted * 1000 for k in ("web", "workers", "db")}
    total = sum(per.values())
    return {"cpu_ms_per_accepted": {k: round(v, 2) for k, v in per.items()}, "cpu_ms_per_accepted_total": round(total, 2),
            "bare_ms": round(bare_cost, 2), "end_to_end_over_bare": round(total / bare_cost, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--web", type=int, default=1, help="web processes (gunicorn + uvicorn when > 1)")
    parser.add_argument("--workers", type=int, default=0, help="separate worker processes (0: the web's own thread)")
    parser.add_argument("--batch", type=int, default=32, help="submissions each worker claims at once")
    parser.add_argument("--client", choices=["python", "wrk"], default="python",
                        help="load generator (wrk: C, --threads is then its connection count)")
    parser.add_argument("--max-backlog-seconds", type=float, default=120.0,
                        help="admission control: 1011 once the oldest waiting submission is this old")
    parser.add_argument("--admission-seconds", type=float, default=0,
                        help="then a second run this long with admission at --admission-limit s (PostgreSQL, "
                             "wrk): the backlog stays bounded and drains in about that time")
    parser.add_argument("--admission-limit", type=float, default=5.0)
    args = parser.parse_args()
    results = []
    if args.only in (None, "sqlite"):
        tmp = tempfile.mkdtemp()
        results.append(bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.seconds, args.threads, args.web,
                             args.workers, args.client, args.batch, args.max_backlog_seconds))
    if args.only in (None, "postgresql"):
        results.append(bench("postgresql", prepare_pg(), args.seconds, args.threads, args.web, args.workers,
                             args.client, args.batch, args.max_backlog_seconds))
        if args.admission_seconds:
            results.append({**bench("postgresql", prepare_pg(), args.admission_seconds, args.threads, args.web,
                                    args.workers, args.client, args.batch, args.admission_limit), "phase": "admission"})
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()

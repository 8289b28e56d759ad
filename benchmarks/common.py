"""What the HTTP benchmarks share: a free port, a served sandbox ready to answer, wrk's figures."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, port: int, web: int = 1) -> subprocess.Popen:
    """`skdt-sandbox serve` (gunicorn with ``web`` processes when > 1), once it answers."""
    server = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port), "--workers", str(web)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/portal/login", timeout=1)
            return server
        except httpx.HTTPError:
            if server.poll() is not None:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the sandbox did not answer in 30 s")


def wrk_figures(out: str) -> dict:
    """Requests, wrk's own duration and latency percentiles from `wrk --latency` output."""
    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\b", out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
    m = re.search(r"(\d+) requests in ([\d.]+)(m|s)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"requests": int(m.group(1)), "duration_s": float(m.group(2)) * (60 if m.group(3) == "m" else 1),
            "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "errors": sum(int(x) for x in errors.groups()) if errors else 0}


def analyse(ctx, table: str = "") -> None:
    """Planner statistics after a bulk load (ANALYZE on SQLite, VACUUM ANALYZE on PostgreSQL)."""
    from sqlalchemy import text
    if ctx.db.is_sqlite:
        with ctx.db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {table}".strip()))


def fresh_pg_database(url: str) -> str:
    """Drop and create the database ``url`` names (BENCH_PG_URL's own name, on its own server), through the
    server's maintenance database; returns ``url``.  Benchmarks never touch the tests' databases."""
    from sqlalchemy import create_engine, text
    base, name = url.rsplit("/", 1)
    name = name.split("?", 1)[0]
    if not name.replace("_", "").isalnum():
        raise ValueError(f"benchmark database name {name!r}: letters, digits and _ only")
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def cpu_seconds(web_pid: int, postgres: bool = False, workers: tuple[int, ...] = ()) -> dict:
    """CPU seconds (user + system, from /proc) of the web process and its children (gunicorn's workers),
    of the ``workers`` processes (`skdt-sandbox worker`), and, with ``postgres``, of every PostgreSQL
    process on the machine (its backends serve this run)."""
    import os

    def of(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def descendants(pid: int) -> list[int]:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as fh:
                kids = [int(x) for x in fh.read().split()]
        except OSError:
            return []
        return kids + [d for k in kids for d in descendants(k)]
    web = of(web_pid) + sum(of(c) for c in descendants(web_pid))
    db = 0.0
    if postgres:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/comm") as fh:
                        if fh.read().strip() in ("postgres", "postmaster"):
                            db += of(int(entry))
                except OSError:
                    pass
    return {"web": web, "workers": sum(of(pid) for pid in workers), "db": db}

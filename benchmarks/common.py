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
    return {"requests": int(m.group(1)), "duration_s": float(m.group(2)) * (60 if m.group(3) == "m" else 1),
            "p50_ms": ms("50%"), "p99_ms": ms("99%")}


def analyse(ctx, table: str = "") -> None:
    """Planner statistics after a bulk load (ANALYZE on SQLite, VACUUM ANALYZE on PostgreSQL)."""
    from sqlalchemy import text
    if ctx.db.is_sqlite:
        with ctx.db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {table}".strip()))

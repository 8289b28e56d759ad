"""Benchmark (not a test): what the shadow proxy adds in front of a gateway — latency p50/p99 and throughput
through `skdt-sandbox shadow` beside the same calls made directly, with wrk (16 connections), on its own
database and free ports.  The calls are a page the upstream answers at once (GET /portal/login), so what
differs is the proxy's own cost.  Goal (issue 28): p99 added < 5 ms, throughput ≥ 90 % of direct.

    python benchmarks/bench_shadow.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.common import free_port, serve, wrk_figures  # noqa: E402


def wrk(url: str, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url], capture_output=True, text=True,
                         check=True).stdout
    figures = wrk_figures(out)
    return {**figures, "per_s": round(figures["requests"] / figures["duration_s"], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/upstream.sqlite3", SANDBOX_SECRET_KEY="bench-secret-0123456789abcdef")
    subprocess.run([sys.executable, "-m", "sandbox.cli", "init-db"], env=env, check=True, capture_output=True)
    port, shadow_port = free_port(), free_port()
    upstream = serve(env, port)
    shadow_env = dict(env, DATABASE_URL=f"sqlite:///{tmp}/shadow.sqlite3")
    shadow = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "shadow", "--upstream", f"http://127.0.0.1:{port}",
                               "--port", str(shadow_port)], env=shadow_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{shadow_port}/portal/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        direct = wrk(f"http://127.0.0.1:{port}/portal/login", args.seconds)
        proxied = wrk(f"http://127.0.0.1:{shadow_port}/portal/login", args.seconds)
    finally:
        for proc in (shadow, upstream):
            proc.terminate()
            proc.wait(timeout=10)
    print(json.dumps({"bench": "shadow proxy", "direct_per_s": direct["per_s"], "proxied_per_s": proxied["per_s"],
                      "throughput_ratio": round(proxied["per_s"] / direct["per_s"], 2),
                      "added_p50_ms": round(proxied["p50_ms"] - direct["p50_ms"], 2),
                      "added_p99_ms": round(proxied["p99_ms"] - direct["p99_ms"], 2),
                      "direct_p50_ms": direct["p50_ms"], "proxied_p50_ms": proxied["p50_ms"]}))


if __name__ == "__main__":
    main()

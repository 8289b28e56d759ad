"""Benchmark (not a test): a full certification session of the reference HIS — every form of care,
check-ins, card look-ups, the provoked faults (503, rejection, token refused), a replacement, the
attestations, closing, report and certificate — over HTTP against a sandbox started here, on its own
SQLite database and a free port.

    python benchmarks/bench_certification.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from conformance.reference_his import ReferenceHis
    from fixtures.pki import TestCA
    from sandbox import admin
    from sandbox.context import Context
    from sandbox.settings import Settings
    from sandbox.storage.migrate import upgrade
    from tests.plugins.live import free_port, start_server
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        ctx = Context.create(Settings.from_env(database_url=url, password_hash_iterations=1000))
        admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
        admin.add_account(ctx, "58001_BV", "58001", "Bench@58001")
        credential = TestCA().issue("58001", "BVĐK")
        admin.add_certificate(ctx, "58001", credential.cert_pem)
        port = free_port()
        server = start_server(url, port, SANDBOX_ISSUER_DIR=f"{tmp}/issuer")
        try:
            times = []
            for _ in range(args.runs):
                his = ReferenceHis(f"http://127.0.0.1:{port}", "58001_BV", "Bench@58001", "58001", credential)
                start = time.perf_counter()
                out = his.run_session()
                times.append(time.perf_counter() - start)
                assert out["report"]["outcome"] == "pass" and out["closed"]["certificate"], out["report"]["counts"]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(json.dumps({"full_session_seconds": [round(t, 2) for t in times], "best": round(min(times), 2),
                      "checks": len(out["report"]["checks"]), "outcome": out["report"]["outcome"]}))


if __name__ == "__main__":
    main()

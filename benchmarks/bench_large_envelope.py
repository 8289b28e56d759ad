"""Benchmark (not a test): time and peak memory (RSS, in a fresh process) to process one large signed
envelope — a 3 MB and a 20 MB fileHSBase64 (one inpatient HOSO with 1 400 / 10 000 drug lines,
signed the .NET way) — through the gateway's pipeline: parse, signature, XSD, structure, rules.

    python benchmarks/bench_large_envelope.py

RSS, not tracemalloc: libxml2's memory is invisible to tracemalloc.  Each envelope is processed
in its own child process; "peak over baseline" is the child's peak RSS minus its RSS after
imports and payload load, so it is what processing itself costs.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZES = {"3 MB": 1400, "20 MB": 10000}     # drug lines → fileHSBase64 size


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(payload_file: str, cert_file: str) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from sandbox.pipeline.runner import evaluate
    from sandbox.pipeline.stages import CertificateView, StageContext
    pem = Path(cert_file).read_text()
    cert = x509.load_pem_x509_certificate(pem.encode())
    ctx = StageContext("HOSO", "QD3176", "58001", datetime.now(timezone.utc),
                       (CertificateView(cert.fingerprint(hashes.SHA256()).hex(), cert.not_valid_before_utc,
                                        cert.not_valid_after_utc, None, pem),), facilities={"58001": "active"})
    payload = Path(payload_file).read_bytes()
    baseline = _rss_mb()
    start = time.perf_counter()
    outcome = evaluate(payload, ctx, 10**9)
    elapsed = time.perf_counter() - start
    assert not outcome.findings and all(r.valid for r in outcome.records), outcome.findings[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(elapsed, 2), "baseline_rss_mb": round(baseline, 1),
                      "peak_rss_mb": round(peak, 1), "peak_over_baseline_mb": round(peak - baseline, 1)}))


def main() -> None:
    from fixtures.envelope import envelope
    from fixtures.generator import generate
    from fixtures.pki import TestCA
    from fixtures.signing import sign
    cred = TestCA().issue("58001", "Benchmark")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cert_file = Path(tmp) / "cert.pem"
        cert_file.write_bytes(cred.cert_pem)
        for label, lines in SIZES.items():
            payload = sign(envelope("58001", [generate(2, "58001", "noi_tru", drug_lines=lines).documents()]),
                           cred.key_pem, cred.cert_pem, style="dotnet")
            wire_mb = len(base64.b64encode(payload)) / 2**20
            payload_file = Path(tmp) / f"{lines}.xml"
            payload_file.write_bytes(payload)
            out = subprocess.run([sys.executable, __file__, "--child", str(payload_file), str(cert_file)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append({"envelope": label, "drug_lines": lines, "fileHSBase64_mb": round(wire_mb, 1),
                         "xml_mb": round(len(payload) / 2**20, 1), **result,
                         "peak_over_baseline_per_wire_mb": round(result["peak_over_baseline_mb"] / wire_mb, 1)})
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()

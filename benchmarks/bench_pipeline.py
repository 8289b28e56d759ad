"""Benchmark (not a test): documents per second for parse + signature + XSD (+ structure checks),
and for the full pipeline with the business rules, in process, on one core, with peak memory.

    python benchmarks/bench_pipeline.py [--seconds 10]

Documents: a typical outpatient envelope (~30 KB of XML) and a large inpatient one (several MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fixtures.envelope import envelope  # noqa: E402
from fixtures.generator import generate  # noqa: E402
from fixtures.pki import TestCA  # noqa: E402
from fixtures.signing import sign  # noqa: E402
from sandbox.pipeline.runner import evaluate  # noqa: E402
from sandbox.pipeline.stages import CertificateView, StageContext  # noqa: E402


def measure(name: str, payload: bytes, ctx: StageContext, seconds: float) -> dict:
    outcome = evaluate(payload, ctx, 10**9)
    assert not outcome.findings and all(r.valid for r in outcome.records), outcome
    tracemalloc.start()
    evaluate(payload, ctx, 10**9)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        evaluate(payload, ctx, 10**9)
        n += 1
    elapsed = time.perf_counter() - start
    return {"document": name, "xml_kb": round(len(payload) / 1024, 1), "docs_per_s": round(n / elapsed, 1),
            "ms_per_doc": round(elapsed / n * 1000, 2), "peak_python_alloc_mb": round(peak / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    cred = TestCA().issue("58001", "Benchmark")
    c = cred.certificate
    ctx = StageContext("HOSO", "QD3176", "58001", datetime.now(timezone.utc),
                       (CertificateView(cred.fingerprint, c.not_valid_before_utc, c.not_valid_after_utc, None,
                                        cred.cert_pem.decode()),), facilities={"58001": "active"})
    outpatient = sign(envelope("58001", [generate(1, "58001", "ngoai_tru", drug_lines=10).documents()]),
                      cred.key_pem, cred.cert_pem)
    inpatient = sign(envelope("58001", [generate(2, "58001", "noi_tru", drug_lines=4000).documents()]),
                     cred.key_pem, cred.cert_pem)
    from dataclasses import replace
    from sandbox.pipeline.rules import RULES
    no_rules = replace(ctx, rules_disabled=frozenset(RULES))
    results = []
    for label, context in (("parse+signature+xsd+structure", no_rules), ("full pipeline incl. rules", ctx)):
        for name, payload in (("outpatient", outpatient), ("inpatient-large", inpatient)):
            results.append({"stages": label, **measure(name, payload, context, args.seconds)})
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    print(json.dumps({"process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()

"""Benchmark (not a test): documents per second for parse + signature + XSD (+ structure checks),
and for the full pipeline with the business rules, in process, on one core — against a bare
baseline that does the same unavoidable work with the libraries alone: lxml parse (hardened
parser), signxml verification, base64-decode of every inner table, lxml XSD validation of the
envelope and of each table.  Memory is measured by bench_large_envelope.py (RSS, which sees libxml2).

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
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fixtures.envelope import envelope  # noqa: E402
from fixtures.generator import generate  # noqa: E402
from fixtures.pki import TestCA  # noqa: E402
from fixtures.signing import sign  # noqa: E402
from sandbox.pipeline.runner import evaluate  # noqa: E402
from sandbox.pipeline.stages import CertificateView, StageContext  # noqa: E402


def _rate(fn, seconds: float) -> tuple[float, float]:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    elapsed = time.perf_counter() - start
    return n / elapsed, elapsed / n * 1000


def interleaved(cases: dict, seconds: float, rounds: int = 10) -> dict[str, float]:
    """CPU milliseconds per call of each case, the cases taking turns in ``rounds`` slices (a load on the
    machine that comes and goes weighs on all of them alike, not on whichever ran during it)."""
    cpu = {name: 0.0 for name in cases}
    calls = {name: 0 for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            wall, start = time.perf_counter(), time.process_time()
            while time.perf_counter() - wall < seconds / rounds or not calls[name]:
                fn()
                calls[name] += 1
            cpu[name] += time.process_time() - start
    return {name: cpu[name] / calls[name] * 1000 for name in cases}


def bare(payload: bytes, cert_pem: str, profile: str = "QD3176") -> None:
    """The libraries alone: what no gateway can avoid doing for this envelope."""
    import base64
    from lxml import etree
    from signxml import XMLVerifier
    from sandbox.pipeline.schema import envelope_schema, table_schema
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    root = etree.fromstring(payload, parser)
    signed = XMLVerifier().verify(root, x509_cert=cert_pem).signed_xml
    assert envelope_schema(profile).validate(signed)
    for hoso_file in signed.iter("FILEHOSO"):
        table = hoso_file.findtext("LOAIHOSO")
        inner = etree.fromstring(base64.b64decode(hoso_file.findtext("NOIDUNGFILE")), parser)
        assert table_schema(table, profile, "any", False, False).validate(inner), table


def measure(name: str, payload: bytes, ctx: StageContext, seconds: float) -> dict:
    outcome = evaluate(payload, ctx, 10**9)
    assert not outcome.findings and all(r.valid for r in outcome.records), outcome
    per_s, ms = _rate(lambda: evaluate(payload, ctx, 10**9), seconds)
    return {"document": name, "xml_kb": round(len(payload) / 1024, 1), "docs_per_s": round(per_s, 1),
            "ms_per_doc": round(ms, 2)}


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
    pem = cred.cert_pem.decode()
    for name, payload in (("outpatient", outpatient), ("inpatient-large", inpatient)):
        bare(payload, pem)                                   # first use (schemas, caches) left out
        cpu = interleaved({"bare": lambda p=payload: bare(p, pem),
                           "no_rules": lambda p=payload: evaluate(p, no_rules, 10**9),
                           "full": lambda p=payload: evaluate(p, ctx, 10**9)}, args.seconds)
        results.append({"stages": "bare baseline (lxml + signxml + XSD of envelope and tables)", "document": name,
                        "cpu_ms_per_doc": round(cpu["bare"], 2)})
        results.append({"stages": "interleaved with the bare baseline, CPU time (machine-independent ratio)",
                        "document": name, "cpu_ms_no_rules": round(cpu["no_rules"], 2),
                        "cpu_ms_full": round(cpu["full"], 2),
                        "no_rules_over_bare": round(cpu["no_rules"] / cpu["bare"], 2),
                        "full_pipeline_over_bare": round(cpu["full"] / cpu["bare"], 2)})
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    print(json.dumps({"process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()

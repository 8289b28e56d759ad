"""Run the suite over a session's evidence: the report model every writer renders (JSON is canonical)."""

from __future__ import annotations

import hashlib
import json

from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.reference import codelists
from sandbox.pipeline.rules import RULES

from .dsl import OUTCOME_VI, PASS, roll_up
from .evidence import gather
from .requirements import REQUIREMENTS
from .suite import SUITE


def _rules_version() -> str:
    text = json.dumps(sorted((r.id, r.severity, r.confidence, r.source) for r in RULES.values()), ensure_ascii=False)
    return f"{len(RULES)} rules · sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _code_lists_version() -> str:
    text = json.dumps({n: c.sources() for n, c in codelists.ALL.items()}, ensure_ascii=False) + codelists.ICD10_SOURCE
    return f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}"


def run(ctx: Context, session_id: str) -> dict:
    """The report of a session as it stands now (progress while open, final once closed)."""
    ev = gather(ctx, session_id)
    session = ev.session
    results, groups = [], []
    for group in SUITE.groups:
        outcomes = []
        for check in group.checks:
            out = check.run(ev)
            outcomes.append(out.result if check.required else PASS)
            results.append({"id": check.id, "group": group.id, "title": check.title_vi, "titleEn": check.title_en,
                            "requirements": list(check.requirements), "required": check.required,
                            "attestation": check.attestation, "outcome": out.result, "outcomeVi": OUTCOME_VI[out.result],
                            "message": out.message_vi, "messageEn": out.message_en, "evidence": list(out.evidence)})
        groups.append({"id": group.id, "title": group.title_vi, "titleEn": group.title_en, "outcome": roll_up(outcomes)})
    overall = roll_up([g["outcome"] for g in groups])
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("pass", "fail", "skip", "omit", "error")}
    exchanges = [{"id": x.id, "at": as_utc(x.at).isoformat(), "operation": x.operation, "httpStatus": x.http_status,
                  "maKetQua": x.ma_ket_qua, "maLoi": x.ma_loi, "maGiaoDich": x.ma_giao_dich, "fault": x.fault}
                 for x in ev.exchanges]
    return {
        "suite": {"id": SUITE.id, "version": SUITE.version, "hash": SUITE.content_hash, "title": SUITE.title_vi},
        "ruleSet": _rules_version(), "codeLists": _code_lists_version(),
        "session": {"id": session.id, "state": session.state, "facility": session.facility_code,
                    "software": session.software, "vendor": session.vendor, "version": session.version,
                    "profile": session.profile, "openedBy": session.opened_by,
                    "openedAt": as_utc(session.opened_at).isoformat(),
                    "closedAt": as_utc(session.closed_at).isoformat() if session.closed_at else None},
        "generatedAt": as_utc(ev.now).isoformat(), "outcome": overall, "outcomeVi": OUTCOME_VI[overall],
        "counts": counts, "groups": groups, "checks": results, "exchanges": exchanges,
        "requirements": {r: {"title": REQUIREMENTS[r][0], "titleEn": REQUIREMENTS[r][1]}
                         for r in sorted({q for c in SUITE.checks for q in c.requirements})},
    }


def report_digest(report: dict) -> str:
    """SHA-256 of the canonical JSON of a report (what a certificate is bound to)."""
    return hashlib.sha256(canonical(report)).hexdigest()


def canonical(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

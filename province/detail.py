"""One facility as the province sees it: its accounts and signing certificates, its certification
sessions with the readiness conditions and who attested them, the latest report's outcome, its
sign-off history, and what its rejections were about."""

from __future__ import annotations

from sqlalchemy import select

from conformance.suite import ATTESTED
from sandbox import admin
from sandbox.clock import as_utc
from sandbox.context import Context
from sandbox.result_codes import CODES
from sandbox.storage.models import Attestation, CertificationSession, IssuedCertificate

from . import board, signoff
from .users import ProvinceCaller, facility_in_scope


def facility(ctx: Context, who: ProvinceCaller, code: str) -> dict:
    f = facility_in_scope(ctx, who, code)
    signoff.refresh(ctx, who.province_code)
    row = next(r for r in board.rows(ctx, who)[0] if r.code == code)
    with ctx.db.read() as s:
        sessions = list(s.scalars(select(CertificationSession).where(CertificationSession.facility_code == code)
                                  .order_by(CertificationSession.opened_at.desc())))
        attestations = {}
        for a in s.scalars(select(Attestation).where(Attestation.session_id.in_([x.id for x in sessions]))):
            attestations.setdefault(a.session_id, {})[a.check_id] = {
                "by": a.attested_by, "statement": a.statement, "at": as_utc(a.attested_at).isoformat(timespec="minutes")}
        issued = {c.session_id: c for c in s.scalars(select(IssuedCertificate).where(IssuedCertificate.facility_code == code))}
    described = []
    for x in sessions:
        cert = issued.get(x.id)
        described.append({
            "id": x.id, "software": x.software, "version": x.version, "vendor": x.vendor, "profile": x.profile,
            "state": x.state, "openedAt": as_utc(x.opened_at).isoformat(timespec="minutes"),
            "outcome": (x.report or {}).get("outcomeVi", "đang mở" if x.state == "open" else ""),
            "counts": (x.report or {}).get("counts", {}),
            "certificate": cert.id if cert else None,
            "conditions": [{"id": check_id, "title": vi, "requirements": list(reqs),
                            "attested": attestations.get(x.id, {}).get(check_id)}
                           for check_id, (vi, _en, reqs) in ATTESTED.items()]})
    causes = [{"code": c, "name": CODES[c].vi if c in CODES else c, "count": n}
              for c, n in board.rejection_causes(ctx, who, code)]
    return {"facility": {"code": f.code, "name": f.name, "district": row.district, "commune": row.commune,
                         "formerProvince": row.former_province, "status": f.status},
            "board": row.as_json(), "accounts": admin.list_accounts(ctx, code),
            "certificates": admin.list_certificates(ctx, code), "sessions": described,
            "signOffs": signoff.history(ctx, who, code), "rejectionCauses": causes,
            "displayDelays": board.display_delays([row])}

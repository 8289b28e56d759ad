"""Province test helpers: a province user, a certified facility (a certificate issued the way
conformance.service.close issues one, for a session whose attestations are all recorded), and
episodes of known verdicts."""

from __future__ import annotations

import itertools
from datetime import datetime

from conformance import certificate as cert
from conformance import service
from conformance.suite import ATTESTED, SUITE
from sandbox import admin
from sandbox.storage.models import CertificationSession, Episode, IssuedCertificate, Submission

PASSWORD = "Tinh@2026!"
_serial = itertools.count(1)


def province_user(ctx, username="syt.ninhthuan", province="56", organisation="SYT"):
    from province import users
    users.add_user(ctx, username, PASSWORD, "Nguyễn Văn Sở", organisation, province)
    return users.caller(ctx, username)


def certify(ctx, facility: str, *, attest_all: bool = True, when: datetime | None = None) -> str:
    """A closed session with a passing report and its certificate; returns the certificate id."""
    opened = service.open_session(ctx, facility, f"{facility}_BV", "HIS A", "Công ty A", "5.2", "QD3176")
    missing = [] if attest_all else list(ATTESTED)[-1:]
    for check_id in ATTESTED:
        if check_id not in missing:
            service.attest(ctx, opened["id"], check_id, "Trưởng phòng CNTT", "đã có", facility)
    now = when or ctx.clock.now()
    report = {"session": {**opened, "facility": facility}, "outcome": "pass",
              "suite": {"id": SUITE.id, "version": SUITE.version, "hash": SUITE.content_hash},
              "ruleSet": "default", "codeLists": "test"}
    token, claims = cert.issue(service.issuer(ctx), report, facility, "ab" * 32, now)
    with ctx.db.session() as s:
        s.get(CertificationSession, opened["id"]).state = "closed"
        s.add(IssuedCertificate(id=claims["jti"], session_id=opened["id"], facility_code=facility, issued_at=now,
                                expires_at=datetime.fromtimestamp(claims["exp"], now.tzinfo), token=token,
                                revocation_reason=""))
    return claims["jti"]


def episodes(ctx, facility: str, valid: int, invalid: int, *, at: datetime | None = None, form: str = "01",
             bhyt: bool = True, code: str = "XSD-001") -> None:
    """``valid`` accepted and ``invalid`` rejected episodes received at ``at`` (one submission each)."""
    at = at or ctx.clock.now()
    with ctx.db.session() as s:
        for i in range(valid + invalid):
            ok = i < valid
            n = next(_serial)
            sid = f"T{facility}{n:08d}"
            s.add(Submission(id=sid, facility_code=facility, username=f"{facility}_BV", endpoint="guiHoSoXmlQD3176",
                             profile="QD3176", kind="HOSO", loai_ho_so="130", payload=b"", payload_sha256="",
                             received_at=at, status="DA_XU_LY", processed_at=at, attempts=1, findings=[], records=[]))
            s.flush()
            s.add(Episode(submission_id=sid, position=0, facility_code=facility, ma_lk=f"LK{n}",
                          status="HOP_LE" if ok else "KHONG_HOP_LE", disposition="new" if ok else "rejected",
                          content_sha256="", is_current=ok, version=1 if ok else 0, created_at=at,
                          card_number="DN4585800000001" if ok and bhyt else "", ma_loai_kcb=form if ok else "",
                          findings=[] if ok else [{"code": code, "severity": "LOI"}], error_code="" if ok else code,
                          facts={}))


def seed(ctx):
    admin.seed_facilities(ctx)
    for code in ("58001", "58002"):
        admin.add_account(ctx, f"{code}_BV", code, "Secret@" + code)
    admin.add_facility(ctx, "62001", "Bệnh viện Đa khoa tỉnh Kon Tum")
    admin.add_account(ctx, "62001_BV", "62001", "Secret@62001")


def sheet(ws) -> tuple[str, list[str], list[list]]:
    """An exported sheet read back: its title (the row above the table), the header (the row starting with STT)
    and the rows under it, STT dropped — whatever the letterhead above."""
    values = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, v in enumerate(values) if v and v[0] == "STT")
    after_blank = [i for i in range(1, at) if not any(values[i - 1])]   # the letterhead ends with an empty row
    title = values[after_blank[0] if after_blank else 0][0]
    rows = [v[1:] for v in values[at + 1:] if v and (isinstance(v[0], int) or v[0] == "Tổng")]
    return title, values[at][1:], rows

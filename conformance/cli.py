"""skdt-sandbox conformance … / certificate … : the harness from the command line (entry points)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from sandbox.context import Context
from sandbox.settings import Settings

from . import certificate as cert
from . import service
from .reports import write_bundle
from .requirements import REQUIREMENTS, checks_by_requirement
from .suite import SUITE

MARK = {"pass": "✔", "fail": "✘", "skip": "…", "omit": "–", "error": "!"}


def _ctx() -> Context:
    return Context.create(Settings.from_env())


@click.group("conformance")
def conformance_command() -> None:
    """Phiên chứng nhận sẵn sàng liên thông (certification sessions of a facility's HIS)."""


@conformance_command.command("requirements")
@click.option("--json", "as_json", is_flag=True)
def requirements(as_json):
    """Yêu cầu → các kiểm tra (requirement → checks coverage)."""
    table = checks_by_requirement(SUITE)
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    click.echo(f"{SUITE.id} {SUITE.version} · sha256 {SUITE.content_hash}")
    for req, checks in table.items():
        click.echo(f"{req:20s} {', '.join(checks) or '(KHÔNG CÓ KIỂM TRA / no check)'}  — {REQUIREMENTS[req][0]}")


@conformance_command.command("open")
@click.argument("facility")
@click.option("--software", required=True)
@click.option("--vendor", required=True)
@click.option("--version", "version_", required=True)
@click.option("--profile", default="QD3176", type=click.Choice(service.PROFILES))
@click.option("--by", "opened_by", default="cli")
def open_(facility, software, vendor, version_, profile, opened_by):
    """Mở phiên cho cơ sở FACILITY."""
    click.echo(json.dumps(service.open_session(_ctx(), facility, opened_by, software, vendor, version_, profile),
                          ensure_ascii=False, indent=2))


@conformance_command.command("status")
@click.argument("session_id")
@click.option("--watch", is_flag=True, help="refresh every 2 s until every check passes or Ctrl-C")
def status(session_id, watch):
    """Tiến độ của phiên: từng kiểm tra và kết quả."""
    while True:
        report = service.progress(_ctx(), session_id)
        click.clear() if watch else None
        click.echo(f"{report['session']['software']} {report['session']['version']} · {report['outcomeVi']} · "
                   + " · ".join(f"{k} {v}" for k, v in report["counts"].items()))
        for c in report["checks"]:
            click.echo(f"  {MARK[c['outcome']]} {c['id']:12s} {c['title'][:70]:70s} {c['message'][:60]}")
        if not watch or report["outcome"] == "pass":
            return
        time.sleep(2)


@conformance_command.command("attest")
@click.argument("session_id")
@click.argument("check_id")
@click.option("--by", "attested_by", required=True)
@click.option("--statement", required=True)
def attest(session_id, check_id, attested_by, statement):
    """Xác nhận một điều kiện sẵn sàng (HIS-ATT-…)."""
    click.echo(json.dumps(service.attest(_ctx(), session_id, check_id, attested_by, statement), ensure_ascii=False))


@conformance_command.command("close")
@click.argument("session_id")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="write the bundle here")
def close(session_id, out):
    """Đóng phiên: báo cáo và (nếu đạt) chứng nhận; -o ghi cả bộ (JSON, JUnit, HTML, xlsx, JWS, PDF)."""
    ctx = _ctx()
    closed = service.close(ctx, session_id)
    report, certificate = closed["report"], closed["certificate"]
    click.echo(f"{report['outcomeVi']} ({report['outcome']}) · " + " · ".join(f"{k} {v}" for k, v in report["counts"].items()))
    if certificate:
        click.echo(f"Chứng nhận / certificate: {certificate['id']}")
    if out:
        pdf = service.certificate_pdf_for(ctx, certificate["id"]) if certificate else None
        for path in write_bundle(report, out, certificate, pdf):
            click.echo(f"  {path}")
    raise SystemExit(0 if report["outcome"] == "pass" else 1)


@conformance_command.command("bundle")
@click.argument("session_id")
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False, path_type=Path))
def bundle(session_id, out):
    """Ghi cả bộ báo cáo của một phiên vào thư mục OUT (cho CI lưu làm artefact)."""
    ctx = _ctx()
    report = service.progress(ctx, session_id)
    certificate = None
    if report.get("certificate"):
        row = service.certificate_record(ctx, report["certificate"])
        certificate = {"id": row.id, "token": row.token}
    pdf = service.certificate_pdf_for(ctx, certificate["id"]) if certificate else None
    for path in write_bundle(report, out, certificate, pdf):
        click.echo(str(path))


@click.group("certificate")
def certificate_command() -> None:
    """Chứng nhận sẵn sàng: kiểm tra ngoại tuyến, khóa công khai của đơn vị cấp, thu hồi."""


@certificate_command.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issuer", "issuer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the issuer's public certificate (default: this sandbox's)")
def verify(file, issuer_file):
    """Kiểm tra FILE (certificate.jws) chỉ với chứng thư công khai của đơn vị cấp."""
    from datetime import datetime, timezone
    issuer_pem = issuer_file.read_bytes() if issuer_file else service.issuer(_ctx()).cert_pem
    try:
        claims = cert.verify(file.read_text(encoding="ascii", errors="replace"), issuer_pem, datetime.now(timezone.utc))
    except cert.CertificateInvalid as exc:
        click.echo(f"KHÔNG HỢP LỆ: {exc.vi}\nINVALID: {exc.en}", err=True)
        raise SystemExit(1)
    f, sw, suite = claims["facility"], claims["software"], claims["suite"]
    click.echo(f"HỢP LỆ / VALID: {f['code']} {f['name']} · {sw['name']} {sw['version']} ({sw['vendor']}) · "
               f"{claims['profile']} · {suite['id']} {suite['version']} · report {claims['report']['sha256'][:16]}…")


@certificate_command.command("issuer-cert")
def issuer_cert():
    """In chứng thư công khai của đơn vị cấp (để kiểm tra ngoại tuyến)."""
    click.echo(service.issuer(_ctx()).cert_pem.decode())


@certificate_command.command("revoke")
@click.argument("certificate_id")
@click.option("--reason", required=True)
def revoke(certificate_id, reason):
    """Thu hồi một chứng nhận."""
    click.echo(json.dumps(service.revoke(_ctx(), certificate_id, reason), ensure_ascii=False))

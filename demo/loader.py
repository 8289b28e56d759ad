"""Demo data: the 79 Ninh Thuận facilities, accounts with known passwords, test certificates,
and accepted episodes of every form of care, submitted through the real intake and pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from datetime import date

from fixtures.envelope import b64, envelope
from fixtures.identity import Person
from fixtures.generator import generate
from fixtures.pki import Credential, TestCA
from fixtures.signing import sign
from sandbox import admin, auth, intake
from sandbox.context import Context
from sandbox.errors import ConflictError
from sandbox.pipeline.service import process_submission
from sandbox.security import md5_upper
from sandbox.settings import ROOT, Settings

DEMO_FACILITIES = ("58001", "58002", "58011", "58114")
DEMO_FORMS = ("kham", "ngoai_tru", "noi_tru", "ban_ngay", "linh_thuoc", "tu_xa")
VNEID_DEMO = ("058085000001", "058190000002")
VNEID_PASSWORD, VNEID_PASSCODE = "Vneid@2026", "123456"
# The population's citizen 058085000001 (card DN4585800000001): his visits show in the card check
DEMO_PATIENT = Person("Trần Văn An", True, date(1985, 2, 1), "058085000001", "5800000001", "DN4585800000001", "58",
                      "Phan Rang - Tháp Chàm, Ninh Thuận", "0912000001")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    facility: str


def demo_accounts() -> list[DemoAccount]:
    out = []
    for code in DEMO_FACILITIES:
        out.append(DemoAccount(f"{code}_BV", f"Demo@{code}", code))
        out.append(DemoAccount(f"{code}.ktv01", f"Ktv01@{code}", code))
    return out


def load_demo(ctx: Context, pki_dir: Path, *, seed: int = 2733, episodes_per_form: int = 1) -> dict:
    added = admin.seed_facilities(ctx)
    from .population import load_population
    load_population(ctx, DEMO_FACILITIES)
    for citizen in VNEID_DEMO:  # VNeID accounts: password and 6-digit passcode
        admin.add_vneid_account(ctx, citizen, VNEID_PASSWORD, VNEID_PASSCODE)
    accounts = []
    for acc in demo_accounts():
        try:
            admin.add_account(ctx, acc.username, acc.facility, acc.password,
                              full_name="Tài khoản cơ sở" if acc.username.endswith("_BV") else "Kỹ thuật viên 01")
        except ConflictError:
            pass
        accounts.append(acc)
    pki_dir.mkdir(parents=True, exist_ok=True)
    ca = TestCA(now=ctx.clock.now())
    (pki_dir / "ca.pem").write_bytes(ca.cert_pem)
    certs, keys = [], {}
    for code in DEMO_FACILITIES:
        key_file, cert_file = pki_dir / f"{code}.key.pem", pki_dir / f"{code}.cert.pem"
        registered = [c for c in admin.list_certificates(ctx, code) if c["state"] == "valid"]
        if registered and key_file.exists() and cert_file.exists():
            certs.extend(registered)  # a second `demo` run keeps the keys it handed out
            keys[code] = Credential(key_file.read_bytes(), cert_file.read_bytes())
            continue
        cred = ca.issue(code, f"Cơ sở {code}")
        key_file.write_bytes(cred.key_pem)
        cert_file.write_bytes(cred.cert_pem)
        keys[code] = cred
        certs.append(admin.add_certificate(ctx, code, cred.cert_pem))
    transactions = []
    for code in DEMO_FACILITIES:
        acc = next(a for a in accounts if a.facility == code)
        token = auth.take_token(ctx, acc.username, md5_upper(acc.password), None)
        headers = {"accessToken": token.access_token, "tokenId": token.id_token,
                   "passwordHash": md5_upper(acc.password)}
        for form in DEMO_FORMS:
            for n in range(episodes_per_form):
                patient = DEMO_PATIENT if (code, form) in (("58001", "kham"), ("58002", "noi_tru")) else None
                episode = generate(seed * 100 + n, code, form, patient=patient)
                payload = sign(envelope(code, [episode.documents()]), keys[code].key_pem, keys[code].cert_pem)
                form_data = {"username": acc.username, "loaiHoSo": "130", "maTinh": code[:2],
                             "maCSKCB": code, "fileHSBase64": b64(payload)}
                receipt = intake.receive(ctx, "guiHoSoXmlQD3176", headers, form_data, None)
                process_submission(ctx, receipt.transaction_id)
                transactions.append(receipt.transaction_id)
    return {"facilitiesAdded": added, "accounts": accounts, "certificates": certs,
            "transactions": transactions, "pkiDir": str(pki_dir)}


@click.command("demo")
@click.option("--seed", default=2733, show_default=True)
@click.option("--pki-dir", type=click.Path(path_type=Path), default=ROOT / "var" / "demo-pki", show_default=True)
@click.option("--url", "base_url", default="http://127.0.0.1:8000", show_default=True,
              help="where the sandbox will be served (printed in the banner)")
def demo_command(seed, pki_dir, base_url):
    """Nạp dữ liệu mẫu: 79 cơ sở, tài khoản, chứng thư thử nghiệm, hồ sơ đã tiếp nhận."""
    from sandbox.storage.migrate import upgrade
    settings = Settings.from_env()
    upgrade(settings.database_url)
    ctx = Context.create(settings)
    result = load_demo(ctx, pki_dir, seed=seed)
    from .province import load_province_demo
    province_users = load_province_demo(ctx, seed)
    click.echo(f"Cơ sở mới: {result['facilitiesAdded']} · giao dịch mẫu: {len(result['transactions'])}")
    click.echo("Tài khoản mẫu (username / mật khẩu / cơ sở) — chỉ dùng trong sandbox:")
    for acc in result["accounts"]:
        click.echo(f"  {acc.username:<18} {acc.password:<14} {acc.facility}")
    click.echo(f"Khóa và chứng thư thử nghiệm: {result['pkiDir']}")
    click.echo(f"VNeID ({base_url}/vneid/): {', '.join(VNEID_DEMO)} · mật khẩu {VNEID_PASSWORD} · "
               f"passcode {VNEID_PASSCODE}")
    click.echo(f"Sở Y tế / BHXH tỉnh ({base_url}/so-y-te/): "
               + " · ".join(f"{u} / {p} ({o})" for u, p, o in province_users))
    click.echo(f"Admin token (X-Admin-Token): {settings.admin_token}")
    click.echo(f"Cổng (gateway): {base_url}/ · Swagger {base_url}/ui/ · portal {base_url}/portal/")
    click.echo(f"Chứng nhận sẵn sàng (certification): {base_url}/portal/chung-nhan · "
               f"API {base_url}/conformance/api/ui/ · HIS tham chiếu: python -m conformance.reference_his "
               f"{base_url} 58001_BV Demo@58001 --key {result['pkiDir']}/58001.key.pem "
               f"--cert {result['pkiDir']}/58001.cert.pem")

"""Demo data: the 79 facilities of former Ninh Thuận (now in Khánh Hòa) and illustrative former Kon Tum
ones (now in Quảng Ngãi), accounts with known passwords, test certificates,
and accepted episodes of every form of care, submitted through the real intake and pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from fixtures.envelope import b64, envelope
from fixtures.generator import generate
from fixtures.pki import Credential, TestCA
from fixtures.signing import sign
from sandbox import admin, auth, intake
from sandbox.clock import VN_TZ
from sandbox.context import Context
from sandbox.errors import ConflictError
from sandbox.pipeline.service import process_submission
from sandbox.security import md5_upper
from sandbox.settings import ROOT, Settings

from .citizens import demo_citizens, visit_traits

DEMO_FACILITIES = ("58001", "58002", "58011", "58114", "62001")
ACCOUNT_ONLY = ("62005",)   # Quảng Ngãi: a facility at step 2 of the seven (account, nothing configured yet)
DEMO_FORMS = ("kham", "ngoai_tru", "noi_tru", "ban_ngay", "linh_thuoc", "tu_xa")
VNEID_DEMO = ("058085000001", "058190000002", "058199000123")   # the last: no BHYT card (QĐ 31)
VNEID_PASSWORD, VNEID_PASSCODE = "Vneid@2026", "123456"


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
    return out + [DemoAccount(f"{code}_BV", f"Demo@{code}", code) for code in ACCOUNT_ONLY]


def load_demo(ctx: Context, pki_dir: Path, *, seed: int = 2733, episodes_per_form: int = 1) -> dict:
    added = admin.seed_facilities(ctx, kon_tum=True)
    from .population import load_population
    load_population(ctx, DEMO_FACILITIES)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    admin.load_registry(ctx, "citizens", [c.citizen_row() for c in demo_citizens(today)])
    admin.load_registry(ctx, "cards", [c.card_row(today) for c in demo_citizens(today) if c.insured])
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
    transactions, headers = [], {}
    for code in DEMO_FACILITIES:
        acc = next(a for a in accounts if a.facility == code)
        token = auth.take_token(ctx, acc.username, md5_upper(acc.password), None)
        headers[code] = (acc, {"accessToken": token.access_token, "tokenId": token.id_token,
                               "passwordHash": md5_upper(acc.password)})

    def submit(code: str, episode) -> None:
        acc, hdrs = headers[code]
        payload = sign(envelope(code, [episode.documents()]), keys[code].key_pem, keys[code].cert_pem)
        form_data = {"username": acc.username, "loaiHoSo": "130", "maTinh": code[:2], "maCSKCB": code,
                     "fileHSBase64": b64(payload)}
        receipt = intake.receive(ctx, "guiHoSoXmlQD3176", hdrs, form_data, None)
        process_submission(ctx, receipt.transaction_id)
        transactions.append(receipt.transaction_id)

    for code in DEMO_FACILITIES:            # one episode of every form of care per facility (random people)
        for form in DEMO_FORMS:
            for n in range(episodes_per_form):
                submit(code, generate(seed * 100 + n, code, form))
    people = demo_citizens(today)           # the demo citizens' own visits, over three years
    for i, person in enumerate(people):
        for j, visit in enumerate(person.visits):
            submit(visit.facility, generate(seed * 1000 + i * 10 + j, visit.facility, visit.form, start=visit.start,
                                            patient=person.person, traits=visit_traits(person, visit),
                                            surgery=visit.surgery, insured=person.insured))
    return {"facilitiesAdded": added, "accounts": accounts, "certificates": certs, "citizens": people,
            "transactions": transactions, "pkiDir": str(pki_dir)}


@click.command("demo")
@click.option("--seed", default=2733, show_default=True)
@click.option("--pki-dir", type=click.Path(path_type=Path), default=ROOT / "var" / "demo-pki", show_default=True)
@click.option("--url", "base_url", default="http://127.0.0.1:8000", show_default=True,
              help="where the sandbox will be served (printed in the banner)")
def demo_command(seed, pki_dir, base_url):
    """Nạp dữ liệu mẫu: cơ sở của Khánh Hòa và Quảng Ngãi, tài khoản, chứng thư thử nghiệm, hồ sơ đã tiếp nhận."""
    from sandbox.storage.migrate import upgrade
    settings = Settings.from_env()
    upgrade(settings.database_url)
    ctx = Context.create(settings)
    result = load_demo(ctx, pki_dir, seed=seed)
    from .province import load_province_demo
    province_users = load_province_demo(ctx, seed)
    click.echo(banner(result, province_users, settings, base_url))


def banner(result: dict, province_users, settings, base_url: str) -> str:
    """Every demo login with what to try, and every URL (at the port the sandbox is served on)."""
    pki = result["pkiDir"]
    lines = [f"Cơ sở mới: {result['facilitiesAdded']} · giao dịch mẫu: {len(result['transactions'])}",
             f"Sandbox: {base_url}/ (trang giới thiệu, liên kết mọi phần)", "",
             "Cơ sở KCB — cổng (API) và portal " + f"{base_url}/portal/ (username / mật khẩu / cơ sở):"]
    lines += [f"  {acc.username:<18} {acc.password:<14} {acc.facility}" for acc in result["accounts"]]
    lines += ["  Thử: Danh sách tiếp nhận, tìm theo MA_LK, tải xlsx/CSV; 'Đọc sổ bằng mã chia sẻ';"
              " 'Vì sao bị từ chối?' sau một lần gửi sai token",
              f"  Swagger {base_url}/ui/ · khóa và chứng thư thử nghiệm: {pki}",
              f"  Chứng nhận sẵn sàng: {base_url}/portal/chung-nhan · HIS tham chiếu: python -m conformance.reference_his "
              f"{base_url} 58001_BV Demo@58001 --key {pki}/58001.key.pem --cert {pki}/58001.cert.pem", "",
              f"Công dân — VNeID mô phỏng {base_url}/vneid/ (mật khẩu {VNEID_PASSWORD}, passcode {VNEID_PASSCODE}):"]
    for c in result["citizens"]:
        if not c.vneid and not c.guardian:   # the co-payment look-up's citizens: `skdt-sandbox cards`
            continue
        years = sorted({v.start.year for v in c.visits})
        who = (f"  {c.person.personal_id}  {c.person.name}: {len(c.visits)} lượt khám "
               f"{years[0]}–{years[-1]}, " + (f"thẻ {c.person.card}" if c.insured else "không có thẻ BHYT (QĐ 31)"))
        if c.guardian:
            who += f" — trẻ dưới 14 tuổi, người giám hộ {c.guardian} (mở từ tài khoản của người giám hộ)"
        lines.append(who)
    lines += ["  Thử: Ví giấy tờ → passcode → Thêm thẻ BHYT (mã thẻ ở trên) → Hồ sơ sức khỏe → Sổ sức khỏe điện tử →"
              " Xác nhận → passcode → Cập nhật dữ liệu → chọn năm → lượt khám → Tải PDF; Chia sẻ sổ (mã QR, thu hồi);"
              " Thông tin cá nhân; người phụ thuộc ở trang chủ", "",
              f"Sở Y tế / BHXH tỉnh {base_url}/so-y-te/: "
              + " · ".join(f"{u} / {p} ({o})" for u, p, o in province_users),
              "  Thử: bảng sẵn sàng theo xã và địa bàn tỉnh cũ (Khánh Hòa — Ninh Thuận cũ; Quảng Ngãi — Kon Tum cũ), ký xác nhận (Sở Y tế), báo cáo chiến dịch và 6 tháng, tải xlsx/PDF", "",
              f"Quản trị (X-Admin-Token): {settings.admin_token} · API {base_url}/admin/api/ui/",
              "Thẻ thử nghiệm cho tra cứu thẻ (mọi mã kết quả): skdt-sandbox cards"]
    return "\n".join(lines)

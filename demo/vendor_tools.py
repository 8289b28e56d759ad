"""Vendor tools as skdt-sandbox commands: a valid signed sample for a facility, and signing a file.

    skdt-sandbox sample 58001 --form noi_tru -o hoso.xml      (uses var/demo-pki or issues a sandbox cert)
    skdt-sandbox sign my-envelope.xml --key k.pem --cert c.pem -o signed.xml
"""

from __future__ import annotations

from pathlib import Path

import click

from fixtures.envelope import b64, envelope, row_document
from fixtures.generator import FORMS, adapt, checkin_row, generate
from fixtures.pki import Credential, TestCA
from fixtures.signing import STYLES, sign
from sandbox import admin
from sandbox.context import Context
from sandbox.settings import ROOT, Settings

PKI_DIR = ROOT / "var" / "demo-pki"
CA_DIR = ROOT / "var" / "sandbox-ca"


def facility_credential(ctx: Context, facility: str, pki_dir: Path | None = None,
                        ca_dir: Path | None = None) -> tuple[Credential, bool]:
    """The facility's sandbox key: the demo one if present, else a new one from the sandbox CA,
    registered for the facility.  Returns (credential, newly_registered)."""
    pki_dir, ca_dir = pki_dir or PKI_DIR, ca_dir or CA_DIR
    key, cert = pki_dir / f"{facility}.key.pem", pki_dir / f"{facility}.cert.pem"
    if key.exists() and cert.exists():
        return Credential(key.read_bytes(), cert.read_bytes()), False
    ca_dir.mkdir(parents=True, exist_ok=True)
    if (ca_dir / "ca.key.pem").exists():
        ca = TestCA("Sandbox SKĐT CA", key_pem=(ca_dir / "ca.key.pem").read_bytes())
    else:
        ca = TestCA("Sandbox SKĐT CA")
        (ca_dir / "ca.key.pem").write_bytes(ca.key_pem)
    (ca_dir / "ca.pem").write_bytes(ca.cert_pem)
    cred = ca.issue(facility, f"Cơ sở {facility}")
    pki_dir.mkdir(parents=True, exist_ok=True)
    key.write_bytes(cred.key_pem)
    cert.write_bytes(cred.cert_pem)
    admin.add_certificate(ctx, facility, cred.cert_pem)
    return cred, True


@click.command("sample")
@click.argument("facility")
@click.option("--form", type=click.Choice(sorted(FORMS) + ["checkin"]), default="kham", show_default=True)
@click.option("--profile", type=click.Choice(["QD130", "QD4750", "QD3176"]), default="QD3176", show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--referral-to", default=None, help="end with a referral to this facility (adds XML13)")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cert", "cert_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="write the XML here")
@click.option("--base64", "as_base64", is_flag=True, help="print fileHSBase64 instead of XML")
@click.option("--unsigned", is_flag=True, help="leave CHUKYDONVI empty: for a client that signs with its own library "
                                                 "(examples/)")
def sample_command(facility, form, profile, seed, referral_to, key_file, cert_file, out, as_base64, unsigned):
    """Hồ sơ mẫu hợp lệ, đã ký, cho mã cơ sở FACILITY (so sánh với file HIS của bạn)."""
    ctx = Context.create(Settings.from_env())
    if unsigned:
        cred, new = None, False
    elif key_file and cert_file:
        cred, new = Credential(key_file.read_bytes(), cert_file.read_bytes()), False
    else:
        cred, new = facility_credential(ctx, facility)
    if form == "checkin":
        row = adapt("XML0", checkin_row(generate(seed, facility, "kham")), profile)
        document = row_document("XML0", [row], profile=profile)
        endpoint = f"checkInKcbQd{profile[2:]}"
    else:
        episode = generate(seed, facility, form, referral_to=referral_to)
        document = envelope(facility, [episode.documents(profile)])
        endpoint = f"guiHoSoXmlQD{profile[2:]}"
    signed = document if unsigned else sign(document, cred.key_pem, cred.cert_pem)
    data = b64(signed).encode() if as_base64 else signed
    if out:
        out.write_bytes(data)
        click.echo(f"Đã ghi {out} ({len(signed)} byte XML) · gửi tới /api/qd130/{endpoint}", err=True)
    else:
        click.echo(data.decode())
    if new:
        click.echo(f"Đã cấp và đăng ký chứng thư thử nghiệm cho {facility}: {PKI_DIR}/{facility}.cert.pem", err=True)


@click.command("sign")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cert", "cert_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--style", type=click.Choice(STYLES), default="signxml", show_default=True,
              help="signxml (ds:, exc-c14n) · dotnet (.NET SignedXml: <Signature xmlns=…>, GUID Id, inclusive C14N, "
                   "BOM, CRLF) · santuario (Java: ds:, line breaks)")
@click.option("--c14n", type=click.Choice(["exclusive", "inclusive"]), default=None,
              help="canonicalisation of SignedInfo (default: the style's own)")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path))
def sign_command(file, key_file, cert_file, style, c14n, out):
    """Ký FILE (GIAMDINHHS / XML0 / XML12) như cổng mong đợi: enveloped, RSA-SHA256, trong CHUKYDONVI.

    Sign FILE as HIS software does; --style dotnet writes what .NET SignedXml writes."""
    signed = sign(file.read_bytes(), key_file.read_bytes(), cert_file.read_bytes(), style=style, c14n=c14n)
    if out:
        out.write_bytes(signed)
        click.echo(f"Đã ký: {out}", err=True)
    else:
        click.echo(signed.decode("utf-8-sig"))

"""skdt-sandbox sample / sign / check: what a vendor uses to compare its output with ours."""

import json

import pytest
from click.testing import CliRunner

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.cli import main


@pytest.fixture
def run(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SANDBOX_PASSWORD_HASH_ITERATIONS", "1000")
    import demo.vendor_tools as tools
    monkeypatch.setattr(tools, "PKI_DIR", tmp_path / "pki")
    monkeypatch.setattr(tools, "CA_DIR", tmp_path / "ca")
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result
    invoke("facility", "add", "58004", "TTYT Ninh Hải")
    return invoke


@pytest.mark.parametrize("form", ["kham", "noi_tru", "checkin"])
def test_sample_is_signed_and_passes_the_gateway_checks(run, tmp_path, form):
    out = tmp_path / "sample.xml"
    run("sample", "58004", "--form", form, "-o", str(out))
    kind = "CHECKIN" if form == "checkin" else "HOSO"
    report = json.loads(run("check", str(out), "--facility", "58004", "--kind", kind, "--json").output)
    assert report == {"hopLe": True, "dsLoi": []}


def test_sign_a_vendor_file_then_check_it(run, tmp_path):
    run("sample", "58004", "-o", str(tmp_path / "first.xml"))  # registers the facility's sandbox cert
    plain = tmp_path / "mine.xml"
    plain.write_bytes(envelope("58004", [generate(3, "58004", "ngoai_tru").documents()]))
    unsigned = json.loads(run("check", str(plain), "--facility", "58004", "--json").output)
    assert [e["maLoi"] for e in unsigned["dsLoi"]] == ["SIG-001"]
    signed = tmp_path / "signed.xml"
    run("sign", str(plain), "--key", str(tmp_path / "pki" / "58004.key.pem"),
        "--cert", str(tmp_path / "pki" / "58004.cert.pem"), "--c14n", "inclusive", "-o", str(signed))
    assert json.loads(run("check", str(signed), "--facility", "58004", "--json").output)["hopLe"] is True
    other = json.loads(run("check", str(signed), "--facility", "58001", "--json").output)
    assert [e["maLoi"] for e in other["dsLoi"]] == ["SIG-007"]


@pytest.mark.parametrize("style", ["dotnet", "santuario", "signxml"])
def test_sign_in_each_vendor_style_passes_the_gateway_and_xmlsec1(run, tmp_path, style):
    from tests.corpus import xmlsec
    run("sample", "58004", "-o", str(tmp_path / "first.xml"))
    plain = tmp_path / "mine.xml"
    plain.write_bytes(envelope("58004", [generate(5, "58004", "kham").documents()]))
    signed = tmp_path / f"{style}.xml"
    run("sign", str(plain), "--key", str(tmp_path / "pki" / "58004.key.pem"),
        "--cert", str(tmp_path / "pki" / "58004.cert.pem"), "--style", style, "-o", str(signed))
    data = signed.read_bytes()
    if style == "dotnet":  # what XmlDocument.Save writes: BOM, CRLF, unprefixed Signature with a GUID Id
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
        assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="' in data
    assert json.loads(run("check", str(signed), "--facility", "58004", "--json").output) == {"hopLe": True, "dsLoi": []}
    assert xmlsec.verdict(data) == "valid"

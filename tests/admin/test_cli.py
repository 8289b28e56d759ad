"""skdt-sandbox: the operations a Sở Y tế / BHXH script runs."""

import json

import pytest
from click.testing import CliRunner

from fixtures.pki import TestCA
from sandbox.cli import main


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SANDBOX_PASSWORD_HASH_ITERATIONS", "1000")
    monkeypatch.setenv("SANDBOX_CLOCK_REFRESH_SECONDS", "0")
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result
    return invoke


def test_init_db_is_idempotent(run):
    assert "sẵn sàng" in run("init-db").output
    run("init-db")


def test_facility_account_cert_clock_round_trip(run, tmp_path):
    run("facility", "add", "58120", "Phòng khám Đa khoa Mới")
    assert "suspended" in run("facility", "suspend", "58120").output
    assert "active" in run("facility", "activate", "58120").output
    listed = json.loads(run("facility", "list", "--json").output)
    assert listed == [{"code": "58120", "name": "Phòng khám Đa khoa Mới", "provinceCode": "56",
                       "province": "Tỉnh Khánh Hòa", "communeCode": "", "commune": "", "formerProvinceCode": "58",
                       "districtCode": "", "status": "active"}]

    run("account", "add", "58120_BV", "--facility", "58120", "--password", "Str0ng@pass", "--ip", "203.0.113.9")
    accounts = json.loads(run("account", "list", "--json").output)
    assert accounts[0]["username"] == "58120_BV" and accounts[0]["allowedIps"] == ["203.0.113.9"]
    assert "vô hiệu" in run("account", "disable", "58120_BV").output
    assert "hoạt động" in run("account", "enable", "58120_BV").output
    assert "mọi IP" in run("account", "set-ips", "58120_BV").output

    cred = TestCA().issue("58120", "PK Mới")
    pem = tmp_path / "cert.pem"
    pem.write_bytes(cred.cert_pem)
    assert cred.fingerprint in run("cert", "add", "--facility", "58120", str(pem)).output
    assert "revoked" in run("cert", "revoke", cred.fingerprint, "--reason", "thay khóa").output

    assert "+36h" in run("clock", "set", "+36h").output
    assert json.loads(run("clock", "show", "--json").output)["offsetSeconds"] == 36 * 3600
    assert "-2d" in run("clock", "set", "-2d").output
    assert "+0s" in run("clock", "set", "0").output


def test_errors_are_explained_and_exit_1(run):
    result = run("facility", "add", "123", "Sai mã", ok=False)
    assert result.exit_code == 1
    assert "4221" in result.output and "QĐ 384" in result.output
    result = run("account", "add", "x_BV", "--facility", "58999", "--password", "Str0ng@pass", ok=False)
    assert result.exit_code == 1 and "58999" in result.output
    result = run("clock", "set", "soon", ok=False)
    assert result.exit_code == 1 and "+36h" in result.output


def test_demo_loads_accepted_episodes(run, tmp_path):
    output = run("demo", "--pki-dir", str(tmp_path / "pki")).output
    assert "58001_BV" in output and "Demo@58001" in output
    assert (tmp_path / "pki" / "58001.key.pem").exists()
    rows = {r["code"]: r for r in json.loads(run("readiness", "--json").output)}
    assert len(rows) == 79 + 12      # former Ninh Thuận (Khánh Hòa) and the illustrative former Kon Tum (Quảng Ngãi)
    from datetime import date
    from demo.citizens import demo_citizens
    from demo.loader import DEMO_FORMS
    own = sum(1 for c in demo_citizens(date.today()) for v in c.visits if v.facility == "58001")
    assert own >= 5   # the demo citizens' visits at 58001 (An, Hoa, the child), besides one of each form
    assert rows["58001"]["acceptedEpisodes"] == len(DEMO_FORMS) + own and rows["58001"]["validCertificates"] == 1
    run("demo", "--pki-dir", str(tmp_path / "pki"))  # a second run is harmless (duplicates)
    rows = {r["code"]: r for r in json.loads(run("readiness", "--json").output)}
    assert rows["58001"]["validCertificates"] == 1

"""The readiness certificate: round trip, and every tampering / expiry / other-issuer / retired case refused."""

from datetime import datetime, timedelta, timezone

import pytest

from conformance import certificate as cert
from conformance import suite as suite_module

NOW = datetime.now(timezone.utc)
REPORT = {"session": {"facility": "58001", "software": "HIS X", "version": "2.1", "vendor": "Vendor Y", "profile": "QD3176",
                      "id": "abc"},
          "suite": {"id": "his-readiness", "version": "1.0.0", "hash": "f" * 64}, "ruleSet": "53 rules", "codeLists": "x"}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    return cert.issuer(tmp_path_factory.mktemp("issuer"))


def test_round_trip_binds_what_was_tested(issuer):
    token, claims = cert.issue(issuer, REPORT, "BVĐK tỉnh", "d" * 64, NOW)
    got = cert.verify(token, issuer.cert_pem, NOW)
    assert got == claims
    assert got["facility"] == {"code": "58001", "name": "BVĐK tỉnh"}
    assert got["software"] == {"name": "HIS X", "version": "2.1", "vendor": "Vendor Y"}
    assert got["suite"]["hash"] == "f" * 64 and got["report"]["sha256"] == "d" * 64
    assert got["exp"] - got["iat"] == cert.VALID_DAYS * 86400


def test_changing_any_byte_is_refused(issuer):
    token, _ = cert.issue(issuer, REPORT, "BVĐK tỉnh", "d" * 64, NOW)
    header, payload, signature = token.split(".")
    for i in range(0, len(payload), max(1, len(payload) // 25)):
        flipped = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:]
        with pytest.raises(cert.CertificateInvalid):
            cert.verify(".".join((header, flipped, signature)), issuer.cert_pem, NOW)
    with pytest.raises(cert.CertificateInvalid):
        cert.verify(".".join((header, payload, signature[:-2] + "AA")), issuer.cert_pem, NOW)


def test_expired_other_issuer_and_retired_suite_are_refused(issuer, tmp_path, monkeypatch):
    token, _ = cert.issue(issuer, REPORT, "BVĐK tỉnh", "d" * 64, NOW)
    with pytest.raises(cert.CertificateInvalid, match="expired"):
        cert.verify(token, issuer.cert_pem, NOW + timedelta(days=cert.VALID_DAYS + 1))
    other = cert.issuer(tmp_path / "other")
    with pytest.raises(cert.CertificateInvalid, match="another issuer"):
        cert.verify(token, other.cert_pem, NOW)
    forged, _ = cert.issue(other, REPORT, "BVĐK tỉnh", "d" * 64, NOW)
    with pytest.raises(cert.CertificateInvalid):
        cert.verify(forged, issuer.cert_pem, NOW)
    monkeypatch.setattr(cert, "RETIRED_VERSIONS", frozenset({"1.0.0"}))
    with pytest.raises(cert.CertificateInvalid, match="retired"):
        cert.verify(token, issuer.cert_pem, NOW)
    assert suite_module.RETIRED_VERSIONS == frozenset()


def test_offline_verify_command(issuer, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from sandbox.cli import main
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    token, _ = cert.issue(issuer, REPORT, "BVĐK tỉnh", "d" * 64, NOW)
    (tmp_path / "issuer.pem").write_bytes(issuer.cert_pem)
    (tmp_path / "c.jws").write_text(token)
    ok = CliRunner().invoke(main, ["certificate", "verify", str(tmp_path / "c.jws"), "--issuer", str(tmp_path / "issuer.pem")])
    assert ok.exit_code == 0 and "HỢP LỆ" in ok.output and "58001" in ok.output
    (tmp_path / "bad.jws").write_text(token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    bad = CliRunner().invoke(main, ["certificate", "verify", str(tmp_path / "bad.jws"), "--issuer", str(tmp_path / "issuer.pem")])
    assert bad.exit_code == 1 and "KHÔNG HỢP LỆ" in bad.output


def test_the_issuer_key_is_published_and_verifies_a_certificate_offline(ctx, client, tmp_path):
    """GET /.well-known/jwks.json and /chung-nhan/issuer.pem: a third party verifies with PyJWT alone."""
    import jwt
    from conformance import certificate as cert_module
    from conformance import service
    iss = service.issuer(ctx)
    report = {"session": {"facility": "58001", "software": "HIS", "version": "1", "vendor": "V", "profile": "QD3176",
                          "id": "s1"}, "suite": {"id": "his-readiness", "version": "1.1.0", "hash": "f" * 64},
              "ruleSet": "r", "codeLists": "c"}
    token, _ = cert_module.issue(iss, report, "BV", "a" * 64, ctx.clock.now())
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    [key] = [k for k in keys if k["kid"] == jwt.get_unverified_header(token)["kid"]]
    public = jwt.PyJWK(key).key
    claims = jwt.decode(token, public, algorithms=["RS256"], issuer=cert_module.ISSUER)
    assert claims["facility"]["code"] == "58001" and claims["report"]["sha256"] == "a" * 64
    pem = client.get("/chung-nhan/issuer.pem")
    assert pem.status_code == 200 and pem.content == iss.cert_pem
    big = client.post("/conformance/api/certificates/verify", json={"token": "x" * 30000})
    assert len(big.text) < 2000 and "x" * 100 not in big.text          # an oversized token is not echoed

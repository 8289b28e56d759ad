"""Signature stage: policy, registry on the sandbox clock, trusted CA, what is read afterwards."""

from datetime import datetime, timedelta, timezone

import pytest

from fixtures.envelope import envelope
from fixtures.generator import generate
from fixtures.pki import TestCA
from fixtures.signing import sign
from sandbox.pipeline.runner import evaluate
from sandbox.pipeline.signature import verify
from sandbox.pipeline.parsing import parse_document
from sandbox.pipeline.stages import CertificateView, StageContext

NOW = datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def ca():
    return TestCA()


@pytest.fixture(scope="module")
def cred(ca):
    return ca.issue("58001", "BVĐK")


def view(cred, revoked_at=None):
    c = cred.certificate
    return CertificateView(cred.fingerprint, c.not_valid_before_utc, c.not_valid_after_utc, revoked_at,
                           cred.cert_pem.decode())


def ctx(*certs, now=NOW, **kw):
    return StageContext("HOSO", "QD3176", "58001", now, tuple(certs), facilities={"58001": "active"}, **kw)


def payload():
    return envelope("58001", [generate(1, "58001", "kham").documents()])


def codes(outcome):
    return [f.code for f in outcome.findings] + [f.code for r in outcome.records for f in r.findings]


def test_valid_signature_returns_only_the_signed_tree(cred):
    signed = sign(payload(), cred.key_pem, cred.cert_pem)
    result = verify(signed, parse_document(signed), ctx(view(cred)))
    assert result.findings == () and result.fingerprint == cred.fingerprint
    assert result.signed_root.tag == "GIAMDINHHS"
    assert result.signed_root.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature") is None


def test_unsigned_is_refused_unless_pre2026_policy(cred):
    assert codes(evaluate(payload(), ctx(view(cred)), 10**8)) == ["SIG-001"]
    outcome = evaluate(payload(), ctx(view(cred), signature_policy="pre2026"), 10**8)
    assert codes(outcome) == ["SIG-000"] and outcome.records[0].valid and outcome.envelope_valid


def test_certificate_validity_follows_the_sandbox_clock(cred):
    signed = sign(payload(), cred.key_pem, cred.cert_pem)
    later = cred.certificate.not_valid_after_utc + timedelta(days=1)
    earlier = cred.certificate.not_valid_before_utc - timedelta(days=1)
    assert codes(evaluate(signed, ctx(view(cred), now=later), 10**8)) == ["SIG-009"]
    assert codes(evaluate(signed, ctx(view(cred), now=earlier), 10**8)) == ["SIG-010"]
    assert codes(evaluate(signed, ctx(view(cred, revoked_at=NOW - timedelta(hours=1))), 10**8)) == ["SIG-008"]
    # revoked in the (sandbox) future: still valid now
    assert codes(evaluate(signed, ctx(view(cred, revoked_at=NOW + timedelta(days=1))), 10**8)) == []


def test_trusted_ca_when_configured(ca, cred):
    signed = sign(payload(), cred.key_pem, cred.cert_pem)
    assert codes(evaluate(signed, ctx(view(cred), trusted_ca_pem=ca.cert_pem), 10**8)) == []
    other_ca = TestCA("Another CA")
    assert codes(evaluate(signed, ctx(view(cred), trusted_ca_pem=other_ca.cert_pem), 10**8)) == ["SIG-011"]


def test_refusal_messages_speak_to_a_facility_it_person(ca, cred):
    other = ca.issue("58002", "Khác")
    outcome = evaluate(sign(payload(), other.key_pem, other.cert_pem), ctx(view(cred)), 10**8)
    [f] = outcome.findings
    assert f.code == "SIG-007" and "chưa đăng ký cho cơ sở 58001" in f.message_vi and f.value == other.fingerprint
    tampered = sign(payload(), cred.key_pem, cred.cert_pem).replace(b"<NGAYLAP/>", b"<NGAYLAP>20260101</NGAYLAP>")
    assert b"<NGAYLAP>20260101" in tampered
    [f] = evaluate(tampered, ctx(view(cred)), 10**8).findings
    assert f.code == "SIG-012" and "thay đổi sau khi ký" in f.message_vi


def test_signature_check_on_checkin_documents(cred):
    from tests.plugins.gateway import checkin_document
    doc = sign(checkin_document(), cred.key_pem, cred.cert_pem)
    outcome = evaluate(doc, StageContext("CHECKIN", "QD3176", "58001", NOW, (view(cred),), facilities={"58001": "active"}), 10**8)
    assert codes(outcome) == [] and outcome.records[0].valid
    unsigned = evaluate(checkin_document(), StageContext("CHECKIN", "QD3176", "58001", NOW, (view(cred),)), 10**8)
    assert codes(unsigned) == ["SIG-001"]


@pytest.mark.parametrize("style,c14n", [("dotnet", "inclusive"), ("dotnet", "exclusive"), ("santuario", "inclusive"),
                                        ("santuario", "exclusive"), ("signxml", "inclusive"), ("signxml", "exclusive")])
@pytest.mark.parametrize("signature_id", ["7c9e6679-7425-40de-944b-e07fc1f90ae7", "f47ac10b-58cc-4372-a567-0e02b2c3d479"])
def test_every_real_signer_form_is_accepted(cred, style, c14n, signature_id):
    """.NET SignedXml (unprefixed, GUID Id, BOM, CRLF), Santuario and signxml, both C14N; a digit-first
    GUID is not an xs:ID but signers write it and verifiers accept it."""
    kw = {"signature_id": signature_id} if style != "signxml" else {}
    signed = sign(payload(), cred.key_pem, cred.cert_pem, style=style, c14n=c14n, **kw)
    outcome = evaluate(signed, ctx(view(cred)), 10**8)
    assert codes(outcome) == [] and outcome.records[0].valid


def test_dotnet_signature_without_namespace_pair_on_the_root(cred):
    plain = payload().replace(b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', b"")
    signed = sign(plain, cred.key_pem, cred.cert_pem, style="dotnet")
    assert codes(evaluate(signed, ctx(view(cred)), 10**8)) == []


@pytest.mark.parametrize("damage,code", [
    (lambda d: d.replace(b"<MACSKCB>58001", b"<MACSKCB>58002"), "SIG-012"),            # content changed
    (lambda d: d.replace(b"<DigestValue>", b"<DigestValue>AAAA"), "SIG-013"),           # SignedInfo changed
    (lambda d: d.replace(b"<SignatureValue>", b"<SignatureValue>A"), "SIG-014"),        # not base64 any more
    (lambda d: d.replace(b'<SignatureValue>', b'<Foo/><SignatureValue>'), "SIG-014"),  # not XMLDSig structure
    (lambda d: d.replace(b"REC-xml-c14n-20010315", b"REC-xml-c14n-unknown", 1), "SIG-005"),
])
def test_damaged_signatures_become_findings_never_exceptions(cred, damage, code):
    signed = sign(payload(), cred.key_pem, cred.cert_pem, style="dotnet", bom=False, crlf=False)
    damaged = damage(signed)
    assert damaged != signed
    outcome = evaluate(damaged, ctx(view(cred)), 10**8)
    assert codes(outcome) == [code]


def test_a_library_exception_in_the_signature_stage_is_a_finding(cred, monkeypatch):
    from sandbox.pipeline import signature
    def boom(*a, **k):
        raise RuntimeError("libxml2 fell over")
    monkeypatch.setattr(signature._Verifier, "verify", boom)
    signed = sign(payload(), cred.key_pem, cred.cert_pem)
    [f] = evaluate(signed, ctx(view(cred)), 10**8).findings
    assert f.code == "SIG-015" and "RuntimeError" in f.message_en


def test_whole_chain_in_keyinfo_is_accepted(ca, cred):
    """.NET KeyInfoX509Data(cert, X509IncludeOption.WholeChain): the facility's certificate, then the CA's."""
    signed = sign(payload(), cred.key_pem, cred.cert_pem, style="dotnet", chain=(ca.cert_pem,))
    assert signed.count(b"<X509Certificate>") == 2
    assert codes(evaluate(signed, ctx(view(cred)), 10**8)) == []
    from cryptography.hazmat.primitives import hashes
    only_ca_registered = CertificateView(ca.cert.fingerprint(hashes.SHA256()).hex(), ca.cert.not_valid_before_utc,
                                         ca.cert.not_valid_after_utc, None, ca.cert_pem.decode())
    assert codes(evaluate(signed, ctx(only_ca_registered), 10**8)) == ["SIG-013"]   # the CA did not sign it


def test_signing_time_object_with_a_second_reference_is_accepted(cred):
    """e-invoice style signers add a SigningTime property in an Object, signed by Reference "#SigningTime"."""
    signed = sign(payload(), cred.key_pem, cred.cert_pem, style="dotnet", signing_time="2026-03-02T08:15:00")
    assert signed.count(b"<Reference ") == 2
    assert codes(evaluate(signed, ctx(view(cred)), 10**8)) == []
    tampered = signed.replace(b"2026-03-02T08:15:00", b"2026-03-03T08:15:00")
    assert codes(evaluate(tampered, ctx(view(cred)), 10**8)) == ["SIG-012"]
    outside = signed.replace(b'URI="#SigningTime"', b'URI="#elsewhere"')
    assert codes(evaluate(outside, ctx(view(cred)), 10**8)) == ["SIG-004"]

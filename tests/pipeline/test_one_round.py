"""Findings come in one round: business rules whose fields passed the XSD still run when another
field of the HOSO failed, so a hospital fixes everything at once."""

from datetime import datetime, timezone

from fixtures.envelope import envelope
from fixtures.generator import generate
from fixtures.pki import TestCA
from fixtures.signing import sign
from sandbox.pipeline.runner import evaluate
from sandbox.pipeline.stages import CertificateView, StageContext

NOW = datetime.now(timezone.utc)
CRED = TestCA().issue("58001", "BVĐK")


def _ctx():
    c = CRED.certificate
    view = CertificateView(CRED.fingerprint, c.not_valid_before_utc, c.not_valid_after_utc, None, CRED.cert_pem.decode())
    return StageContext("HOSO", "QD3176", "58001", NOW, (view,), facilities={"58001": "active"})


def _codes(xml1_changes: dict) -> list[str]:
    episode = generate(3, "58001", "kham")
    episode.tables["XML1"][0].update(xml1_changes)
    docs = episode.documents()
    outcome = evaluate(sign(envelope("58001", [docs]), CRED.key_pem, CRED.cert_pem), _ctx(), 10**8)
    return sorted(f.code for r in outcome.records for f in r.findings)


def test_rule_on_clean_fields_runs_beside_an_xsd_error():
    codes = _codes({"DIEN_THOAI": "x" * 40, "T_THUOC": "1"})      # too long + a wrong total
    assert "XSD-003" in codes and "XML1-SUM-01" in codes


def test_rule_reading_a_refused_field_is_held_back():
    # NGAY_VAO malformed: XSD-004, and no date rule judges the unreadable value (no noise, no crash)
    codes = _codes({"NGAY_VAO": "2026-03-02 07:30"})
    assert codes == ["XSD-004"]


def test_undecodable_table_holds_back_every_rule():
    episode = generate(3, "58001", "kham")
    docs = episode.documents()
    docs["XML2"] = b"not xml at all"
    outcome = evaluate(sign(envelope("58001", [docs]), CRED.key_pem, CRED.cert_pem), _ctx(), 10**8)
    assert sorted(f.code for r in outcome.records for f in r.findings) == ["ENV-003"]


def test_utf16_label_on_utf8_bytes_is_read_as_utf8_with_a_warning():
    """.NET XmlSerializer through a StringWriter writes encoding="utf-16" on what is then sent as UTF-8."""
    episode = generate(3, "58001", "kham")
    docs = {t: d.replace(b"encoding='utf-8'", b'encoding="utf-16"', 1) for t, d in episode.documents().items()}
    assert b'encoding="utf-16"' in docs["XML1"]
    signed = sign(envelope("58001", [docs]), CRED.key_pem, CRED.cert_pem, style="dotnet")
    mislabelled = signed.replace(b'encoding="utf-8"', b'encoding="utf-16"', 1)
    assert mislabelled != signed
    outcome = evaluate(mislabelled, _ctx(), 10**8)
    assert [f.code for f in outcome.findings] == ["ENC-001"] and outcome.findings[0].severity == "CANH_BAO"
    assert outcome.records[0].valid and {f.code for f in outcome.records[0].findings} == {"ENC-001"}

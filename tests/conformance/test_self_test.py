"""Self-test of the harness: the reference HIS, talking HTTP to a running sandbox, passes every check and
is certified; each defective variant fails exactly the checks listed for its defect (README table)."""

import io
import subprocess
from xml.etree import ElementTree as ET

import httpx
import pytest

from conformance.reference_his import COMBINATIONS, DEFECTS, ReferenceHis, expected_failures
from conformance.suite import SUITE
from sandbox import admin
from tests.plugins.gateway import PASSWORD
from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow


@pytest.fixture
def live(ctx, database_url, credentials, tmp_path):
    admin.add_facility(ctx, "58001", "BVĐK tỉnh Ninh Thuận")
    admin.add_facility(ctx, "58002", "TTYT Ninh Hải")
    admin.add_account(ctx, "58001_BV", "58001", PASSWORD)
    admin.add_account(ctx, "58002_BV", "58002", PASSWORD)
    credential = credentials("58001")
    admin.add_certificate(ctx, "58001", credential.cert_pem)
    port = free_port()
    server = start_server(database_url, port, SANDBOX_ISSUER_DIR=str(tmp_path / "issuer"), SANDBOX_PUBLIC_URL="")
    try:
        yield f"http://127.0.0.1:{port}", credential, tmp_path / "issuer"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _his(base, credential, defects=()):
    return ReferenceHis(base, "58001_BV", PASSWORD, "58001", credential, defects=frozenset(defects))


def test_reference_his_passes_every_check_and_is_certified(live, ctx):
    base, credential, issuer_dir = live
    out = _his(base, credential).run_session()
    report = out["report"]
    assert {c["id"]: c["outcome"] for c in report["checks"] if c["outcome"] != "pass"} == {}
    assert report["outcome"] == "pass"
    assert report["suite"] == {"id": SUITE.id, "version": SUITE.version, "hash": SUITE.content_hash, "title": SUITE.title_vi}
    certificate = out["closed"]["certificate"]
    assert certificate and certificate["token"].count(".") == 2
    online = httpx.get(f"{base}/conformance/api/certificates/{certificate['id']}").json()
    assert online["hopLe"] is True and online["claims"]["software"]["name"] == "HIS tham chiếu"
    pdf = httpx.get(f"{base}/chung-nhan/{certificate['id']}.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert f"{base}/chung-nhan/{certificate['id']}" in text.replace("\n", "")   # the QR's link: this server's port
    page = httpx.get(f"{base}/chung-nhan/{certificate['id']}").text
    assert "HỢP LỆ" in page and "58001" in page
    tampered = certificate["token"][:-4] + ("AAAA" if not certificate["token"].endswith("AAAA") else "BBBB")
    assert httpx.post(f"{base}/conformance/api/certificates/verify", json={"token": tampered}).json()["hopLe"] is False
    from conformance import service
    service.revoke(ctx, certificate["id"], "phần mềm đã đổi phiên bản")
    revoked = httpx.get(f"{base}/conformance/api/certificates/{certificate['id']}").json()
    assert revoked["hopLe"] is False and "thu hồi" in revoked["lyDo"]
    assert "KHÔNG HỢP LỆ" in httpx.get(f"{base}/chung-nhan/{certificate['id']}").text


def test_reports_in_every_format_and_no_access_across_facilities(live):
    base, credential, _ = live
    his = _his(base, credential)
    out = his.run_session()
    session = out["session"]
    junit = httpx.get(f"{base}/conformance/api/sessions/{session}/report", params={"format": "junit"}, headers=his.headers)
    root = ET.fromstring(junit.content)
    assert sum(int(ts.get("tests")) for ts in root) == len(SUITE.checks)
    assert sum(int(ts.get("failures")) for ts in root) == 0
    from openpyxl import load_workbook
    xlsx = httpx.get(f"{base}/conformance/api/sessions/{session}/report", params={"format": "xlsx"}, headers=his.headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]]
    assert len(rows) == len(SUITE.checks) and {r[5] for r in rows} == {"Đạt"}
    html = httpx.get(f"{base}/conformance/api/sessions/{session}/report", params={"format": "html"}, headers=his.headers).text
    assert "Báo cáo kiểm tra" in html
    for episode_card in his.cards_seen:            # personal data is masked in the evidence
        assert episode_card not in html
    other = ReferenceHis(base, "58002_BV", PASSWORD, "58002", credential)
    other.take_token()
    foreign = httpx.get(f"{base}/conformance/api/sessions/{session}", headers=other.headers)
    assert foreign.status_code == 404 and foreign.json()["maLoi"] == "4041"


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defective_variant_fails_exactly_its_checks(live, defect):
    base, credential, _ = live
    out = _his(base, credential, {defect}).run_session()
    failing = {c["id"] for c in out["report"]["checks"] if c["outcome"] != "pass"}
    assert failing == expected_failures(defect, {c.id for c in SUITE.checks}), (defect, failing)
    assert out["closed"]["certificate"] is None


@pytest.mark.parametrize("variant", COMBINATIONS, ids="+".join)
def test_a_his_that_signs_anew_for_each_resend_is_judged_on_its_episodes(live, variant):
    """A .NET HIS writes a fresh signature Id on every send: its resend after 503 is the same content
    (the gateway's duplicate rule), so it is certified; the same HIS retrying a refused token is not."""
    base, credential, _ = live
    his = _his(base, credential, variant)
    out = his.run_session()
    failing = {c["id"] for c in out["report"]["checks"] if c["outcome"] != "pass"}
    assert failing == expected_failures(frozenset(variant), {c.id for c in SUITE.checks}), (variant, failing)
    assert (out["closed"]["certificate"] is not None) == (failing == set())


def test_every_conformance_answer_follows_its_typed_schema(live):
    """Each answer of the conformance API fits the schema openapi/conformance.yaml declares for it: sessions,
    progress (checks[].outcome), attestations, close with its certificate, verdicts, and the refusals."""
    from tests.plugins.openapi import assert_follows
    base, credential, _ = live
    api = f"{base}/conformance/api"
    his = _his(base, credential)
    out = his.run_session()
    session, certificate = out["session"], out["closed"]["certificate"]
    check = lambda path, method, response: assert_follows("conformance.yaml", path, method, response)  # noqa: E731
    check("/sessions", "get", httpx.get(f"{api}/sessions", headers=his.headers))
    check("/sessions/{session_id}", "get", httpx.get(f"{api}/sessions/{session}", headers=his.headers))
    check("/sessions/{session_id}/report", "get", httpx.get(f"{api}/sessions/{session}/report", headers=his.headers))
    check("/sessions/{session_id}/close", "post", httpx.post(f"{api}/sessions/{session}/close", headers=his.headers))
    check("/certificates/{certificate_id}", "get", httpx.get(f"{api}/certificates/{certificate['id']}"))
    check("/certificates/verify", "post", httpx.post(f"{api}/certificates/verify", json={"token": certificate["token"]}))
    check("/certificates/verify", "post", httpx.post(f"{api}/certificates/verify", json={"token": "a.b.c"}))
    check("/certificates/{certificate_id}", "get", httpx.get(f"{api}/certificates/nope"))
    opened = httpx.post(f"{api}/sessions", headers=his.headers, json={"software": "HIS", "vendor": "V", "version": "1"})
    assert opened.status_code == 201
    check("/sessions", "post", opened)
    fresh = opened.json()["id"]
    progress = httpx.get(f"{api}/sessions/{fresh}", headers=his.headers)
    check("/sessions/{session_id}", "get", progress)
    assert {c["outcome"] for c in progress.json()["checks"]} <= {"pass", "fail", "skip", "omit", "error"}
    check("/sessions/{session_id}/attestations", "post", httpx.post(
        f"{api}/sessions/{fresh}/attestations", headers=his.headers,
        json={"checkId": "HIS-ATT-01", "attestedBy": "Trưởng phòng CNTT", "statement": "có đầu đọc"}))
    check("/sessions/{session_id}/attestations", "post", httpx.post(
        f"{api}/sessions/{fresh}/attestations", headers=his.headers,
        json={"checkId": "HIS-FORM-01", "attestedBy": "x", "statement": "y"}))
    closed = httpx.post(f"{api}/sessions/{fresh}/close", headers=his.headers)
    check("/sessions/{session_id}/close", "post", closed)
    assert closed.json()["certificate"] is None
    check("/sessions", "get", httpx.get(f"{api}/sessions"))

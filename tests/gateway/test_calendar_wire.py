"""The regulation calendar on the wire: findings name the document they were judged by and their TT 12/2026
feedback class, the result says by when the real gateway answers, results are kept 60 days, unsigned data is
refused citing NĐ 188; the page, API and CLI list the documents in force on any date."""

import json
import subprocess
import sys

from sandbox import admin
from tests.plugins.gateway import episode_envelope


def test_findings_carry_their_document_and_feedback_class(his):
    from fixtures.envelope import envelope
    from fixtures.generator import generate
    episode = generate(9, "58001", "kham")
    episode.tables["XML1"][0]["T_THUOC"] = "1"                 # a summary/detail mismatch
    episode.tables["XML1"][0]["MA_LOAI_KCB"] = "99"            # a code in no list
    result = his.submit_ok(envelope("58001", [episode.documents()]))
    found = {e["maLoi"]: e for h in result["dsHoSo"] for e in h["dsLoi"]}
    assert found["XML1-SUM-01"]["nhomPhanHoi"] == "mismatch" and found["XML1-CODE-01"]["nhomPhanHoi"] == "format"
    classes = {f["nhom"]: f for f in result["phanHoiTuDong"]}
    assert set(classes) == {"format", "mismatch"}
    assert classes["format"]["chamNhat"] < classes["mismatch"]["chamNhat"]            # 24 h before 48 h
    assert classes["mismatch"]["canCu"] == "TT 12/2026/TT-BTC"


def test_unsigned_data_is_refused_citing_nd_188(make_his):
    unsigned = make_his("58003").login()
    result = unsigned.submit_ok(episode_envelope("58003"), sign=False)
    [sig] = [e for h in result["dsHoSo"] for e in h["dsLoi"] if e["maLoi"] == "SIG-001"] or \
        [e for e in result["dsLoi"] if e["maLoi"] == "SIG-001"]
    assert sig["canCu"] == "188/2025/NĐ-CP Đ69 k9" and "NĐ 188/2025" in sig["moTaLoi"]


def test_results_are_kept_sixty_days(ctx, his):
    result = his.submit_ok(episode_envelope("58001", seed=11))
    admin.set_clock(ctx, "+59d")
    his.login()
    assert his.result(result["maGiaoDich"]).json()["trangThai"] == "DA_XU_LY"
    admin.set_clock(ctx, "+61d")
    his.login()
    old = his.result(result["maGiaoDich"]).json()
    assert old["maLoi"] == "4041" and "60 ngày" in old["thongDiep"]


def test_the_page_api_and_cli_list_the_documents_in_force(client):
    today = client.get("/api/sandbox/van-ban").json()
    assert "QD1804-2026" in {d["id"] for d in today["vanBan"]}
    may = client.get("/api/sandbox/van-ban", params={"ngay": "2026-05-01"}).json()
    assert "QD1804-2026" not in {d["id"] for d in may["vanBan"]}
    rehearsal = client.get("/api/sandbox/van-ban", params={"ngay": "2027-01-01", "dienTap": "true"}).json()
    draft = next(d for d in rehearsal["vanBan"] if d["id"] == "TT48-DRAFT-2027")
    assert draft["trangThai"] == "draft" and draft["quyTac"] == ["XML1-TIME-01"]
    far = client.get("/api/sandbox/van-ban", params={"ngay": "2031-01-01"})
    assert far.status_code == 400 and "31/12/2027" in far.json()["thongDiep"]
    page = client.get("/van-ban", params={"ngay": "2026-08-01"})
    assert page.status_code == 200 and "1804/QĐ-BYT" in page.text and "Văn bản áp dụng ngày 01/08/2026" in page.text
    assert client.get("/van-ban", params={"ngay": "2031-01-01"}).status_code == 400
    cli = subprocess.run([sys.executable, "-m", "sandbox.cli", "rules", "--as-of", "2027-01-01", "--json"],
                         capture_output=True, text=True, check=True)
    assert "TT48-DRAFT-2027" in {d["id"] for d in json.loads(cli.stdout)["vanBan"]}
    refused = subprocess.run([sys.executable, "-m", "sandbox.cli", "rules", "--as-of", "2031-01-01"],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "31/12/2027" in refused.stderr


def test_an_account_rehearses_a_later_date(ctx, his, client):
    """The draft of the TT 48 replacement (3 hours) is off; an account rehearsing 2027-01-01 meets it."""
    from fixtures.envelope import envelope
    from fixtures.generator import generate
    episode = lambda seed: envelope("58001", [generate(seed, "58001", "kham").documents()])  # noqa: E731
    codes = lambda result: {e["maLoi"] for h in result["dsHoSo"] for e in h["dsLoi"]}       # noqa: E731
    assert "XML1-TIME-01" not in codes(his.submit_ok(episode(21)))
    headers = {"X-Admin-Token": ctx.settings.admin_token}
    updated = client.patch(f"/admin/api/accounts/{his.username}", json={"rehearseAsOf": "2027-01-01"}, headers=headers)
    assert updated.status_code == 200 and updated.json()["rehearseAsOf"] == "2027-01-01"
    late = [e for h in his.submit_ok(episode(22))["dsHoSo"] for e in h["dsLoi"] if e["maLoi"] == "XML1-TIME-01"]
    assert late and late[0]["mucDo"] == "CANH_BAO" and late[0]["nhomPhanHoi"] == "late"
    refused = client.patch(f"/admin/api/accounts/{his.username}", json={"rehearseAsOf": "2035-01-01"}, headers=headers)
    assert refused.status_code in (400, 422) and "31/12/2027" in refused.text
    client.patch(f"/admin/api/accounts/{his.username}", json={"rehearseAsOf": None}, headers=headers)
    assert "XML1-TIME-01" not in codes(his.submit_ok(episode(23)))

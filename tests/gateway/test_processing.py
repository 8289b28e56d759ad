"""Durable processing: verdicts, MA_LK replacement vs duplicate, recovery after failures."""

import pytest
from sqlalchemy import select

from fixtures.envelope import envelope, row_document
from fixtures.generator import generate
from sandbox.pipeline import runner, service
from sandbox.storage.models import Episode, Submission
from sandbox.storage.submissions import episode_history
from tests.plugins.gateway import checkin_document, episode_envelope


def test_accepted_envelope_result(his):
    result = his.submit_ok(episode_envelope())
    assert result["trangThai"] == "DA_XU_LY" and result["thoiGianXuLy"]
    assert result["dsLoi"] == []
    [hoso] = result["dsHoSo"]
    assert hoso["trangThai"] == "HOP_LE" and hoso["xuLy"] == "new" and hoso["dsLoi"] == []


def test_several_hoso_in_one_envelope(his):
    docs = [generate(i, "58001", form).documents() for i, form in enumerate(["kham", "noi_tru", "linh_thuoc"])]
    result = his.submit_ok(envelope("58001", docs))
    assert [h["trangThai"] for h in result["dsHoSo"]] == ["HOP_LE"] * 3
    assert len({h["maLk"] for h in result["dsHoSo"]}) == 3


def test_hoso_without_xml1_is_rejected_with_location(his):
    docs = generate(1, "58001", "kham").documents()
    docs.pop("XML1")
    result = his.submit_ok(envelope("58001", [docs]))
    [hoso] = result["dsHoSo"]
    assert hoso["trangThai"] == "KHONG_HOP_LE"
    [err] = [e for e in hoso["dsLoi"] if e["maLoi"] == "ENV-002"]
    assert err["mucDo"] == "LOI" and err["viTri"].endswith("HOSO[1]") and err["dong"]
    assert "XML1" in err["moTaLoi"]


def test_undecodable_noidungfile_is_reported(his):
    payload = envelope("58001", [generate(1, "58001", "kham").documents()]).replace(
        b"<NOIDUNGFILE>", b"<NOIDUNGFILE>@@", 1)
    [hoso] = his.submit_ok(payload)["dsHoSo"]
    codes = {e["maLoi"] for e in hoso["dsLoi"]}
    assert "ENV-003" in codes and hoso["trangThai"] == "KHONG_HOP_LE"


def test_empty_envelope(his):
    result = his.submit_ok(envelope("58001", []))
    assert [e["maLoi"] for e in result["dsLoi"]] == ["ENV-001"]


def test_same_ma_lk_replaces_and_keeps_history(ctx, his):
    first = generate(1, "58001", "kham")
    again = generate(2, "58001", "kham", ma_lk=first.ma_lk)  # corrected episode, same MA_LK
    r1 = his.submit_ok(envelope("58001", [first.documents()]))
    r2 = his.submit_ok(envelope("58001", [again.documents()]))
    assert r1["dsHoSo"][0]["xuLy"] == "new"
    hoso = r2["dsHoSo"][0]
    assert hoso["xuLy"] == "replacement" and hoso["trangThai"] == "HOP_LE"
    [note] = [e for e in hoso["dsLoi"] if e["maLoi"] == "REP-001"]
    assert note["mucDo"] == "CANH_BAO" and r1["maGiaoDich"] in note["moTaLoi"]
    with ctx.db.read() as s:
        history = episode_history(s, "58001", first.ma_lk)
        assert [(e.version, e.is_current, e.replaced_at is not None) for e in history] == [(1, False, True), (2, True, False)]


def test_identical_resubmission_is_a_duplicate(ctx, his):
    payload = episode_envelope()
    r1 = his.submit_ok(payload)
    r2 = his.submit_ok(payload)
    assert r1["maGiaoDich"] != r2["maGiaoDich"]
    hoso = r2["dsHoSo"][0]
    assert hoso["xuLy"] == "duplicate" and hoso["trangThai"] == "HOP_LE"
    assert [e["maLoi"] for e in hoso["dsLoi"]] == ["DUP-001"]
    with ctx.db.read() as s:
        history = episode_history(s, "58001", hoso["maLk"])
        assert [(e.version, e.is_current, e.disposition) for e in history] == [(1, True, "new"), (0, False, "duplicate")]


def test_invalid_resubmission_does_not_replace_the_accepted_episode(ctx, his):
    good = generate(1, "58001", "kham")
    his.submit_ok(envelope("58001", [good.documents()]))
    bad_docs = generate(2, "58001", "kham", ma_lk=good.ma_lk).documents()
    bad_docs["XML2"] = b"\xff\xfe"  # not decodable as XML
    result = his.submit_ok(envelope("58001", [bad_docs]))
    assert result["dsHoSo"][0]["trangThai"] == "KHONG_HOP_LE"
    with ctx.db.read() as s:
        current = s.scalars(select(Episode).where(Episode.ma_lk == good.ma_lk, Episode.is_current)).all()
        assert len(current) == 1 and current[0].version == 1


def test_same_ma_lk_at_another_facility_is_independent(ctx, his, make_his):
    other = make_his("58002").login()
    a = generate(1, "58001", "kham", ma_lk="LK-SHARED-1")
    b = generate(1, "58002", "kham", ma_lk="LK-SHARED-1")
    his.submit_ok(envelope("58001", [a.documents()]))
    assert other.submit_ok(envelope("58002", [b.documents()]))["dsHoSo"][0]["xuLy"] == "new"


def test_results_of_another_facility_are_not_visible(his, make_his):
    other = make_his("58002").login()
    transaction = his.submit_ok(episode_envelope())["maGiaoDich"]
    response = other.result(transaction)
    assert response.status_code == 200 and response.json()["maLoi"] == "4041"
    unknown = his.result("NO-SUCH-ID")
    assert unknown.status_code == 200 and unknown.json()["maLoi"] == "4041"


def test_result_needs_a_token(his):
    transaction = his.submit_ok(episode_envelope())["maGiaoDich"]
    response = his.client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": transaction})
    assert response.json()["maLoi"] == "4011"


@pytest.mark.parametrize("endpoint", ["checkInKcbQd130", "checkInKcbQd4750", "checkInKcbQd3176"])
def test_checkin_is_received_and_processed(his, endpoint):
    profile = "QD" + endpoint[-4:].replace("d130", "130").lstrip("d")
    response = his.submit(checkin_document(ma_lk="LK-CHECKIN-1", profile=profile), endpoint=endpoint, loaiHoSo="0")
    assert response.json()["maKetQua"] == "200"
    result = his.result(response.json()["maGiaoDich"]).json()
    assert result["trangThai"] == "DA_XU_LY"
    assert [(h["maLk"], h["trangThai"]) for h in result["dsHoSo"]] == [("LK-CHECKIN-1", "HOP_LE")]


def test_xml12_is_received(his):
    doc = row_document("XML12", [XML12_ROW])
    response = his.submit(doc, endpoint="guiDuLieuGdykQd130", loaiHoSo="12")
    assert response.json()["maKetQua"] == "200"
    result = his.result(response.json()["maGiaoDich"]).json()
    assert result["trangThai"] == "DA_XU_LY" and result["dsLoi"] == []
    assert [h["trangThai"] for h in result["dsHoSo"]] == ["HOP_LE"]


XML12_ROW = {
    "NGUOI_CHU_TRI": "BS. Trần Văn Bình", "CHUC_VU": 1, "NGAY_HOP": "20261120", "HO_TEN": "Lê Thị Hoa",
    "NGAY_SINH": "19800512", "SO_CCCD": "058180000002", "NGAY_CAP_CCCD": "20210601", "NOI_CAP_CCCD": "Cục CS QLHC về TTXH",
    "DIA_CHI": "Phan Rang, Ninh Thuận", "MATINH_CU_TRU": "58", "MAHUYEN_CU_TRU": "582", "MAXA_CU_TRU": "22813",
    "MA_BHXH": "5812345678", "DIEN_THOAI": "0912345678", "MA_DOI_TUONG": "1", "KHAM_GIAM_DINH": 1,
    "SO_BIEN_BAN": "BB-01", "DANG_HUONG_CHE_DO": "1", "NGAY_CHUNG_TU": "20261120", "SO_GIAY_GIOI_THIEU": "GT-01",
    "NGAY_DE_NGHI": "20261110", "MA_DONVI": "58001", "GIOI_THIEU_CUA": "BVĐK tỉnh", "KET_QUA_KHAM": "Ổn định",
    "SO_VAN_BAN_CAN_CU": "TT 56/2017", "TYLE_TTCT_MOI": 21, "TONG_TYLE_TTCT": 21, "DE_NGHI": "Không",
    "DUOC_XACDINH": "Tỷ lệ 21%"}


@pytest.mark.parametrize("endpoint", ["guiHoSoXmlQD130", "guiHoSoXmlQD4750", "guiHoSoXmlQD3176"])
def test_every_hoso_endpoint_records_its_profile(ctx, his, endpoint):
    profile = "QD" + endpoint.split("QD")[-1]
    response = his.submit(episode_envelope(profile=profile), endpoint=endpoint)
    assert his.result(response.json()["maGiaoDich"]).json()["dsHoSo"][0]["trangThai"] == "HOP_LE"
    expected = {"guiHoSoXmlQD130": "QD130", "guiHoSoXmlQD4750": "QD4750", "guiHoSoXmlQD3176": "QD3176"}
    with ctx.db.read() as s:
        sub = s.get(Submission, response.json()["maGiaoDich"])
        assert (sub.endpoint, sub.profile, sub.kind) == (endpoint, expected[endpoint], "HOSO")


def test_failure_after_acknowledgement_loses_nothing(ctx, his, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("simulated crash in a pipeline stage")
    monkeypatch.setattr(service, "evaluate", explode)
    response = his.submit(episode_envelope())
    assert response.status_code == 200 and response.json()["maKetQua"] == "200"
    transaction = response.json()["maGiaoDich"]
    pending = his.result(transaction).json()
    assert pending["trangThai"] == "DA_TIEP_NHAN" and pending["dsHoSo"] == []
    monkeypatch.setattr(service, "evaluate", runner.evaluate)  # "restart" with a working pipeline
    assert service.process_pending(ctx) == 1
    done = his.result(transaction).json()
    assert done["trangThai"] == "DA_XU_LY" and done["dsHoSo"][0]["trangThai"] == "HOP_LE"


def test_stale_claim_is_taken_over(ctx, his, monkeypatch):
    from sandbox.storage import submissions as repo

    def claim_then_die(context, submission_id):  # the process dies right after claiming
        with context.db.session() as s:
            repo.claim(s, submission_id, context.clock.now(), 0)
    original = service.process_submission
    monkeypatch.setattr(service, "process_submission", claim_then_die)
    transaction = his.submit(episode_envelope()).json()["maGiaoDich"]
    assert his.result(transaction).json()["trangThai"] == "DANG_XU_LY"
    monkeypatch.setattr(service, "process_submission", original)
    fresh = ctx.__class__(ctx.settings.replace(stale_claim_seconds=3600), ctx.db, ctx.clock)
    assert service.process_pending(fresh) == 0  # claim still fresh: left to its owner
    stale = ctx.__class__(ctx.settings.replace(stale_claim_seconds=0), ctx.db, ctx.clock)
    assert service.process_pending(stale) == 1
    assert his.result(transaction).json()["trangThai"] == "DA_XU_LY"
    with ctx.db.read() as s:
        assert s.get(Submission, transaction).attempts == 2
        assert repo.pending_ids(s, ctx.clock.now(), 0) == []


def test_repeated_failures_end_with_a_system_finding(ctx, his, monkeypatch):
    monkeypatch.setattr(service, "evaluate", lambda *a, **k: 1 / 0)
    transaction = his.submit(episode_envelope()).json()["maGiaoDich"]
    service.process_pending(ctx)
    result = his.result(transaction).json()
    assert result["trangThai"] == "DA_XU_LY"
    assert [e["maLoi"] for e in result["dsLoi"]] == ["SYS-001"]
    with ctx.db.read() as s:
        sub = s.get(Submission, transaction)
        assert sub.attempts == service.MAX_ATTEMPTS and sub.payload  # payload kept for a reprocess

"""The readiness board: figures per facility over the window, filters, certification states, the
grace period after certification, display compliance, and the province as the limit of what is seen."""

from datetime import timedelta

from conformance import service
from province import board, settings
from sandbox.storage.models import HealthBookEntry
from tests.province.helpers import PASSWORD, certify, episodes, province_user, seed


def _token(client):
    return {"Authorization": "Bearer " + client.post("/so-y-te/api/token", json={
        "username": "syt.ninhthuan", "password": PASSWORD}).json()["token"]}


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_counts_over_the_window_and_the_error_rate(ctx):
    seed(ctx)
    who = province_user(ctx)
    now = ctx.clock.now()
    episodes(ctx, "58001", 6, 2, at=now - timedelta(days=2))
    episodes(ctx, "58001", 50, 50, at=now - timedelta(days=40))     # outside the 30-day window
    rows, _ = board.rows(ctx, who)
    r = _row(rows, "58001")
    assert (r.accepted, r.rejected, r.error_rate) == (6, 2, 0.25)
    assert r.last_submission is not None and r.accounts == ["58001_BV"]
    settings.update(ctx, "56", window_days=60)
    r = _row(board.rows(ctx, who)[0], "58001")
    assert (r.accepted, r.rejected) == (56, 52)
    assert len(rows) == 79 and "62001" not in {x.code for x in rows}


def test_filters_by_commune_former_province_district_search_and_certification(ctx):
    seed(ctx)
    who = province_user(ctx)
    certify(ctx, "58002")
    ninh_phuoc = board.rows(ctx, who, district="587")[0]
    assert {r.code for r in ninh_phuoc} >= {"58002", "58058"} and all(r.district == "Huyện Ninh Phước" for r in ninh_phuoc)
    phan_rang = board.rows(ctx, who, commune="22759")[0]          # Phường Phan Rang (Kinh Dinh and others)
    assert {"58001", "58031"} <= {r.code for r in phan_rang} and {r.commune for r in phan_rang} == {"Phường Phan Rang"}
    assert len(board.rows(ctx, who, former="58")[0]) == 79 and board.rows(ctx, who, former="56")[0] == []
    r = _row(board.rows(ctx, who)[0], "58001")
    assert (r.commune_code, r.former_province) == ("22759", "Ninh Thuận")
    assert [r.code for r in board.rows(ctx, who, query="mắt")[0]] == ["58011"]
    assert [r.code for r in board.rows(ctx, who, certification="certified")[0]] == ["58002"]


def test_certification_states_none_open_certified_revoked_expired(ctx):
    seed(ctx)
    who = province_user(ctx)
    service.open_session(ctx, "58002", "58002_BV", "HIS", "A", "1", "QD3176")
    revoked = certify(ctx, "58005")
    service.revoke(ctx, revoked, "phần mềm đổi phiên bản")
    certify(ctx, "58001")
    rows = board.rows(ctx, who)[0]
    assert [_row(rows, c).certification for c in ("58004", "58002", "58001", "58005")] == \
        ["none", "open", "certified", "revoked"]
    ctx.clock.set_offset(timedelta(days=400))
    assert _row(board.rows(ctx, who)[0], "58001").certification == "expired"


def test_grace_period_counts_only_after_certification_and_flags_a_fall_back(ctx):
    seed(ctx)
    who = province_user(ctx)
    now = ctx.clock.now()
    settings.update(ctx, "56", grace_days=7, grace_threshold=0.10)
    episodes(ctx, "58001", 0, 30, at=now - timedelta(days=3))        # before the certificate: not counted
    certify(ctx, "58001", when=now - timedelta(days=2))
    episodes(ctx, "58001", 19, 1, at=now - timedelta(days=1))
    grace = _row(board.rows(ctx, who)[0], "58001").grace
    assert grace["episodes"] == 20 and grace["errorRate"] == 0.05 and not grace["fellBack"]
    episodes(ctx, "58001", 0, 5, at=now)
    grace = _row(board.rows(ctx, who)[0], "58001").grace
    assert grace["fellBack"] and grace["errorRate"] == 0.24
    assert board.summary(board.rows(ctx, who)[0])["fellBack"] == 1


def test_display_compliance_counts_late_and_overdue_entries(ctx):
    seed(ctx)
    who = province_user(ctx)
    now = ctx.clock.now()
    episodes(ctx, "58001", 4, 0, at=now - timedelta(days=3))
    with ctx.db.session() as s:
        rows = list(s.query(HealthBookEntry))
        from sandbox.storage.models import Episode
        for i, ep in enumerate(s.query(Episode).filter(Episode.facility_code == "58001")):
            delay = [timedelta(hours=1), timedelta(hours=30), timedelta(hours=80), timedelta(hours=2)][i]
            s.add(HealthBookEntry(episode_id=ep.id, submission_id=ep.submission_id, personal_id="", facility_code="58001",
                                  ma_lk=ep.ma_lk, year=2026, admitted_at="202611280800", received_at=ep.created_at,
                                  visible_at=ep.created_at + delay, delay_seconds=int(delay.total_seconds()), data={}))
    assert rows == []
    r = _row(board.rows(ctx, who)[0], "58001")
    assert (r.shown, r.shown_late, r.overdue) == (3, 1, 1)       # 80 h: not visible yet, overdue
    assert r.display_ok == 0.5
    assert dict(board.display_delays(board.rows(ctx, who)[0])) == {"Dưới 1 giờ": 1, "1–6 giờ": 1, "6–24 giờ": 0, "Quá 24 giờ": 1,
                                                    "Chưa hiển thị": 1}


def test_rejection_causes_and_charts_on_the_page(client, ctx):
    seed(ctx)
    province_user(ctx)
    episodes(ctx, "58001", 1, 3, code="XSD-001")
    episodes(ctx, "58002", 0, 1, code="SIG-001")
    who = province_user(ctx, username="bhxh.nt", organisation="BHXH")
    assert board.rejection_causes(ctx, who) == [("XSD-001", 3), ("SIG-001", 1)]
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    page = client.get("/so-y-te/bang")
    assert page.text.count("<svg") == 4 and "XSD-001" in page.text and "Bệnh viện Mắt" in page.text
    assert "Tiến độ tích hợp" in page.text and "Xã Bác Ái Đông" in page.text and "Ninh Thuận cũ" in page.text
    assert "<th>Huyện" not in page.text and "<td>Huyện" not in page.text   # no abolished district on today's board


def test_another_province_is_refused_everywhere(client, ctx):
    seed(ctx)
    province_user(ctx)
    h = _token(client)
    assert client.get("/so-y-te/api/facilities/62001", headers=h).json()["maLoi"] == "4204"
    assert client.post("/so-y-te/api/facilities/62001/sign-off", headers=h, json={"decision": "refused",
                                                                                  "reason": "x"}).json()["maLoi"] == "4204"
    assert client.put("/so-y-te/api/periodic/2026-H2/notes", headers=h, json={"facility": "62001",
                                                                              "difficulties": "x"}).json()["maLoi"] == "4204"
    board_codes = {f["code"] for f in client.get("/so-y-te/api/board", headers=h).json()["facilities"]}
    assert "62001" not in board_codes and len(board_codes) == 79
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": PASSWORD})
    page = client.get("/so-y-te/co-so/62001")
    assert page.status_code == 403 and "không thuộc tỉnh bạn quản lý" in page.text
    assert client.get("/so-y-te/co-so/62001.xlsx").status_code == 404


def test_the_pipeline_records_what_the_board_counts(his, ctx):
    """Real submissions: the form of care and card of an accepted episode, the first error of a rejected one."""
    from fixtures.envelope import envelope
    from fixtures.generator import generate
    from sandbox.storage.models import Episode
    accepted = generate(7, "58001", "noi_tru").documents()
    broken = generate(8, "58001", "kham").documents()
    broken.pop("XML1")
    result = his.submit_ok(envelope("58001", [accepted, broken]))
    assert [h["trangThai"] for h in result["dsHoSo"]] == ["HOP_LE", "KHONG_HOP_LE"]
    with ctx.db.read() as s:
        ok, bad = s.query(Episode).order_by(Episode.position).all()
    assert (ok.ma_loai_kcb, ok.error_code, bool(ok.card_number)) == ("03", "", True)
    assert bad.error_code == "ENV-002"
    who = province_user(ctx)
    assert board.rejection_causes(ctx, who) == [("ENV-002", 1)]

"""A worker's batch stored in bulk (storage/submissions.save_outcomes): the same verdicts as one by one —
replacement and duplicates decided in order when an MA_LK comes twice in one batch or one envelope, one
current version per MA_LK, the Sổ SKĐT entry only of the current one — and a taken-over claim's verdict
never stored."""

from sqlalchemy import select, update

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.pipeline import service
from sandbox.storage import submissions as repo
from sandbox.storage.models import Episode, HealthBookEntry, Submission


def acknowledged_only(monkeypatch):
    """Submissions are acknowledged (stored, DA_TIEP_NHAN) and left for a worker's batch."""
    monkeypatch.setattr(service, "process_submission", lambda *a, **k: False)


def claim_all(ctx, token="batch:1"):
    with ctx.db.session() as s:
        return repo.claim_batch(s, ctx.clock.now(), 600, token, 100)


def spy_on_storing(monkeypatch) -> list[int]:
    """How many verdicts each call of save_outcomes stored (a call that raised is not counted)."""
    original, stored = repo.save_outcomes, []

    def counted(s, verdicts, *args, **kw):
        original(s, verdicts, *args, **kw)
        s.flush()
        stored.append(len(verdicts))
    monkeypatch.setattr(repo, "save_outcomes", counted)
    return stored


def test_a_batch_decides_repeated_ma_lk_in_order(ctx, his, monkeypatch):
    acknowledged_only(monkeypatch)
    a, b, c = (generate(i, "58001", "kham") for i in (1, 2, 3))
    a2 = generate(4, "58001", "kham", ma_lk=a.ma_lk)          # a corrected A
    c2 = generate(5, "58001", "kham", ma_lk=c.ma_lk)
    a3 = generate(6, "58001", "kham", ma_lk=a.ma_lk)
    broken = generate(7, "58001", "kham", ma_lk=b.ma_lk).documents()
    broken.pop("XML1")                                         # refused: replaces nothing
    sent = [envelope("58001", [a.documents()]), envelope("58001", [b.documents()]),
            envelope("58001", [a2.documents()]), envelope("58001", [b.documents()]),      # B again: a duplicate
            envelope("58001", [c.documents(), c2.documents()]),      # C twice in one envelope: refused (STR-005)
            envelope("58001", [broken]), envelope("58001", [c.documents()]), envelope("58001", [a3.documents()]),
            envelope("58001", [c2.documents()])]
    ids = [his.submit_ok(payload)["maGiaoDich"] for payload in sent]
    claimed = claim_all(ctx)
    assert sorted(claimed) == sorted(ids)
    stored_together = spy_on_storing(monkeypatch)
    assert service.process_batch(ctx, claimed, "batch:1") == len(ids)
    assert stored_together == [len(ids)]           # in one transaction, not after falling back to one by one

    results = [his.result(i).json() for i in ids]
    assert [[(h["xuLy"], h["trangThai"]) for h in r["dsHoSo"]] for r in results] == [
        [("new", "HOP_LE")], [("new", "HOP_LE")], [("replacement", "HOP_LE")], [("duplicate", "HOP_LE")],
        [("rejected", "KHONG_HOP_LE")] * 2, [("rejected", "KHONG_HOP_LE")], [("new", "HOP_LE")],
        [("replacement", "HOP_LE")], [("replacement", "HOP_LE")]]
    [dup] = [e for e in results[3]["dsHoSo"][0]["dsLoi"] if e["maLoi"] == "DUP-001"]
    assert ids[1] in dup["moTaLoi"]
    [rep] = [e for e in results[7]["dsHoSo"][0]["dsLoi"] if e["maLoi"] == "REP-001"]
    assert ids[2] in rep["moTaLoi"]                            # A3 replaces A2, which replaced A
    with ctx.db.read() as s:
        history = repo.episode_history(s, "58001", a.ma_lk)
        assert [(e.submission_id, e.version, e.is_current) for e in history] == [
            (ids[0], 1, False), (ids[2], 2, False), (ids[7], 3, True)]
        assert [(e.submission_id, e.version, e.is_current) for e in repo.episode_history(s, "58001", c.ma_lk)
                if e.status == "HOP_LE"] == [(ids[6], 1, False), (ids[8], 2, True)]
        current = s.execute(select(Episode.ma_lk).where(Episode.facility_code == "58001", Episode.is_current)).scalars()
        assert sorted(current) == sorted([a.ma_lk, b.ma_lk, c.ma_lk])
        book = s.execute(select(HealthBookEntry.submission_id, HealthBookEntry.ma_lk, HealthBookEntry.is_current)).all()
        assert sorted(x for x in book if x.is_current) == sorted(
            [(ids[7], a.ma_lk, True), (ids[1], b.ma_lk, True), (ids[8], c.ma_lk, True)])
        assert len(book) == 6                                  # A, B, A2, C, C2, A3: one entry per stored version
        assert {x.status for x in s.scalars(select(Submission))} == {"DA_XU_LY"}


def test_a_taken_over_claim_in_a_batch_is_not_stored(ctx, his, monkeypatch):
    acknowledged_only(monkeypatch)
    ids = [his.submit_ok(envelope("58001", [generate(i, "58001", "kham").documents()]))["maGiaoDich"]
           for i in range(3)]
    claimed = claim_all(ctx)
    with ctx.db.session() as s:     # presumed dead meanwhile: another worker holds the second one now
        s.execute(update(Submission).where(Submission.id == ids[1]).values(claimed_by="other:2"))
    assert service.process_batch(ctx, claimed, "batch:1") == 2
    with ctx.db.read() as s:
        assert [s.get(Submission, i).status for i in ids] == ["DA_XU_LY", "DANG_XU_LY", "DA_XU_LY"]
        assert s.scalars(select(Episode.submission_id).where(Episode.submission_id == ids[1])).all() == []


def test_a_batch_that_cannot_be_stored_together_is_stored_one_by_one(ctx, his, monkeypatch):
    acknowledged_only(monkeypatch)
    ids = [his.submit_ok(envelope("58001", [generate(i, "58001", "kham").documents()]))["maGiaoDich"]
           for i in range(3)]
    original, calls = repo.save_outcomes, []

    def together_fails(s, verdicts, *args, **kw):
        calls.append(len(verdicts))
        if len(verdicts) > 1:
            raise RuntimeError("the batch's transaction failed")
        return original(s, verdicts, *args, **kw)
    monkeypatch.setattr(repo, "save_outcomes", together_fails)
    assert service.process_batch(ctx, claim_all(ctx), "batch:1") == 3
    assert calls == [3, 1, 1, 1]
    assert [his.result(i).json()["dsHoSo"][0]["xuLy"] for i in ids] == ["new"] * 3


def test_the_heartbeat_renews_only_the_claims_still_held_under_their_token(ctx, his, monkeypatch):
    from datetime import timedelta
    from sandbox.clock import as_utc
    acknowledged_only(monkeypatch)
    ids = [his.submit_ok(envelope("58001", [generate(i, "58001", "kham").documents()]))["maGiaoDich"]
           for i in range(3)]
    claim_all(ctx)
    with ctx.db.session() as s:
        s.execute(update(Submission).where(Submission.id == ids[2]).values(claimed_by="other:2"))
    later = ctx.clock.now() + timedelta(minutes=5)
    with ctx.db.session() as s:                      # one statement for the batch's token
        repo.renew(s, [(ids[0], "batch:1"), (ids[1], "batch:1"), (ids[2], "batch:1")], later)
    with ctx.db.read() as s:
        renewed = [as_utc(s.get(Submission, i).claimed_at) >= later - timedelta(seconds=1) for i in ids]
    assert renewed == [True, True, False]

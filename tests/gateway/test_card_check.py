"""POST /api/egw/KQNhanLichSuKCB2024: every result code from the registry, history and check log."""

from datetime import date

import pytest

from demo.population import load_population, population
from fixtures.envelope import envelope
from fixtures.generator import generate
from fixtures.identity import Person

CASES = population(date.today())[2]
URL = "/api/egw/KQNhanLichSuKCB2024"


def body(case):
    return {"maThe": case.ma_the, "hoTen": case.ho_ten, "ngaySinh": case.ngay_sinh,
            "hoTenCb": case.ho_ten_cb, "cccdCb": case.cccd_cb}


@pytest.fixture
def checker(ctx, his):
    load_population(ctx, ("58001",))
    return his


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.ma_the}" for c in CASES])
def test_every_code(checker, case):
    response = checker.client.post(URL, json=body(case), headers=checker.tokens)
    assert response.status_code == 200
    result = response.json()
    assert result["maKetQua"] == case.code, result
    assert result["ghiChu"]


def test_valid_card_answers_its_fields(checker):
    case = CASES[0]
    r = checker.client.post(URL, json=body(case), headers=checker.tokens).json()
    assert (r["maThe"], r["hoTen"], r["ngaySinh"], r["gioiTinh"], r["maSoBHXH"]) == (
        "DN4585800000001", "Trần Văn An", "01/02/1985", "Nam", "5800000001")
    assert r["gtTheTu"].startswith("01/01/") and r["gtTheDen"].startswith("31/12/")


def test_replaced_card_names_the_new_card(checker):
    case = next(c for c in CASES if c.code == "004")
    r = checker.client.post(URL, json=body(case), headers=checker.tokens).json()
    assert r["maTheCu"] == "HT3585800000005" and r["maTheMoi"] == "HT3585800000105" and r["gtTheDenMoi"]


def test_history_comes_from_accepted_episodes_and_checks_are_logged(checker):
    patient = Person("Trần Văn An", True, date(1985, 2, 1), "058085000001", "5800000001", "DN4585800000001", "58",
                     "Phan Rang", "0912000001")
    episode = generate(9, "58001", "noi_tru", patient=patient)
    checker.submit_ok(envelope("58001", [episode.documents()]))
    first = checker.client.post(URL, json=body(CASES[0]), headers=checker.tokens).json()
    assert first["dsLichSuKCB2018"] is None          # CV 2746: the history comes from Lskcb2025
    [visit] = _history_2025(checker, CASES[0])["dsLichSuKCB2025"]
    x1 = episode.tables["XML1"][0]
    assert (visit["maHoSo"], visit["maCSKCB"], visit["ngayVao"], visit["ngayRa"]) == (
        episode.ma_lk, "58001", x1["NGAY_VAO"], x1["NGAY_RA"])
    assert visit["tenBenh"] == x1["CHAN_DOAN_RV"] and visit["kqDieuTri"] == str(x1["KET_QUA_DTRI"])
    second = checker.client.post(URL, json=body(CASES[0]), headers=checker.tokens).json()
    assert len(second["dsLichSuKT2018"]) == 2
    assert second["dsLichSuKT2018"][0]["userKT"] == "58001_BV" and second["dsLichSuKT2018"][0]["maLoi"] == "000"


def _history_2025(checker, case, **fields):
    """Lskcb2025 as vendors' clients call it: the token in the query string, a form body."""
    params = {"token": checker.tokens["accessToken"], "id_token": checker.tokens["tokenId"],
              "username": checker.username, "password": checker.tokens["passwordHash"]}
    return checker.client.post("/api/egw/Lskcb2025", params=params, data={**body(case), **fields}).json()


def test_vendor_style_query_parameters(checker):
    params = {"token": checker.tokens["accessToken"], "id_token": checker.tokens["tokenId"],
              "username": checker.username, "password": checker.tokens["passwordHash"]}
    r = checker.client.post(URL, json=body(CASES[0]), params=params).json()
    assert r["maKetQua"] == "000"


def test_authentication_is_required(checker):
    r = checker.client.post(URL, json=body(CASES[0])).json()
    assert r["maKetQua"] == "401" and "token" in r["ghiChu"].lower()


def test_officer_of_another_facility_is_not_registered_here(ctx, make_his):
    make_his("58001")
    load_population(ctx, ("58001",))
    other = make_his("58002").login()
    r = other.client.post(URL, json=body(CASES[0]), headers=other.tokens).json()
    assert r["maKetQua"] == "054"


def test_birth_date_without_separators_as_in_the_official_example(checker):
    case = CASES[0]                     # born 01/02/1985
    for given in ("01021985", "01/02/1985", "1985"):
        r = checker.client.post(URL, json={**body(case), "ngaySinh": given}, headers=checker.tokens).json()
        assert r["maKetQua"] == "000", (given, r)
    wrong = checker.client.post(URL, json={**body(case), "ngaySinh": "02011985"}, headers=checker.tokens).json()
    assert wrong["maKetQua"] == "070"
    bad = checker.client.post(URL, json={**body(case), "ngaySinh": "1985-02-01"}, headers=checker.tokens).json()
    assert bad["maKetQua"] == "205"


@pytest.mark.parametrize("number,code", [("ZZ4589900000001", "051"),   # object code not in the list
                                         ("DN4999900000001", "052"),   # province 99 does not exist
                                         ("DN9589900000001", "053")])  # benefit level 9
def test_format_codes_come_from_the_card_number_alone(checker, number, code):
    """An unknown card with a wrong benefit code is 053, not 050: the number is judged before any look-up."""
    r = checker.client.post(URL, json={**body(CASES[0]), "maThe": number}, headers=checker.tokens).json()
    assert r["maKetQua"] == code, r


def test_history_finds_visits_under_an_earlier_card_of_the_same_bhxh_number(checker):
    """Cards change their object code (DN → HN …) but keep the 10-digit BHXH number: the history
    follows the number (an indexed column, not a LIKE '%…' scan), not the card's 15 characters."""
    earlier = Person("Trần Văn An", True, date(1985, 2, 1), "", "5800000001", "HN2585800000001", "58", "Phan Rang", "")
    episode = generate(11, "58001", "kham", patient=earlier)
    checker.submit_ok(envelope("58001", [episode.documents()]))
    [visit] = _history_2025(checker, CASES[0])["dsLichSuKCB2025"]
    assert visit["maHoSo"] == episode.ma_lk


def test_history_and_year_screen_queries_use_indexes(ctx):
    """EXPLAIN on each database: the card check's history and the VNeID year screen search indexes;
    neither scans its table."""
    from sqlalchemy import text
    from sandbox.card_check import history_query
    from sandbox.storage.models import Card
    card = Card(number="DN4585800000001", bhxh_number="5800000001", personal_id="058085000001")
    with ctx.db.read() as s:
        compiled = history_query(card).compile(ctx.db.engine, compile_kwargs={"literal_binds": True})
        if ctx.db.is_sqlite:
            plan = " | ".join(r[-1] for r in s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "SCAN episode" not in plan, plan
        else:
            s.execute(text("SET LOCAL enable_seqscan = off"))   # tiny tables: would an index be usable at all?
            plan = " | ".join(r[0] for r in s.execute(text(f"EXPLAIN {compiled}")))
            assert "Seq Scan" not in plan, plan


# sqlite_stat1 of the 1 M-entry benchmark, where most entries had no card: a card looked common, and the year
# screen's card branch took the province board's (facility, visible_at) index — every visible entry, 1.1 s a read
BENCH_STATS = [("ix_book_card_year", "1000120 500060 50006"), ("ix_book_facility_visible", "1000120 200024 200024 200024 200024"),
               ("ix_book_owner_year", "1000120 1 1 1"), ("ix_book_episode", "1000120 1000120")]


def test_year_screen_statements_search_by_owner_and_card_as_run(ctx):
    """The statements as the driver runs them (values bound, not written in: a planner that sees the date
    plans otherwise), on SQLite under the statistics of a large province: both ways search their index."""
    from sqlalchemy import text
    from sandbox.health_book.vneid import book_statement
    values = {"owner": "058085000001", "now": ctx.clock.now(), "year": 2026, "card0": "DN4585800000001",
              "card1": "HN2585800000001"}
    with ctx.db.engine.connect() as conn:
        if ctx.db.is_sqlite:
            conn.exec_driver_sql("ANALYZE")
            for index, stat in BENCH_STATS:
                conn.exec_driver_sql("INSERT OR REPLACE INTO sqlite_stat1 VALUES ('health_book_entry', ?, ?)", (index, stat))
            conn.exec_driver_sql("ANALYZE sqlite_schema")              # the planner reads the statistics again
        try:
            for what in ("years", "year"):
                for cards in (0, 1, 2):
                    prepared = book_statement(what, cards)
                    compiled = prepared._for(conn)
                    explain = "EXPLAIN QUERY PLAN " if ctx.db.is_sqlite else "EXPLAIN "
                    if not ctx.db.is_sqlite:
                        conn.exec_driver_sql("SET enable_seqscan = off")
                    rows = conn.exec_driver_sql(explain + compiled.sql, tuple(compiled.parameters(values))
                                                if compiled.names is not None else compiled.parameters(values)).all()
                    plan = " | ".join(str(r[-1]) for r in rows)
                    assert "SCAN health_book_entry" not in plan and "Seq Scan" not in plan, plan
                    assert "ix_book_facility_visible" not in plan, plan
                    assert ("ix_book_card_year" in plan) == bool(cards), plan
        finally:
            if ctx.db.is_sqlite:
                conn.exec_driver_sql("DELETE FROM sqlite_stat1")
                conn.exec_driver_sql("ANALYZE sqlite_schema")
            else:
                conn.exec_driver_sql("RESET enable_seqscan")
            conn.commit()


def test_a_connection_dropped_by_the_server_is_replaced_without_a_failed_look_up(ctx, checker):
    """The lookup pool does not ping each connection it hands out: when PostgreSQL has dropped them
    (a restart, an idle timeout), the first statement fails, the pool is invalidated and the look-up
    runs once more on a fresh connection — the caller sees an answer, not a 500."""
    if ctx.db.is_sqlite:
        pytest.skip("SQLite has no server to drop a connection")
    from sqlalchemy import text
    first = checker.client.post(URL, json=body(CASES[0]), headers=checker.tokens).json()
    assert first["maKetQua"] == CASES[0].code
    with ctx.db.engine.connect() as conn:   # every other backend of this database, the pooled ones too
        dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert dropped >= 1
    again = checker.client.post(URL, json=body(CASES[0]), headers=checker.tokens)
    assert again.status_code == 200 and again.json()["maKetQua"] == CASES[0].code
    assert len(again.json()["dsLichSuKT2018"]) == 2          # both checks logged, once each


def test_the_issuing_office_and_address_follow_the_units_of_the_day(checker):
    """A card issued by BHXH tỉnh Ninh Thuận before 01/07/2025 is answered, today, with the office and
    province of today's map (Ninh Thuận is part of Khánh Hòa); before the reform as it was."""
    r = checker.client.post(URL, json=body(CASES[0]), headers=checker.tokens).json()
    assert r["cqBHXH"] == "BHXH tỉnh Khánh Hòa" and r["diaChi"] == "Phan Rang - Tháp Chàm, Khánh Hòa"
    from sandbox.reference import units
    assert units.office_on("BHXH tỉnh Ninh Thuận", date(2025, 6, 30)) == "BHXH tỉnh Ninh Thuận"
    assert units.office_on("BHXH tỉnh Kon Tum", date(2025, 7, 1)) == "BHXH tỉnh Quảng Ngãi"
    assert units.office_on("BHXH thành phố Hà Nội", date(2026, 1, 1)) == "BHXH thành phố Hà Nội"
    assert units.address_on("Đắk Hà, Kon Tum", date(2025, 7, 1)) == "Đắk Hà, Quảng Ngãi"

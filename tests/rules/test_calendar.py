"""The regulation calendar drives the verdict: the same episode judged before and after a document's date
(MA_LOAI_KCB of QĐ 1804, ICD-10 of TT 06/2026, MUC_HUONG of QĐ 3276), a draft only when rehearsing, and a
date past what the calendar knows refused clearly."""

import copy
from datetime import date, datetime, timezone

import pytest

from fixtures.generator import generate
from sandbox.pipeline.rules import run_rules
from sandbox.pipeline.rules.view import EpisodeView
from sandbox.pipeline.stages import StageContext
from sandbox.reference import calendar

NOW = datetime.now(timezone.utc)


def _ctx(**kw):
    return StageContext("HOSO", "QD3176", "58001", NOW, facilities={"58001": "active"},
                        staff=frozenset({"000123/NT-CCHN", "000456/NT-CCHN", "000001/NT-CCHN"}),
                        departments=frozenset({"K01", "K02", "K19"}), **kw)


def _judged(ended: str, **changes):
    """Findings of one generated outpatient visit that ended on ``ended`` (yyyymmdd), with XML1 changes."""
    tables = copy.deepcopy(generate(3, "58001", "kham").tables)
    x = tables["XML1"][0]
    x.update(NGAY_VAO=ended + "0730", NGAY_RA=ended + "0930", **changes)
    for table in ("XML2", "XML3"):
        for row in tables.get(table, []):
            for name in ("NGAY_YL", "NGAY_TH_YL", "NGAY_KQ"):
                if row.get(name):
                    row[name] = ended + "0800"
    return run_rules(EpisodeView.from_rows("58001", tables), _ctx())


def _codes(findings, code):
    return [f for f in findings if f.code == code]


def test_ma_loai_kcb_of_qd_1804_is_refused_before_its_date_and_valid_after():
    [before] = _codes(_judged("20260501", MA_LOAI_KCB="15"), "XML1-CODE-01")
    assert before.severity == "LOI" and "15" in before.message_vi
    assert _codes(_judged("20260901", MA_LOAI_KCB="15"), "XML1-CODE-01") == []
    assert _codes(_judged("20260620", MA_LOAI_KCB="16"), "XML1-CODE-01") == []   # in force from its signing


def test_icd10_is_judged_by_the_list_in_force_on_ngay_ra():
    [before] = _codes(_judged("20260601", MA_BENH_CHINH="J18.99"), "XML1-ICD-01")
    [after] = _codes(_judged("20260801", MA_BENH_CHINH="J18.99"), "XML1-ICD-01")
    assert before.basis == "4469/QĐ-BYT" and after.basis == "06/2026/TT-BYT (ICD-10)"
    assert "TT 06/2026" in after.message_vi and "TT 06/2026" not in before.message_vi
    assert before.severity == after.severity == "CANH_BAO"


def test_muc_huong_of_the_50_percent_codes_from_1_july_2026():
    assert _codes(_judged("20260615", MA_DOITUONG_KCB="1.13"), "XML2-BEN-01") == []
    after = _codes(_judged("20260715", MA_DOITUONG_KCB="1.13"), "XML2-BEN-01")
    assert after and after[0].severity == "CANH_BAO" and after[0].basis == "3276/QĐ-BYT (mức hưởng 50 %) (UNCONFIRMED)"
    assert _codes(_judged("20260715", MA_DOITUONG_KCB="1.1"), "XML2-BEN-01") == []


def test_a_draft_applies_only_when_rehearsing():
    tables = generate(3, "58001", "kham").tables
    view = EpisodeView.from_rows("58001", tables)
    assert _codes(run_rules(view, _ctx()), "XML1-TIME-01") == []
    [late] = _codes(run_rules(view, _ctx(as_of=date(2027, 1, 1))), "XML1-TIME-01")
    assert late.severity == "CANH_BAO" and "3 giờ" in late.message_vi


def test_the_calendar_lists_what_is_in_force_and_refuses_an_unknown_future():
    ids = lambda day, **kw: {d.id for d in calendar.in_force(day, **kw)}   # noqa: E731
    assert "QD1804-2026" not in ids(date(2026, 5, 1)) and "QD1804-2026" in ids(date(2026, 12, 6))
    assert "TT48-DRAFT-2027" not in ids(date(2027, 2, 1)) and "TT48-DRAFT-2027" in ids(date(2027, 2, 1), rehearsing=True)
    assert "QD4469-2020" in ids(date(2026, 6, 30)) and "QD4469-2020" not in ids(date(2026, 7, 1))
    with pytest.raises(calendar.UnknownDate, match="2027"):
        calendar.in_force(date(2030, 1, 1))
    for doc in calendar.documents().values():     # every row says where it was read and what it does
        assert doc.source and doc.effect_vi and doc.effect_en and doc.confidence in calendar.CONFIDENCE_VI


def test_ma_khoa_takes_the_shape_of_qd_1804_from_its_date():
    """QĐ 1804's 61 MA_KHOA rows are not held: their shape is, from 19/06/2026 (a warning)."""
    assert _codes(_judged("20260501", MA_KHOA="KHOA1"), "DEPT-02") == []
    [odd] = _codes(_judged("20260901", MA_KHOA="KHOA1"), "DEPT-02")
    assert odd.severity == "CANH_BAO" and odd.basis.startswith("1804/QĐ-BYT")
    assert _codes(_judged("20260901", MA_KHOA="K16.1"), "DEPT-02") == []

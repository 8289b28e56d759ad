"""Each business rule: the generated episode passes it, and a targeted change makes it fire."""

import copy
from datetime import date, datetime, timezone

import pytest

from fixtures.generator import generate
from sandbox.pipeline.rules import RULES, run_rules
from sandbox.pipeline.rules.view import EpisodeView
from sandbox.pipeline.stages import StageContext

NOW = datetime.now(timezone.utc)


def ctx(**kw):
    base = dict(facilities={"58001": "active"}, staff=frozenset({"000123/NT-CCHN", "000456/NT-CCHN", "000001/NT-CCHN"}),
                departments=frozenset({"K01", "K02", "K19"}))
    base.update(kw)
    return StageContext("HOSO", "QD3176", "58001", NOW, **base)


def x1(t):
    return t["XML1"][0]


def setv(table, field, value, row=0):
    def apply(t):
        t[table][row][field] = value
    return apply


def both(*fns):
    def apply(t):
        for fn in fns:
            fn(t)
    return apply


def add_table(table, rows):
    def apply(t):
        t[table] = rows(t)
    return apply


def drop_table(table):
    def apply(t):
        t.pop(table, None)
    return apply


REFERRAL = dict(referral_to="58011")
# rule id -> (form, generate kwargs, breaker, context overrides)
BREAKERS = {
    "XML2-AMT-01": ("kham", {}, setv("XML2", "THANH_TIEN_BV", "1"), {}),
    "XML2-AMT-02": ("kham", {}, setv("XML2", "THANH_TIEN_BH", "1"), {}),
    "XML2-AMT-03": ("kham", {}, setv("XML2", "T_BHTT", "1"), {}),
    "XML2-AMT-04": ("kham", {}, setv("XML2", "T_NGUONKHAC_NSNN", "5000"), {}),
    "XML3-AMT-01": ("kham", {}, setv("XML3", "THANH_TIEN_BV", "1"), {}),
    "XML3-AMT-02": ("kham", {}, setv("XML3", "THANH_TIEN_BH", "1"), {}),
    "XML3-AMT-03": ("kham", {}, setv("XML3", "T_BHTT", "1"), {}),
    "XML3-AMT-04": ("kham", {}, both(setv("XML3", "T_TRANTT", "100"), setv("XML3", "DON_GIA_BH", "38700")), {}),
    "XML1-SUM-01": ("kham", {}, setv("XML1", "T_THUOC", "1"), {}),
    "XML1-SUM-02": ("noi_tru", {}, setv("XML1", "T_VTYT", "1"), {}),
    "XML1-SUM-03": ("kham", {}, setv("XML1", "T_TONGCHI_BV", "1"), {}),
    "XML1-SUM-04": ("kham", {}, setv("XML1", "T_TONGCHI_BH", "1"), {}),
    "XML1-SUM-05": ("kham", {}, setv("XML1", "T_BNTT", "1"), {}),
    "XML1-SUM-06": ("kham", {}, setv("XML1", "T_BNCCT", "1"), {}),
    "XML1-SUM-07": ("kham", {}, setv("XML1", "T_NGUONKHAC", "1"), {}),
    "XML1-SUM-08": ("kham", {}, setv("XML1", "T_BHTT_GDV", "1"), {}),
    "XML1-SUM-09": ("kham", {}, setv("XML1", "T_BHTT", "1"), {}),
    "XML1-DATE-01": ("kham", {}, setv("XML1", "NGAY_RA", "202001010000"), {}),
    "XML1-DATE-02": ("noi_tru", {}, setv("XML1", "NGAY_VAO_NOI_TRU", "202001010000"), {}),
    "LINE-DATE-01": ("noi_tru", {}, setv("XML2", "NGAY_TH_YL", "202001010000"), {}),
    "LINE-DATE-02": ("kham", {}, setv("XML3", "NGAY_KQ", "202001010000", row=1), {}),
    "LINE-DATE-03": ("kham", {}, setv("XML2", "NGAY_YL", "203001010000"), {}),
    "XML14-DATE-01": ("linh_thuoc", {}, setv("XML14", "NGAY_HEN_KL", "20200101"), {}),
    "XML14-DATE-02": ("linh_thuoc", {}, setv("XML14", "NGAY_CT", "20200101"), {}),
    "XML1-DAYS-01": ("noi_tru", {}, setv("XML1", "SO_NGAY_DTRI", "99"), {}),
    "XML1-DAYS-02": ("kham", {}, both(setv("XML1", "MA_LOAI_KCB", "08"), setv("XML1", "SO_NGAY_DTRI", "9")), {}),
    "XML1-COND-01": ("noi_tru", {}, setv("XML1", "LY_DO_VNT", ""), {}),
    "XML2-COND-01": ("kham", {}, setv("XML2", "TT_THAU", ""), {}),
    "XML3-COND-01": ("kham", {}, setv("XML3", "NGUOI_THUC_HIEN", "", row=1), {}),
    "XML3-FMT-01": ("kham", {}, setv("XML3", "GOI_VTYT", "X1"), {}),
    "XML4-COND-01": ("kham", {}, setv("XML4", "NGAY_KQ", ""), {}),
    "XML7-COND-01": ("noi_tru", {}, setv("XML7", "MA_DINH_CHI_THAI", 1), {}),
    "XML7-COND-02": ("noi_tru", {}, setv("XML7", "SO_NGAY_NGHI", 5), {}),
    "HOSO-TBL-02": ("noi_tru", {}, drop_table("XML8"), {}),
    "HOSO-TBL-03": ("noi_tru", REFERRAL, setv("XML1", "MA_LOAI_RV", 1), {}),
    "HOSO-TBL-04": ("noi_tru", REFERRAL, drop_table("XML13"), {}),
    "HOSO-TBL-05": ("linh_thuoc", {}, setv("XML1", "NGAY_TAI_KHAM", ""), {}),
    "HOSO-ID-01": ("linh_thuoc", {}, setv("XML14", "HO_TEN", "Người Khác"), {}),
    "XML1-CARD-01": ("kham", {}, setv("XML1", "GT_THE_DEN", "20200101"), {}),
    "XML1-CARD-02": ("kham", {}, setv("XML1", "MA_THE_BHYT", "ZZ6580000000001"), {}),
    "XML1-ID-01": ("kham", {}, setv("XML1", "SO_CCCD", "058312345678"), {}),
    "XML1-CODE-01": ("kham", {}, setv("XML1", "MA_LOAI_KCB", "99"), {}),
    "XML1-CODE-02": ("kham", {}, setv("XML1", "MA_DOITUONG_KCB", "4.9"), {}),   # in no list
    "XML1-CODE-03": ("kham", {}, setv("XML1", "KET_QUA_DTRI", 9), {}),
    "XML1-CODE-04": ("kham", {}, setv("XML1", "MA_LOAI_RV", 6), {}),
    "XML1-CODE-05": ("kham", {}, setv("XML1", "GIOI_TINH", 4), {}),
    "XML2-CODE-01": ("kham", {}, setv("XML2", "MA_NHOM", 42), {}),
    "XML3-CODE-01": ("kham", {}, setv("XML3", "MA_NHOM", 42), {}),
    "XML1-ICD-01": ("kham", {}, setv("XML1", "MA_BENH_CHINH", "Z9-9"), {}),
    "XML1-PROV-01": ("kham", {}, setv("XML1", "MATINH_CU_TRU", "99"), {}),
    "XML1-ADDR-01": ("kham", {}, setv("XML1", "MAHUYEN_CU_TRU", "582"), {}),
    "XML1-FAC-01": ("kham", {}, lambda t: None, {"facilities": {"58001": "suspended"}}),
    "STAFF-01": ("kham", {}, setv("XML2", "MA_BAC_SI", "999999/XX-CCHN"), {}),
    "DEPT-01": ("kham", {}, setv("XML1", "MA_KHOA", "K99"), {}),
    "XML2-BEN-01": ("kham", {}, setv("XML1", "MA_DOITUONG_KCB", "1.13"), {}),
    "XML3-BEN-01": ("kham", {}, setv("XML1", "MA_DOITUONG_KCB", "1.14"), {}),
    "XML1-TIME-01": ("kham", {}, lambda t: None, {"as_of": date(2027, 1, 1)}),   # a draft: only when rehearsing
    "DEPT-02": ("kham", {}, setv("XML1", "MA_KHOA", "KHOA1"), {"departments": frozenset({"KHOA1"})}),
}


def test_every_rule_has_a_test_case():
    assert set(RULES) == set(BREAKERS)


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_rule_passes_the_generated_episode_and_fires_on_the_broken_one(rule_id):
    form, kwargs, breaker, overrides = BREAKERS[rule_id]
    episode = generate(3, "58001", form, **kwargs)
    good = EpisodeView.from_rows("58001", episode.tables)
    assert [f.code for f in run_rules(good, ctx())] == []
    tables = copy.deepcopy(episode.tables)
    breaker(tables)
    found = run_rules(EpisodeView.from_rows("58001", tables), ctx(**overrides))
    assert rule_id in [f.code for f in found], found
    hit = next(f for f in found if f.code == rule_id)
    assert hit.message_vi and hit.message_en and hit.ma_lk == episode.ma_lk
    assert hit.severity == RULES[rule_id].severity_in("documents")
    strict = next(f for f in run_rules(EpisodeView.from_rows("58001", tables), ctx(rules_mode="strict", **overrides))
                  if f.code == rule_id)
    assert strict.severity == RULES[rule_id].severity


def test_rules_can_be_switched_off_per_profile():
    tables = copy.deepcopy(generate(3, "58001", "kham").tables)
    tables["XML1"][0]["T_THUOC"] = "1"
    view = EpisodeView.from_rows("58001", tables)
    assert "XML1-SUM-01" in [f.code for f in run_rules(view, ctx())]
    assert "XML1-SUM-01" not in [f.code for f in run_rules(view, ctx(rules_disabled=frozenset({"XML1-SUM-01"})))]
    assert "XML1-SUM-01" not in [f.code for f in run_rules(view, ctx(rules_disabled=frozenset({"QD3176:XML1-SUM-01"})))]
    assert "XML1-SUM-01" in [f.code for f in run_rules(view, ctx(rules_disabled=frozenset({"QD130:XML1-SUM-01"})))]


def test_code_lists_follow_the_episode_date():
    tables = copy.deepcopy(generate(3, "58001", "kham").tables)
    tables["XML1"][0]["MA_DOITUONG_KCB"] = "1.8"
    for name in ("NGAY_VAO", "NGAY_RA"):
        tables["XML1"][0][name] = "2025" + tables["XML1"][0][name][4:]
    tables["XML1"][0]["NGAY_VAO"] = "202503020730"
    tables["XML1"][0]["NGAY_RA"] = "202503020930"
    found = [f.code for f in run_rules(EpisodeView.from_rows("58001", tables), ctx())]
    assert "XML1-CODE-02" not in found  # 1.8 was still in the list in March 2025
    tables["XML1"][0]["NGAY_VAO"], tables["XML1"][0]["NGAY_RA"] = "202603020730", "202603020930"
    [hit] = [f for f in run_rules(EpisodeView.from_rows("58001", tables), ctx()) if f.code == "XML1-CODE-02"]
    assert hit.severity == "CANH_BAO"   # dropped by the 2025 annex, whose effective date is UNCONFIRMED


def test_rules_not_stated_by_an_official_text_only_warn_unless_strict():
    """LINE-DATE-01 is the sandbox's reading, not a sentence of QĐ 130/4750/3176."""
    rule = RULES["LINE-DATE-01"]
    assert rule.confidence == "unconfirmed" and rule.severity == "LOI"
    assert rule.severity_in("documents") == "CANH_BAO" and rule.severity_in("strict") == "LOI"
    assert all(r.severity_in("documents") == r.severity for r in RULES.values() if r.confidence == "official")


@pytest.mark.parametrize("code", ["A90", "A91", "N18.8", "K35.9", "U07.1", "J18.9", "J189"])
def test_icd10_codes_vietnamese_facilities_send_are_valid(code):
    tables = copy.deepcopy(generate(3, "58001", "kham").tables)
    tables["XML1"][0]["MA_BENH_CHINH"] = code
    tables["XML1"][0]["MA_BENH_KT"] = "A91;N18.8"
    assert "XML1-ICD-01" not in [f.code for f in run_rules(EpisodeView.from_rows("58001", tables), ctx())]


def test_an_icd10_code_the_sandbox_cannot_be_sure_of_only_warns():
    tables = copy.deepcopy(generate(3, "58001", "kham").tables)
    tables["XML1"][0]["MA_BENH_CHINH"] = "J18.99"       # well-formed, not in the list the sandbox holds
    [hit] = [f for f in run_rules(EpisodeView.from_rows("58001", tables), ctx()) if f.code == "XML1-ICD-01"]
    assert hit.severity == "CANH_BAO" and "Bộ Y tế" in hit.message_vi
    tables["XML1"][0]["MA_BENH_CHINH"] = "J-18"          # cannot be an ICD-10 code at all
    [hit] = [f for f in run_rules(EpisodeView.from_rows("58001", tables), ctx()) if f.code == "XML1-ICD-01"]
    assert hit.severity == "LOI"


@pytest.mark.parametrize("form,days", [("01", 0), ("07", 0), ("09", 0), ("02", 3), ("03", 3), ("04", 3), ("06", 3)])
def test_so_ngay_dtri_as_qd_4750_states_it(form, days):
    tables = copy.deepcopy(generate(3, "58001", "noi_tru").tables)
    x = tables["XML1"][0]
    x["MA_LOAI_KCB"], x["NGAY_VAO"], x["NGAY_RA"] = form, "202603020730", "202603041000"
    x["NGAY_VAO_NOI_TRU"] = "202603020800" if form in ("03", "04", "06") else ""
    view = lambda: EpisodeView.from_rows("58001", tables)  # noqa: E731
    x["SO_NGAY_DTRI"] = str(days)
    assert "XML1-DAYS-01" not in [f.code for f in run_rules(view(), ctx())]
    x["SO_NGAY_DTRI"] = str(days + 1)
    assert "XML1-DAYS-01" in [f.code for f in run_rules(view(), ctx())]


def test_every_rule_reads_only_the_fields_it_declares(monkeypatch):
    """A rule is held back when one of its fields failed the XSD: that only works if it declares them all."""
    from sandbox.pipeline.rules import view as view_module
    from fixtures.generator import FORMS
    read: set[str] = set()
    original = view_module.Row.get
    monkeypatch.setattr(view_module.Row, "get", lambda self, name: read.add(name) or original(self, name))
    undeclared: dict[str, set[str]] = {}
    for form in FORMS:
        episode = generate(5, "58001", form, **(REFERRAL if form == "noi_tru" else {}))
        view = EpisodeView.from_rows("58001", episode.tables)
        for r in RULES.values():
            read.clear()
            list(r.fn(view, ctx()) or ())
            extra = read - set(r.fields) - {"MA_LK"}
            if extra:
                undeclared.setdefault(r.id, set()).update(extra)
    assert undeclared == {}


def test_a_rule_that_breaks_is_a_warning_naming_it(monkeypatch):
    from dataclasses import replace
    from sandbox.pipeline import rules as engine
    def broken(v, c):
        raise ZeroDivisionError
    monkeypatch.setitem(engine.RULES, "XML1-SUM-01", replace(engine.RULES["XML1-SUM-01"], fn=broken))
    found = run_rules(EpisodeView.from_rows("58001", generate(3, "58001", "kham").tables), ctx())
    [f] = [f for f in found if f.code == "CHK-001"]
    assert f.severity == "CANH_BAO" and "XML1-SUM-01" in f.message_vi


@pytest.mark.parametrize("when, codes, warned", [
    (date(2025, 3, 10), ("58", "585", "22813"), []),                       # the units of that time
    (date(2025, 3, 10), ("58", "582", "22813"), ["MAXA_CU_TRU"]),          # Lâm Sơn is in Ninh Sơn, not the city
    (date(2025, 3, 10), ("58", "", "22813"), ["MAHUYEN_CU_TRU"]),          # districts still existed
    (date(2026, 3, 10), ("56", "", "22813"), []),                          # Khánh Hòa, Xã Lâm Sơn, no district
    (date(2026, 3, 10), ("58", "585", "22813"), ["MATINH_CU_TRU", "MAHUYEN_CU_TRU"]),    # Ninh Thuận, a district
    (date(2026, 3, 10), ("56", "", "22738"), []),                          # Phường Đô Vinh kept its code
    (date(2026, 3, 10), ("56", "", "22744"), ["MAXA_CU_TRU"]),             # old Bảo An: now 22741 Phường Bảo An
    (date(2026, 3, 10), ("51", "", "22813"), ["MAXA_CU_TRU"]),             # a Khánh Hòa commune under Quảng Ngãi
])
def test_residence_is_judged_by_the_units_of_the_episodes_date_and_only_warned(when, codes, warned):
    """XML1 residence by the units in force on NGAY_RA: a post-reform episode with old units or a district
    is warned (CANH_BAO), never refused (UNCONFIRMED: vendors' reading of the gateway)."""
    episode = generate(3, "58001", "kham", start=datetime.combine(when, datetime.min.time()).replace(hour=8))
    tables = copy.deepcopy(episode.tables)
    for name, value in zip(("MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU"), codes):
        tables["XML1"][0][name] = value
    found = [f for f in run_rules(EpisodeView.from_rows("58001", tables), ctx()) if f.code == "XML1-ADDR-01"]
    assert sorted(f.xpath.rsplit("/", 1)[-1] for f in found) == sorted(warned)
    assert all(f.severity == "CANH_BAO" for f in found)

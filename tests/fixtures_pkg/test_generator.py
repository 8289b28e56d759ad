"""The episode generator: deterministic, coherent, valid identifiers, totals that add up."""

import re
from decimal import Decimal

import pytest

from fixtures.generator import FORMS, generate
from fixtures.identity import CARD_OBJECTS


def D(value) -> Decimal:
    return Decimal(str(value or 0))


@pytest.mark.parametrize("form", FORMS)
def test_same_seed_same_episode(form):
    assert generate(5, "58001", form).documents() == generate(5, "58001", form).documents()
    assert generate(5, "58001", form).documents() != generate(6, "58001", form).documents()


@pytest.mark.parametrize("form", FORMS)
def test_totals_add_up_with_the_3176_formulas(form):
    for seed in range(10):
        e = generate(seed, "58001", form)
        xml1, xml2, xml3 = e.tables["XML1"][0], e.tables["XML2"], e.tables["XML3"]
        for row in xml2:
            bv = D(row["SO_LUONG"]) * D(row["DON_GIA"])
            assert D(row["THANH_TIEN_BV"]) == bv.quantize(Decimal("0.01"))
            assert D(row["T_BNCCT"]) == D(row["THANH_TIEN_BV"]) - D(row["T_BHTT"]) - D(row["T_BNTT"])
        for row in xml3:
            assert D(row["T_BNCCT"]) == D(row["THANH_TIEN_BH"]) - D(row["T_BHTT"])
        lines = xml2 + xml3
        assert D(xml1["T_THUOC"]) == sum(D(r["THANH_TIEN_BV"]) for r in xml2)
        assert D(xml1["T_TONGCHI_BV"]) == sum(D(r["THANH_TIEN_BV"]) for r in lines)
        assert D(xml1["T_TONGCHI_BH"]) == sum(D(r["THANH_TIEN_BH"]) for r in lines)
        assert D(xml1["T_BNCCT"]) == sum(D(r["T_BNCCT"]) for r in lines)
        assert D(xml1["T_BHTT"]) == D(xml1["T_TONGCHI_BH"]) - D(xml1["T_BNCCT"])
        assert D(xml1["T_VTYT"]) == sum(D(r["THANH_TIEN_BV"]) for r in xml3 if r["MA_NHOM"] in (10, 11))


@pytest.mark.parametrize("form", FORMS)
def test_dates_in_order_and_identifiers_well_formed(form):
    for seed in range(10):
        e = generate(seed, "58001", form)
        x = e.tables["XML1"][0]
        assert x["NGAY_VAO"] <= (x["NGAY_VAO_NOI_TRU"] or x["NGAY_VAO"]) <= x["NGAY_RA"]
        cccd = x["SO_CCCD"]
        assert re.fullmatch(r"058[0-9]\d{8}", cccd)
        century = {0: 1900, 1: 1900, 2: 2000, 3: 2000}[int(cccd[3])]
        assert century + int(cccd[4:6]) == int(x["NGAY_SINH"][:4])
        assert (int(cccd[3]) % 2 == 0) == (x["GIOI_TINH"] == 1)
        card = x["MA_THE_BHYT"]
        assert len(card) == 15 and card[:2] in CARD_OBJECTS and card[2] in "12345" and card[3:5] == "58"
        assert card[5:] != "0" * 10
        for table, rows in e.tables.items():
            for row in rows:
                if "MA_LK" in row:
                    assert row["MA_LK"] == e.ma_lk
        if x["NGAY_TAI_KHAM"]:
            assert e.tables["XML14"][0]["NGAY_HEN_KL"] >= x["NGAY_RA"][:8]


def test_forms_carry_the_tables_they_need():
    assert "XML5" in generate(1, "58001", "noi_tru").tables and "XML7" in generate(1, "58001", "noi_tru").tables
    assert "XML14" in generate(1, "58001", "linh_thuoc").tables
    assert generate(1, "58001", "kham").tables["XML1"][0]["MA_LOAI_KCB"] == "01"
    referral = generate(1, "58001", "noi_tru", referral_to="58011")
    assert referral.tables["XML1"][0]["MA_LOAI_RV"] == 2 and referral.tables["XML13"][0]["MA_CSKCB_DEN"] == "58011"


@pytest.mark.parametrize("form", FORMS)
def test_a_visit_past_midnight_counts_its_days_as_the_rules_do(form):
    """A visit that starts at 23:50 ends the next day: SO_NGAY_DTRI is what XML1-DAYS-01 expects
    (QĐ 4750: discharge − arrival + 1 for 02, 03, 04, 06; 0 for 01, 07, 09).  The reference HIS
    shifts its episodes to end an hour before now, so from 00:00 to 01:00 Vietnam time its outpatient
    visits crossed midnight and were refused with SO_NGAY_DTRI = 1."""
    from datetime import datetime

    from sandbox.pipeline.rules.dates import treatment_days
    from sandbox.pipeline.rules.view import EpisodeView
    e = generate(3, "58001", form, start=datetime(2026, 3, 4, 23, 50))
    view = EpisodeView.from_rows("58001", e.tables)
    assert list(treatment_days(view, None)) == []
    if e.tables["XML1"][0]["MA_LOAI_KCB"] == "02":
        assert e.tables["XML1"][0]["NGAY_RA"][:8] == "20260305" and e.tables["XML1"][0]["SO_NGAY_DTRI"] in (2, "2")

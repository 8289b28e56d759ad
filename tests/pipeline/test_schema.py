"""Schema stage: profiles, strictness modes, messages that name the field and the rule."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from fixtures.generator import generate
from sandbox.pipeline.schema import validate
from sandbox.pipeline.stages import StageContext
from sandbox.reference.profiles import PROFILES, fields, tables
from sandbox.schemas.xsd import envelope_xsd, table_xsd
from sandbox.schemas import committed

ROOT = Path(__file__).resolve().parents[2]


def ctx(profile="QD3176", **kw):
    return StageContext("HOSO", profile, "58001", datetime.now(timezone.utc), **kw)


def xml1(profile="QD3176", **changes):
    root = etree.fromstring(generate(1, "58001", "kham").documents(profile)["XML1"])
    for name, value in changes.items():
        if value is None:
            root.remove(root.find(name))
        else:
            root.find(name).text = value
    return root


@pytest.mark.parametrize("profile", PROFILES)
def test_every_generated_schema_is_a_valid_xsd(profile):
    for table in tables(profile):
        for order in ("any", "strict"):
            xmlschema.XMLSchema10(table_xsd(table, profile, order=order))
    xmlschema.XMLSchema10(envelope_xsd(profile))


def test_committed_xsd_files_are_current():
    assert committed.stale(ROOT / "sandbox" / "schemas" / "xsd") == [], "run `python -m sandbox.schemas.committed`"


def test_profiles_differ_where_the_decisions_say():
    names = {p: {f.name for f in fields("XML1", p)} for p in PROFILES}
    assert "NHOM_MAU" in names["QD4750"] and "NHOM_MAU" not in names["QD130"]
    assert "XML13" not in tables("QD130") and "XML13" in tables("QD4750")
    xml13_4750 = {f.name for f in fields("XML13", "QD4750")}
    assert {"MA_NOI_DI", "MA_NOI_DEN", "PP_DIEU_TRI", "TEN_DICH_VU"} <= xml13_4750
    assert {"MA_CSKCB_DI", "TINH_TRANG_CT"}.isdisjoint(xml13_4750)
    hen = {p: next(f for f in fields("XML14", p) if f.name == "NGAY_HEN_KL") for p in ("QD4750", "QD3176")}
    assert (hen["QD4750"].max, hen["QD4750"].format) == (12, "datetime12")
    assert (hen["QD3176"].max, hen["QD3176"].format) == (8, "date8")
    every = [f for p in PROFILES for t in tables(p) for f in fields(t, p)]
    assert all(f.source for f in every)


def test_valid_document_has_no_findings():
    assert validate(xml1(), "XML1", ctx(), {}) == []


@pytest.mark.parametrize("changes,code,words", [
    ({"NGAY_VAO": "2026-03-02"}, "XSD-004", ["NGAY_VAO", "yyyyMMddHHmm"]),
    ({"NGAY_VAO": "202613020730"}, "XSD-004", ["NGAY_VAO"]),
    ({"NGAY_SINH": "198500000000"}, None, []),          # 00 month/day allowed in NGAY_SINH
    ({"HO_TEN": "x" * 256}, "XSD-003", ["HO_TEN", "255"]),
    ({"HO_TEN": ""}, "XSD-002", ["HO_TEN", "trống"]),
    ({"MA_BN": None}, "XSD-001", ["MA_BN"]),
    ({"T_TONGCHI_BV": "1.234,50"}, "XSD-004", ["T_TONGCHI_BV", "dấu chấm"]),
    ({"DIEN_THOAI": ""}, None, []),                      # empty optional tag is fine
])
def test_findings_name_the_field_and_the_rule(changes, code, words):
    found = validate(xml1(**changes), "XML1", ctx(), {"file_type": "XML1"})
    if code is None:
        assert found == []
        return
    assert [f.code for f in found] == [code]
    for word in words:
        assert word in found[0].message_vi
    assert found[0].xpath.startswith("/TONG_HOP/") and found[0].line and found[0].file_type == "XML1"


def test_missing_optional_element_is_allowed_unless_all_tags_mode():
    root = xml1(DIEN_THOAI=None)
    assert validate(root, "XML1", ctx(), {}) == []
    assert [f.code for f in validate(root, "XML1", ctx(xsd_all_tags=True), {})] == ["XSD-001"]


def test_order_is_free_unless_strict_mode():
    root = xml1()
    first = root[0]
    root.remove(first)
    root.append(first)  # MA_LK moved to the end
    assert validate(root, "XML1", ctx(), {}) == []
    assert [f.code for f in validate(root, "XML1", ctx(xsd_order="strict"), {})] == ["XSD-006"]


def test_qd130_profile_uses_the_130_sizes():
    root = xml1("QD130")
    assert validate(root, "XML1", ctx("QD130"), {}) == []
    root.find("MA_TTDV").text = "000001/NT-CCHN"  # GPHN number: longer than 130's 10 characters
    assert [f.code for f in validate(root, "XML1", ctx("QD130"), {})] == ["XSD-003"]

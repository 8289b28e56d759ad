"""Structure checks on the rows every later stage reads (read once per HOSO): MA_LK of every table row
(STR-002), STT numbering (STR-004), whatever the LOAIHOSO label says, and the XML1 facts."""

from lxml import etree

from fixtures.envelope import envelope, to_bytes
from fixtures.generator import generate
from sandbox.pipeline.parsing import parse_document, read_envelope
from sandbox.pipeline.rules.view import EpisodeView
from sandbox.pipeline.runner import _facts
from sandbox.pipeline.structure import same_ma_lk, stt_sequence

DOCS = generate(7, "58001", "ngoai_tru", drug_lines=4).documents()


def _hoso(**changes):
    """One HOSO whose documents are DOCS with ``changes[table](root)`` applied (a value of bytes
    replaces the document)."""
    docs = dict(DOCS)
    for table, change in changes.items():
        if isinstance(change, bytes):
            docs[table] = change
        else:
            root = etree.fromstring(docs[table])
            change(root)
            docs[table] = to_bytes(root)
    return read_envelope(parse_document(envelope("58001", [docs])), 10**9).hosos[0]


def _drug_rows(root):
    return root.findall("DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC")


def _codes(found):
    return [(f.code, f.file_type, f.xpath, f.value) for f in found]


def test_a_clean_episode_has_no_structure_finding():
    hoso = _hoso()
    assert same_ma_lk(hoso, None, None) == [] and stt_sequence(hoso, None, None) == []


def test_a_row_of_another_episode_is_named_by_its_path():
    def other(root):
        _drug_rows(root)[2].find("MA_LK").text = "KHAC01"
    hoso = _hoso(XML2=other)
    assert _codes(same_ma_lk(hoso, None, None)) == [
        ("STR-002", "XML2", "/CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC[3]/MA_LK", "KHAC01")]


def test_a_repeated_field_reads_as_its_first_occurrence_as_find_does():
    def repeated(root):
        row = _drug_rows(root)[0]
        row.insert(list(row).index(row.find("MA_LK")) + 1, etree.fromstring("<MA_LK>KHAC02</MA_LK>"))
    hoso = _hoso(XML2=repeated)
    assert same_ma_lk(hoso, None, None) == []          # the first MA_LK is the episode's
    assert EpisodeView.of(hoso, "58001").rows("XML2")[0].get("MA_LK") == hoso.ma_lk


def test_comments_do_not_cut_a_value_and_namespaced_children_are_not_the_field():
    def odd(root):
        rows = _drug_rows(root)
        value = rows[0].find("MA_LK").text
        rows[0].find("MA_LK").text = value[:3]
        rows[0].find("MA_LK").append(etree.Comment("x"))
        rows[0].find("MA_LK")[0].tail = value[3:]
        rows[1].find("MA_LK").tag = "{urn:other}MA_LK"
    hoso = _hoso(XML2=odd)
    assert same_ma_lk(hoso, None, None) == []


def test_stt_out_of_sequence_is_one_finding_per_table():
    def renumber(root):
        rows = _drug_rows(root)
        rows[1].find("STT").text = "5"
        rows[2].find("STT").text = "9"
    hoso = _hoso(XML2=renumber)
    assert _codes(stt_sequence(hoso, None, None)) == [
        ("STR-004", "XML2", "/CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC[2]/STT", "5")]


def test_a_mislabelled_table_is_still_checked_but_not_read_as_its_label():
    def other(root):
        _drug_rows(root)[0].find("MA_LK").text = "KHAC03"
    bad_drugs = _hoso(XML2=other).file("XML2").raw
    hoso = _hoso(XML3=bad_drugs)                         # LOAIHOSO XML3 holding a drug table
    assert _codes(same_ma_lk(hoso, None, None)) == [
        ("STR-002", "XML3", "/CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC[1]/MA_LK", "KHAC03")]
    assert EpisodeView.of(hoso, "58001").rows("XML3") == []


def test_facts_come_from_xml1_and_from_its_root_when_it_is_another_table():
    hoso = _hoso()
    facts = _facts(hoso)
    assert facts["MA_THE_BHYT"] and facts["MA_THE_BHYT"] == etree.fromstring(DOCS["XML1"]).findtext("MA_THE_BHYT")
    mislabelled = _hoso(XML1=DOCS["XML2"])
    assert _facts(mislabelled) == {name: "" for name in facts}   # a drug table's root has no XML1 fields

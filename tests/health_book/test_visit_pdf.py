"""The visit PDF as a document: one sample of every form of care, rendered to an image (pdftoppm,
kept in test-artifacts/pdf/) and read back (pdftotext) for the names a person needs."""

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from fixtures.envelope import envelope
from fixtures.generator import FORMS, generate
from sandbox.reference.codelists import MA_LOAI_KCB, icd10_name
from sandbox.storage.models import Facility
from tests.health_book.conftest import AN, PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def _text(pdf: bytes, stem: str) -> str:
    for tool in ("pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} not found: install Debian's poppler-utils (make test does)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{stem}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / stem)], check=True)
    image = next(ARTIFACTS.glob(f"{stem}*.png"))
    assert image.stat().st_size > 5_000   # a rendered page, not a blank one
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _facility_name(ctx, code="58001") -> str:
    with ctx.db.read() as s:
        return s.get(Facility, code).name


def test_every_form_of_care_renders_as_a_visit_record(ctx, an, population):
    facility = f"{_facility_name(ctx)} (58001)"
    for i, form in enumerate(FORMS):
        episode = generate(40 + i, "58001", form, patient=AN, start=datetime(2026, 7, 1 + i, 7, 30))
        population.submit_ok(envelope("58001", [episode.documents()]))
    an.open_book()
    visits = an.get("/health-book/visits", nam=2026).json()["luotKham"]
    assert len(visits) == len(FORMS)
    seen_forms = set()
    for v in visits:
        detail = an.get(f"/health-book/visits/{v['id']}").json()
        lk = detail["luotKham"]
        response = an.get(f"/health-book/visits/{v['id']}/pdf")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        disposition = response.headers["content-disposition"]
        assert re.fullmatch(r'attachment; filename="so-suc-khoe_58001_\d\d-\d\d-2026_\d+\.pdf"', disposition)
        text = " ".join(_text(response.content, f"luot-kham-{lk['hinhThuc']}").split())
        form_name = MA_LOAI_KCB.codes_on(datetime(2026, 7, 1).date())[lk["hinhThuc"]]
        seen_forms.add(lk["hinhThuc"])
        wire = lk["ngayVao"]
        expected = [
            "SỔ SỨC KHỎE ĐIỆN TỬ", "Thông tin hành chính", "Trần Văn An", "01/02/1985", "Nam",
            facility,                                                           # facility by name
            f"{form_name} ({lk['hinhThuc']})",                                  # form of care with its name
            f"{wire[6:8]}/{wire[4:6]}/{wire[:4]} {wire[8:10]}:{wire[10:12]}",   # dd/MM/yyyy HH:mm
            lk["maBenhChinh"], "Bệnh chính", "giờ Việt Nam",
        ]
        name = icd10_name(lk["maBenhChinh"])
        if name:
            expected.append(" ".join(name.split()[:3]))
        if detail["hanhChinh"].get("danToc") == "01":
            expected.append("Kinh (01)")
        if detail["hanhChinh"].get("quocTich") == "000":
            expected.append("Việt Nam (000)")
        for drug in detail.get("thuoc", [])[:2]:
            expected += [" ".join(drug["tenThuoc"].split()[:2]), "Tên thuốc", "Hàm lượng"]
        for test in detail.get("canLamSang", [])[:1]:
            expected += [" ".join(test["tenChiSo"].split()[:2]), "Đơn vị"]
        if detail.get("giayHen"):
            expected.append("Giấy hẹn khám lại")
        missing = [e for e in expected if e not in text]
        assert not missing, (lk["hinhThuc"], missing)
        assert "hanhChinh" not in text and "luotKham" not in text   # no raw key names
        for drug in detail.get("thuoc", []):              # a route code (DUONG_DUNG) means nothing to a citizen
            assert not re.search(rf"(?<![\d.,]){re.escape(drug['duongDung'])}(?![\d.,])", text), drug["duongDung"]
        assert "Thẻ BHYT khi khám — mã thẻ" in text and "Giá trị sử dụng" in text
    assert seen_forms == set(FORMS.values())


def test_the_visit_page_shows_names_beside_codes(ctx, an, population, client):
    episode = generate(60, "58001", "noi_tru", patient=AN, start=datetime(2025, 6, 2, 9, 5))
    population.submit_ok(envelope("58001", [episode.documents()]))
    an.open_book()
    visit = an.get("/health-book/visits", nam=2025).json()["luotKham"][0]
    client.post("/vneid/dang-nhap", data={"soDinhDanh": AN.personal_id, "matKhau": PASSWORD})
    page = client.get(f"/vneid/so-suc-khoe/{visit['id']}").text
    assert f"{_facility_name(ctx)} (58001)" in page and "Điều trị nội trú (03)" in page
    assert "02/06/2025 09:05" in page
    assert "· 1.01" not in page and "· 2.15" not in page and "· 2.10" not in page   # no bare route code
    book = client.get("/vneid/so-suc-khoe?nam=2025").text
    assert _facility_name(ctx) in book and "02/06/2025 09:05" in book


def test_diagnoses_are_named_in_vietnamese_never_in_english():
    """Citizens read the Ministry's ICD-10 titles (QĐ 4469/QĐ-BYT): every diagnosis the generator writes has its
    own; any other valid code gets its category's or chapter's Vietnamese title, never WHO's English one."""
    from fixtures.catalog import CHRONIC, DIAGNOSES
    for code, text in DIAGNOSES + CHRONIC:
        assert icd10_name(code) == text, code
    assert icd10_name("J18.0") == "Viêm phổi, tác nhân không xác định"          # its category's
    assert icd10_name("C34.1") == "Nhóm: Bướu tân sinh"                          # its chapter's
    assert icd10_name("J189") == "Viêm phổi, không đặc hiệu" and icd10_name("not a code") == ""


def test_numbers_are_written_the_vietnamese_way():
    from sandbox.health_book.present import vi_num
    assert [vi_num(x) for x in ("65.5", "4.55", "105479", "1200", "-3.2", "12", "không rõ")] == \
        ["65,5", "4,55", "105.479", "1200", "-3,2", "12", "không rõ"]

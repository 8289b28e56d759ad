"""Browser test: the citizen path in headless Chromium (Debian's chromium, driven by Playwright),
every citizen flow (lock-out, wallet, consent, years, visit, PDF, dependant, share and revoke) and the
portal's (read by share code, search, why refused), with screenshots kept in test-artifacts/."""

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.plugins.live import post_form, wait_serving


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
ENGLISH = re.compile(r"\b(unspecified|infection|without|other|due to|acute|disease|chronic)\b", re.I)   # WHO titles
pytestmark = pytest.mark.slow


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    env = dict(os.environ, DATABASE_URL=database_url, SANDBOX_PROCESSING_MODE="inline",
               SANDBOX_PASSWORD_HASH_ITERATIONS="1000")
    subprocess.run([sys.executable, "-m", "sandbox.cli", "demo", "--pki-dir", str(tmp_path / "pki")], env=env,
                   check=True, capture_output=True)
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_serving(proc, base + "/vneid/dang-nhap")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def _chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright
    return sync_playwright()


def _pdf_text(pdf: bytes, out: Path, stem: str) -> str:
    """The PDF rendered to an image (kept beside the screenshots) and its text."""
    for tool in ("pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} not found: install Debian's poppler-utils (make test does)")
    path = out / f"{stem}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path), str(out / stem)],
                   check=True)
    assert (out / f"{stem}.png").stat().st_size > 5000
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def _login(page, server, pid, password="Vneid@2026"):
    page.goto(server + "/vneid/dang-nhap")
    page.fill("input[name=soDinhDanh]", pid)
    page.fill("input[name=matKhau]", password)
    page.click("button[type=submit]")


def _passcode(page, button="Tiếp tục"):
    page.fill("input[name=passcode]", "123456")
    page.get_by_role("button", name=button).click()


def test_citizen_walks_every_flow(server, backend):
    out = ARTIFACTS / backend
    out.mkdir(parents=True, exist_ok=True)
    shots = []

    def shot(page, name, full=False):
        page.screenshot(path=str(out / f"{name}.png"), full_page=full)
        shots.append(name)

    with _chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="vi-VN")
        # lock-out: five wrong passwords for the second adult, then even the right one waits, with the time left
        for _ in range(5):
            _login(page, server, "058190000002", "sai-mat-khau")
        assert "thử lại sau 15 phút" in page.inner_text("main")
        _login(page, server, "058190000002")
        assert "thử lại sau" in page.inner_text("main") and "Xin chào" not in page.inner_text("main")
        shot(page, "00-khoa-dang-nhap")
        _login(page, server, "058085000001", "VNEID@2026")                               # compared exactly
        assert "còn" in page.inner_text("main") and "lần thử" in page.inner_text("main")
        _login(page, server, "058085000001")
        page.wait_for_selector("text=Xin chào")
        assert "Trần Gia Hân" in page.inner_text("main")                                 # the dependant
        shot(page, "01-trang-chu")
        page.get_by_role("link", name="Hồ sơ sức khỏe").click()
        page.get_by_role("link", name="Sổ sức khỏe điện tử").click()
        assert "Vui lòng xác nhận" in page.inner_text("main")     # QĐ 31/QĐ-BYT: no card needed from 2026
        shot(page, "02-xac-nhan-chua-co-the")
        page.goto(server + "/vneid/vi-giay-to?them=1")                                  # the card, all the same
        _passcode(page)                                                                   # annex 3 step 6
        page.fill("input[name=maThe]", "5800000001")                                     # step 7
        page.get_by_role("button", name="Gửi yêu cầu").click()
        page.wait_for_selector("text=thành công")
        shot(page, "03-vi-giay-to")
        page.get_by_role("link", name="Mở Sổ sức khỏe điện tử").click()
        assert "Vui lòng xác nhận" in page.inner_text("main")                          # annex 3 step 10
        page.get_by_role("link", name="Xác nhận", exact=True).click()
        _passcode(page)                                                                   # step 11
        page.get_by_role("link", name="Cập nhật dữ liệu").click()                       # step 12
        page.wait_for_selector("ul.visits li a")
        shot(page, "04-so-suc-khoe", full=True)
        years = page.eval_on_selector_all("select[name=nam] option", "els => els.map(e => e.value)")
        assert len(years) == 3, years                                                     # three years of visits
        page.select_option("select[name=nam]", years[-1])
        page.wait_for_url(f"**nam={years[-1]}**")
        assert f"năm {years[-1]}" in page.inner_text("main")
        shot(page, "05-nam-cu")
        page.click("ul.visits li a >> nth=0")
        page.wait_for_selector("text=Chi tiết lượt khám")
        text = page.inner_text("main")
        assert "Bệnh viện Đa khoa tỉnh Ninh Thuận (58001)" in text and "J06.9" in text and "Khám bệnh (01)" in text
        assert "Nhiễm trùng đường hô hấp trên cấp" in text                      # the Ministry's ICD-10 title …
        assert not ENGLISH.search(text), ENGLISH.search(text)                     # … never WHO's English one
        shot(page, "06-chi-tiet", full=True)
        pdf_url = page.get_attribute("a:has-text('Tải PDF')", "href")
        response = page.request.get(server + pdf_url)
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert 'filename="so-suc-khoe_58001_' in response.headers["content-disposition"]
        pdf = _pdf_text(response.body(), out, "07-pdf-luot-kham")
        for expected in ("SỔ SỨC KHỎE ĐIỆN TỬ", "Trần Văn An", "01/02/1985", "Bệnh viện Đa khoa tỉnh Ninh Thuận (58001)",
                         "Khám bệnh (01)", "J06.9", "Kinh (01)", "Việt Nam (000)", "giờ Việt Nam"):
            assert expected in pdf, expected
        assert not ENGLISH.search(pdf), ENGLISH.search(pdf)
        # the dependant: the guardian adds the child's card and opens her book (his consent covers it)
        page.goto(server + "/vneid/")
        page.get_by_role("link", name="Trần Gia Hân").click()
        assert "Bạn đang xem sổ của người phụ thuộc" in page.inner_text("body")
        page.get_by_role("link", name="Sổ sức khỏe điện tử").click()
        child = page.url.split("cho=")[1].split("&")[0]
        page.goto(server + f"/vneid/vi-giay-to?them=1&cho={child}")
        if page.locator("input[name=passcode]").count():
            _passcode(page)
        page.fill("input[name=maThe]", "TE1585800000140")
        page.get_by_role("button", name="Gửi yêu cầu").click()
        page.get_by_role("link", name="Mở Sổ sức khỏe điện tử").click()
        page.wait_for_selector("ul.visits li a")
        assert "Bạn đang xem sổ của người phụ thuộc: Trần Gia Hân" in page.inner_text("body")
        shot(page, "08-so-cua-con", full=True)
        # share, read at a facility's reception, then revoke
        page.goto(server + "/vneid/chia-se")
        _passcode(page, "Tạo mã chia sẻ")
        code = page.inner_text("p.code").strip()
        assert len(code) == 8
        shot(page, "09-ma-chia-se", full=True)
        portal = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        portal.goto(server + "/portal/login")
        portal.fill("input[name=username]", "58002_BV")
        portal.fill("input[name=password]", "Demo@58002")
        portal.click("button[type=submit]")
        portal.get_by_role("link", name="Đọc sổ bằng mã chia sẻ").click()
        portal.fill("input[name=code]", code)
        portal.get_by_role("button", name="Đọc sổ").click()
        assert "Trần Văn An" in portal.inner_text("main") and "DN4585800000001" in portal.inner_text("main")
        portal.screenshot(path=str(out / "10-portal-doc-so.png"), full_page=True)
        shots.append("10-portal-doc-so")
        page.goto(server + "/vneid/chia-se")
        assert "58002_BV" in page.inner_text("main")                                     # the access log
        page.get_by_role("button", name="Thu hồi").first.click()
        assert f"Đã thu hồi mã {code}" in page.inner_text("main")
        shot(page, "11-thu-hoi", full=True)
        portal.get_by_role("link", name="Đọc sổ bằng mã chia sẻ").click()
        portal.fill("input[name=code]", code)
        portal.get_by_role("button", name="Đọc sổ").click()
        assert "Trần Văn An" not in portal.inner_text("main")
        # the facility's own list, searched, and why a call was refused
        portal.get_by_role("link", name="Danh sách tiếp nhận").click()
        ma_lk = portal.inner_text("tbody tr >> nth=0 >> td >> nth=4").split(",")[0].strip()
        portal.fill("input[name=ma_lk]", ma_lk)
        portal.get_by_role("button", name="Tìm").click()
        assert portal.locator("tbody tr").count() == 1 and ma_lk in portal.inner_text("tbody")
        portal.screenshot(path=str(out / "12-portal-tim.png"), full_page=True)
        shots.append("12-portal-tim")
        httpx.post(server + "/api/qd130/guiHoSoXmlQD3176", headers={"accessToken": "a" * 32, "tokenId": "b" * 32,
                                                                    "passwordHash": "c"},
                   data={"username": "58002_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58002",
                         "fileHSBase64": "PEhPU08+"})
        portal.get_by_role("link", name="Vì sao bị từ chối?").click()
        assert "4013" in portal.inner_text("main") and "accessToken gửi" in portal.inner_text("main")
        portal.screenshot(path=str(out / "13-portal-tu-choi.png"), full_page=True)
        shots.append("13-portal-tu-choi")
        browser.close()
    for name in shots:
        assert (out / f"{name}.png").stat().st_size > 5000, name


def test_facility_portal_shows_what_the_citizen_will_see(server, backend):
    client = httpx.Client(base_url=server, follow_redirects=True)
    post_form(client, "/portal/login", {"username": "58001_BV", "password": "Demo@58001"})
    page = client.get("/portal/")
    transaction = page.text.split("/portal/giao-dich/")[1].split('"')[0]
    preview = client.get(f"/portal/giao-dich/{transaction}/so-suc-khoe")
    assert preview.status_code == 200 and "hiển thị trên VNeID từ" in preview.text and "đang hiển thị" in preview.text


def test_a_citizen_without_a_bhyt_card_reads_her_book(server, backend):
    """QĐ 31/QĐ-BYT: Phạm Thị Lan has no BHYT card; her visit went gateway → Sổ SKĐT, and VNeID shows it
    without any card in her wallet."""
    out = ARTIFACTS / backend
    out.mkdir(parents=True, exist_ok=True)
    with _chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
        _login(page, server, "058199000123")
        page.wait_for_selector("text=Xin chào")
        page.get_by_role("link", name="Hồ sơ sức khỏe").click()
        page.get_by_role("link", name="Sổ sức khỏe điện tử").click()
        assert "Vui lòng xác nhận" in page.inner_text("main")          # no "add a card first"
        page.get_by_role("link", name="Xác nhận", exact=True).click()
        _passcode(page)
        page.get_by_role("link", name="Cập nhật dữ liệu").click()
        page.wait_for_selector("ul.visits li a")
        page.screenshot(path=str(out / "11-khong-the-bhyt.png"), full_page=True)
        page.click("ul.visits li a >> nth=0")
        page.wait_for_selector("text=Chi tiết lượt khám")
        text = page.inner_text("main")
        assert "Phạm Thị Lan" in text or "058199000123" in text
        assert "Bệnh viện Đa khoa tỉnh Ninh Thuận (58001)" in text
        browser.close()


def test_the_portal_and_the_province_pages_fit_a_phone(server):
    """At 375 px the pages do not scroll sideways: the bar wraps, wide tables scroll inside themselves."""
    from playwright.sync_api import sync_playwright
    out = ARTIFACTS / "phone"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 375, "height": 800}, locale="vi-VN")
        for area, login, user, password, pages in (
                ("portal", "/portal/login", "58001_BV", "Demo@58001", ("/portal/", "/portal/tu-choi", "/portal/chung-nhan")),
                ("province", "/so-y-te/dang-nhap", "syt.khanhhoa", "SoYTe@2026", ("/so-y-te/bang",))):
            page.goto(server + login)
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            for path in pages:
                page.goto(server + path)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                page.screenshot(path=str(out / f"{area}{path.replace('/', '_')}.png"), full_page=True)
                assert overflow <= 1, (path, overflow)
        browser.close()

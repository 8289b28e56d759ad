"""Browser test: the citizen path in headless Chromium (Debian's chromium, driven by Playwright),
from login to a visit's detail, with screenshots kept in test-artifacts/."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
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
    for _ in range(100):
        try:
            httpx.get(base + "/vneid/dang-nhap", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_citizen_walks_from_login_to_a_visit(server, backend):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright
    out = ARTIFACTS / backend
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="vi-VN")
        page.goto(server + "/vneid/")
        page.fill("input[name=soDinhDanh]", "058085000001")
        page.fill("input[name=matKhau]", "Vneid@2026")
        page.click("button[type=submit]")
        page.wait_for_selector("text=Xin chào")
        page.screenshot(path=str(out / "01-trang-chu.png"))
        page.get_by_role("link", name="Hồ sơ sức khỏe").click()
        page.get_by_role("link", name="📘 Sổ sức khỏe điện tử").click()
        assert "chưa được tích hợp vào ví giấy tờ" in page.inner_text("main")          # annex 3 step 4
        page.screenshot(path=str(out / "02-chua-co-the.png"))
        page.get_by_role("link", name="Ví giấy tờ · Thêm thẻ BHYT").click()
        page.fill("input[name=maThe]", "5800000001")
        page.fill("input[name=passcode]", "123456")
        page.get_by_role("button", name="Gửi yêu cầu").click()
        page.wait_for_selector("text=thành công")
        page.screenshot(path=str(out / "03-vi-giay-to.png"))
        page.goto(server + "/vneid/so-suc-khoe")
        assert "Vui lòng xác nhận" in page.inner_text("main")                          # annex 2 step 4
        page.get_by_role("link", name="Xác nhận", exact=True).click()
        page.fill("input[name=passcode]", "123456")
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_selector("text=Cập nhật dữ liệu")
        page.get_by_role("link", name="Cập nhật dữ liệu").click()
        page.wait_for_selector("ul.visits li a")
        page.screenshot(path=str(out / "04-so-suc-khoe.png"), full_page=True)
        years = page.eval_on_selector_all("select[name=nam] option", "els => els.map(e => e.value)")
        assert years and all(y.isdigit() for y in years)
        page.click("ul.visits li a >> nth=0")
        page.wait_for_selector("text=Chi tiết lượt khám")
        text = page.inner_text("main")
        assert "Lượt khám chữa bệnh" in text and "Chẩn đoán" in text and "Hình thức" in text
        page.screenshot(path=str(out / "05-chi-tiet.png"), full_page=True)
        assert "Tải PDF" in text
        browser.close()
    for name in ("01-trang-chu", "02-chua-co-the", "03-vi-giay-to", "04-so-suc-khoe", "05-chi-tiet"):
        assert (out / f"{name}.png").stat().st_size > 5000


def test_facility_portal_shows_what_the_citizen_will_see(server, backend):
    client = httpx.Client(base_url=server, follow_redirects=True)
    client.post("/portal/login", data={"username": "58001_BV", "password": "Demo@58001"})
    page = client.get("/portal/")
    transaction = page.text.split("/portal/giao-dich/")[1].split('"')[0]
    preview = client.get(f"/portal/giao-dich/{transaction}/so-suc-khoe")
    assert preview.status_code == 200 and "hiển thị trên VNeID từ" in preview.text and "đang hiển thị" in preview.text

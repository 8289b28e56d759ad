"""Browser test: a Sở Y tế user logs in, reads the board, opens a facility that the reference HIS has
just certified, signs it off, and downloads the statement and every report, in headless Chromium
(Debian's); screenshots kept in test-artifacts/browser/province/."""

import io
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from conformance.reference_his import ReferenceHis
from province import settings
from sandbox.clock import VN_TZ
from tests.conformance.test_self_test import live  # noqa: F401 - the live server fixture
from tests.plugins.gateway import PASSWORD as HIS_PASSWORD
from tests.province.helpers import sheet, PASSWORD, province_user
from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM

pytestmark = pytest.mark.slow


def test_province_user_signs_off_a_certified_facility_and_downloads_every_report(live, ctx, backend):  # noqa: F811
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright
    base, credential, _ = live
    province_user(ctx)
    province_user(ctx, username="syt.quangngai", province="51")
    from sandbox import admin
    admin.seed_facilities(ctx, kon_tum=True)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    settings.update(ctx, "56", campaign_start=(today - timedelta(days=3)).strftime("%Y%m%d"),
                    campaign_end=(today + timedelta(days=3)).strftime("%Y%m%d"))
    ReferenceHis(base, "58001_BV", HIS_PASSWORD, "58001", credential).run_session("HIS Bệnh viện tỉnh", "Công ty A", "5.2.1")
    out = ARTIFACTS / "province" / backend
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)

        def fetch(selector, name):
            with page.expect_download() as download:
                page.click(selector)
            files[name] = Path(download.value.path()).read_bytes()
            (out / name).write_bytes(files[name])

        page.goto(base + "/so-y-te/")
        page.fill("input[name=username]", "syt.ninhthuan")
        page.fill("input[name=password]", "sai-mat-khau")
        page.click("button[type=submit]")
        assert "còn 4 lần thử" in page.inner_text("[role=alert]")
        page.screenshot(path=str(out / "01-login-refused.png"), full_page=True)
        page.fill("input[name=username]", "syt.ninhthuan")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#board")
        assert "BVĐK tỉnh Ninh Thuận" in page.inner_text("#board") and "Đã chứng nhận" in page.inner_text("#board")
        assert page.locator("svg.chart").count() == 4
        page.screenshot(path=str(out / "02-board.png"), full_page=True)
        fetch("text=xlsx", "bang-san-sang.xlsx")
        page.click("a[href='/so-y-te/co-so/58001']")
        page.wait_for_selector("#sign-off")
        assert "HIS Bệnh viện tỉnh 5.2.1" in page.inner_text("#certification")
        page.screenshot(path=str(out / "03-facility-certified.png"), full_page=True)
        page.click("#sign-off button[type=submit]")
        page.wait_for_selector("#sign-off .ok")
        assert "Đã xác nhận sẵn sàng" in page.inner_text("#sign-off")
        page.screenshot(path=str(out / "04-signed-off.png"), full_page=True)
        fetch("text=Văn bản xác nhận (PDF)", "xac-nhan.pdf")
        page.click("#sign-off >> text=Kiểm tra trực tuyến")
        page.wait_for_selector("#verdict")
        assert "CÒN HIỆU LỰC" in page.inner_text("#verdict")
        page.screenshot(path=str(out / "05-statement-verified.png"), full_page=True)
        page.goto(base + "/so-y-te/chien-dich")
        page.wait_for_selector("#schedule")
        page.screenshot(path=str(out / "06-campaign.png"), full_page=True)
        fetch("#dl-xlsx", "bao-cao-ngay.xlsx")
        fetch("#dl-pdf", "bao-cao-ngay.pdf")
        page.goto(base + "/so-y-te/dinh-ky")
        page.screenshot(path=str(out / "07-periodic.png"), full_page=True)
        fetch("#dl-xlsx", "bao-cao-6-thang.xlsx")
        fetch("#dl-pdf", "bao-cao-6-thang.pdf")
        page.goto(base + "/so-y-te/bang?tinh_cu=58")
        page.wait_for_selector("#board")
        assert "Ninh Thuận cũ" in page.inner_text("#board") and "Khánh Hòa — địa bàn Ninh Thuận cũ" in page.content()
        page.screenshot(path=str(out / "08-board-khanh-hoa-ninh-thuan-cu.png"), full_page=True)
        page.click("text=Đăng xuất")
        page.fill("input[name=username]", "syt.quangngai")        # the other province: Quảng Ngãi, Kon Tum cũ
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#board")
        text = page.inner_text("#board")
        assert "62001" in text and "Kon Tum cũ" in text and "58001" not in text
        assert "Quảng Ngãi" in page.inner_text("h1")
        page.screenshot(path=str(out / "09-board-quang-ngai.png"), full_page=True)
        browser.close()
    board = sheet(openpyxl.load_workbook(io.BytesIO(files["bang-san-sang.xlsx"])).active)[2]
    row = next(r for r in board if r[0] == "58001")
    assert "Đã chứng nhận" in row and "Đã xác nhận sẵn sàng" not in row      # downloaded before the sign-off
    statement = PdfReader(io.BytesIO(files["xac-nhan.pdf"])).pages[0].extract_text()
    assert "58001" in statement and "HIS Bệnh viện tỉnh" in statement
    periodic = sheet(openpyxl.load_workbook(io.BytesIO(files["bao-cao-6-thang.xlsx"]))["Theo co so"])[2]
    r58001 = next(r for r in periodic if r[0] == "58001")
    assert sum(v for v in r58001[2:-2] if isinstance(v, int)) > 0     # the reference HIS's accepted episodes
    for name in ("bao-cao-ngay.pdf", "bao-cao-6-thang.pdf"):
        assert files[name].startswith(b"%PDF")
    assert sheet(openpyxl.load_workbook(io.BytesIO(files["bao-cao-ngay.xlsx"]))["Theo dia ban cu"])[0].startswith("BÁO CÁO NGÀY")

"""Demo data of the province pages: a Sở Y tế and a BHXH user of Khánh Hòa (56, which took in Ninh Thuận)
and of Quảng Ngãi (51, which took in Kon Tum); in Khánh Hòa the Ninh Thuận plan's campaign running around
today with targets and a campaign population (citizens of the former Ninh Thuận communes who activated
VNeID level 2, put their BHYT card in the wallet and opened the health book over the past days)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from province import campaign, settings, users
from sandbox.clock import VN_TZ
from sandbox.context import Context
from sandbox.errors import ConflictError
from sandbox.reference import units as admin_units
from sandbox.reference.facilities import districts
from sandbox.security import hash_secret
from sandbox.storage.models import Citizen, VneidAccount, WalletCard

PROVINCE_USERS = (("syt.khanhhoa", "SoYTe@2026", "Nguyễn Thị Hạnh", "SYT", "56"),
                  ("bhxh.khanhhoa", "Bhxh@2026kh", "Trần Quốc Bảo", "BHXH", "56"),
                  ("syt.quangngai", "SoYTe@2026qn", "A Sang", "SYT", "51"),
                  ("bhxh.quangngai", "Bhxh@2026qn", "Y Linh", "BHXH", "51"))
# Illustrative district targets: the plan's 382 171 split by each district's share of the 2019
# census population (the real split is in annex 1 of the plan, not in its text).
SHARES = {"582": 0.276, "584": 0.048, "585": 0.126, "586": 0.155, "587": 0.223, "588": 0.071, "589": 0.101}
CAMPAIGN_CITIZENS = 300
MANG_DEN = "23473"              # Xã Măng Đen (2025), Quảng Ngãi


def load_province_demo(ctx: Context, seed: int = 2733) -> list[tuple[str, str, str]]:
    for username, password, name, organisation, province in PROVINCE_USERS:
        try:
            users.add_user(ctx, username, password, name, organisation, province)
        except ConflictError:
            pass
    today = ctx.clock.now().astimezone(VN_TZ).date()
    settings.update(ctx, "56", campaign_start=(today - timedelta(days=14)).strftime("%Y%m%d"),
                    campaign_end=(today + timedelta(days=16)).strftime("%Y%m%d"))
    rows = ["ma_huyen,xa_phuong,chi_tieu,so_luong"]
    for code, share in SHARES.items():
        for indicator in campaign.INDICATORS:
            rows.append(f"{code},,{indicator},{round(campaign.PLAN_TOTALS['58'] * share)}")
    campaign.load_targets(ctx, users.caller(ctx, PROVINCE_USERS[0][0]), "\n".join(rows) + "\n")
    _campaign_population(ctx, seed)
    who = users.caller(ctx, PROVINCE_USERS[0][0])
    yesterday = (today - timedelta(days=1)).isoformat()
    for item in campaign.schedule(ctx, who):   # the reports of the past were filed; yesterday's is late
        if item["state"] == "late" and item["period"] != yesterday:
            campaign.file_report(ctx, who, item["kind"], item["period"])
    _onboarding_requests(ctx)
    return [(u, p, o) for u, p, _, o, _ in PROVINCE_USERS]


def _onboarding_requests(ctx: Context) -> None:
    """Quảng Ngãi: a clinic without a code waiting for the Sở Y tế (step 1) and 62006 waiting for BHXH (step 2)."""
    from province import onboarding
    who = users.caller(ctx, "syt.quangngai")
    if onboarding.requests(ctx, who):
        return
    onboarding.request_code(ctx, "Phòng khám Đa khoa Măng Đen (minh họa)", "51", MANG_DEN,
                            "BS. Y Hoa, 0260 3000 000", "Đề nghị Sở Y tế cấp mã cơ sở KCB để liên thông dữ liệu.",
                            client_ip="demo")
    onboarding.request_account(ctx, "62006", "Phòng CNTT, TTYT Ngọc Hồi",
                               "Đề nghị BHXH cấp tài khoản liên thông lên Cổng tiếp nhận.", client_ip="demo")


def _campaign_population(ctx: Context, seed: int) -> None:
    """Citizens 058099xxxxxx: who did what, and when, over the campaign's first two weeks."""
    rng = random.Random(seed)
    places = [(code, commune) for code, d in districts("58").items() for commune in d.communes]
    now = ctx.clock.now()
    secret = hash_secret("Demo@campaign", 1000)   # nobody logs in as them: one cheap shared hash
    with ctx.db.session() as s:
        if s.scalar(select(Citizen.personal_id).where(Citizen.personal_id == "058099000001")):
            return
        for i in range(1, CAMPAIGN_CITIZENS + 1):
            pid = f"058099{i:06d}"
            district, commune = rng.choice(places)
            new = admin_units.new_communes(admin_units.find_commune_2024(district, commune))
            level2 = rng.random() < 0.9
            s.add(Citizen(personal_id=pid, full_name=f"Công dân chiến dịch {i}", birth_date="19900101", sex=1 + i % 2,
                          address=f"{admin_units.commune_name(new[0], admin_units.REFORM)}, tỉnh Khánh Hòa",
                          phone="", guardian_id="", vneid_level=2 if level2 else 1,
                          district_code=district, commune=commune))
            if not level2:
                continue
            account = VneidAccount(personal_id=pid, password_hash=secret, passcode_hash=secret, personal_details={})
            if rng.random() < 0.7:
                linked = now - timedelta(hours=rng.uniform(1, 14 * 24))
                s.add(WalletCard(personal_id=pid, card_number=f"GD4585899{i:06d}", linked_at=linked))
                if rng.random() < 0.7:
                    account.book_consent_at = linked + timedelta(minutes=rng.uniform(1, 600))
                    if account.book_consent_at > now:
                        account.book_consent_at = now
            s.add(account)

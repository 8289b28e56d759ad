"""The 24-hour display window on the sandbox clock, and the pending/shown/overdue report."""

from datetime import timedelta

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox import admin
from sandbox.app import create_app
from sandbox.context import Context
from sandbox.health_book.display import delay
from tests.health_book.conftest import AN, Citizen


def test_delays_are_deterministic_and_bounded():
    for i in range(300):
        key = f"58001:LK{i}:1"
        assert delay("immediate", key) == timedelta(0)
        assert timedelta(minutes=5) <= delay("realistic", key) < timedelta(hours=23)
        assert delay("realistic", key) == delay("realistic", key)
    late = [delay("late", f"58001:LK{i}:1") > timedelta(hours=24) for i in range(300)]
    assert 30 < sum(late) < 90  # about one in five


def test_entry_is_hidden_until_its_display_time(ctx, population):
    realistic = Context(ctx.settings.replace(display_profile="realistic"), ctx.db, ctx.clock)
    app = create_app(ctx=realistic, start_worker=False)
    population.client = app.test_client()
    population.login()
    episode = generate(8, "58001", "kham", patient=AN)
    population.submit_ok(envelope("58001", [episode.documents()]))
    an = Citizen(population.client, AN.personal_id)
    an.login()
    an.open_book()
    assert an.get("/health-book/visits").json()["luotKham"] == []           # not yet
    report = {r["maCSKCB"]: r for r in admin.display_report(ctx)}
    assert report["*"]["choHienThi"] == 1 and report["*"]["daHienThi"] == 0
    admin.set_clock(ctx, "+23h")
    an.login()
    assert len(an.get("/health-book/visits").json()["luotKham"]) == 1        # within 24 hours
    report = {r["maCSKCB"]: r for r in admin.display_report(ctx)}
    assert report["58001"]["daHienThi"] == 1 and report["58001"]["quaHan24h"] == 0


def test_late_profile_shows_overdue_entries(ctx, population):
    late = Context(ctx.settings.replace(display_profile="late"), ctx.db, ctx.clock)
    app = create_app(ctx=late, start_worker=False)
    population.client = app.test_client()
    population.login()
    keys = []
    for seed in range(20):
        episode = generate(100 + seed, "58001", "kham")
        population.submit_ok(envelope("58001", [episode.documents()]))
        keys.append(delay("late", f"58001:{episode.ma_lk}:1") > timedelta(hours=24))
    admin.set_clock(ctx, "+1470m")
    report = {r["maCSKCB"]: r for r in admin.display_report(ctx)}["*"]
    expected_overdue = sum(1 for late_one in keys if late_one)
    assert expected_overdue > 0
    assert report["quaHan24h"] + report["hienThiTre"] == expected_overdue
    assert report["daHienThi"] + report["quaHan24h"] + report["choHienThi"] == 20

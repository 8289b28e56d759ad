"""Benchmark (not a test): the readiness board of a province of 500 facilities with a year of
submissions, over HTTP the way a province user opens it (GET /so-y-te/api/board with a bearer token,
and the HTML page /so-y-te/bang with a session), against a sandbox started here on its own database
(SQLite file, or the PostgreSQL database skdt_sandbox_board) and a free port.

    python benchmarks/bench_province_board.py [--episodes 1000000] [--only sqlite|postgresql]

The year: ``--episodes`` episodes spread evenly over 365 days and the 500 facilities (one submission
each, 8 % rejected with an error code), a health-book entry for every accepted one (a tenth of them
late), 60 certified facilities of which 40 are signed off (real JWS statements, verified on load).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import httpx  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from benchmarks.common import analyse  # noqa: E402
from sandbox import admin  # noqa: E402
from sandbox.context import Context  # noqa: E402
from sandbox.settings import Settings  # noqa: E402
from sandbox.storage.db import normalise_url  # noqa: E402
from sandbox.storage.migrate import upgrade  # noqa: E402
from sandbox.storage.models import Episode, Facility, HealthBookEntry, Submission  # noqa: E402

FACILITIES = 500
PASSWORD = "Bench@2026!"


def load(ctx: Context, episodes: int) -> dict:
    from province import signoff
    from tests.province.helpers import certify, province_user
    started = time.monotonic()
    admin.seed_facilities(ctx)
    now = ctx.clock.now()
    with ctx.db.engine.begin() as conn:
        # the seeded facilities' province (Khánh Hòa since the 2025 reform, 58xxx codes kept): the board shows
        # a province's facilities, and these were written under the former 58 — 79 shown of 500
        province, commune = conn.execute(text("SELECT province_code, commune_code FROM facility LIMIT 1")).one()
        conn.execute(insert(Facility), [{"code": f"58{200 + i:03d}", "name": f"Trạm y tế mô phỏng {i}",
                                         "province_code": province, "commune_code": commune, "status": "active",
                                         "created_at": now,
                                         "district_code": random.Random(i).choice(["582", "584", "585", "586", "587", "588", "589"])}
                                        for i in range(FACILITIES - 79)])
    with ctx.db.read() as s:
        codes = [c for (c,) in s.execute(text("SELECT code FROM facility ORDER BY code"))]
    for code in codes[:300]:
        admin.add_account(ctx, f"{code}_BV", code, "Secret@" + code)
    who = province_user(ctx, username="syt.bench")
    for i, code in enumerate(codes[:60]):
        certify(ctx, code, when=now - timedelta(days=20))
        if i < 40:
            signoff.decide(ctx, who, code, "ready")
    rng = random.Random(2733)
    seconds = 365 * 24 * 3600
    subs, eps, books = [], [], []
    with ctx.db.engine.begin() as conn:
        next_id = 1
        for i in range(episodes):
            code = codes[i % len(codes)]
            at = now - timedelta(seconds=seconds * (i / episodes))
            ok = rng.random() >= 0.08
            sid = f"B{i:010d}"
            subs.append({"id": sid, "facility_code": code, "username": f"{code}_BV", "endpoint": "guiHoSoXmlQD3176",
                         "profile": "QD3176", "kind": "HOSO", "loai_ho_so": "130", "payload": b"", "payload_sha256": "",
                         "received_at": at, "status": "DA_XU_LY", "processed_at": at, "attempts": 1, "findings": [],
                         "records": []})
            error = "" if ok else rng.choice(["XSD-001", "SIG-001", "DAYS-01"])
            eps.append({"id": next_id, "submission_id": sid, "position": 0, "facility_code": code, "ma_lk": f"LK{i}",
                        "status": "HOP_LE" if ok else "KHONG_HOP_LE", "disposition": "new" if ok else "rejected",
                        "content_sha256": "", "is_current": ok, "version": 1 if ok else 0, "created_at": at,
                        "card_number": "DN4585800000001" if ok and i % 5 else "", "ma_loai_kcb": "01" if ok else "",
                        "findings": [] if ok else [{"code": error, "severity": "LOI"}], "error_code": error,
                        "facts": {}})
            if ok:
                delay = timedelta(hours=30) if i % 10 == 0 else timedelta(minutes=20)
                books.append({"episode_id": next_id, "submission_id": sid, "personal_id": "", "card_number": "",
                              "facility_code": code, "ma_lk": f"LK{i}", "year": at.year, "admitted_at": "",
                              "received_at": at, "visible_at": at + delay, "delay_seconds": int(delay.total_seconds()),
                              "is_current": True, "data": {}})
            next_id += 1
            if len(subs) >= 20000:
                conn.execute(insert(Submission), subs)
                conn.execute(insert(Episode), eps)
                conn.execute(insert(HealthBookEntry), books)
                subs, eps, books = [], [], []
        if subs:
            conn.execute(insert(Submission), subs)
            conn.execute(insert(Episode), eps)
            conn.execute(insert(HealthBookEntry), books)
    analyse(ctx)
    if ctx.db.engine.dialect.name == "postgresql":   # the PG sequence after explicit ids
        with ctx.db.engine.begin() as conn:
            conn.execute(text("SELECT setval('episode_id_seq', (SELECT max(id) FROM episode))"))
    return {"facilities": len(codes), "episodes": episodes, "load_s": round(time.monotonic() - started, 1)}


def measure(name: str, url: str, episodes: int, runs: int) -> dict:
    from tests.plugins.live import free_port, start_server
    upgrade(url)
    tmp = tempfile.mkdtemp()
    ctx = Context.create(Settings.from_env(database_url=url, password_hash_iterations=1000, issuer_dir=f"{tmp}/issuer"))
    loaded = load(ctx, episodes)
    port = free_port()
    server = start_server(url, port, SANDBOX_ISSUER_DIR=f"{tmp}/issuer")
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            from tests.province.helpers import PASSWORD as USER_PASSWORD
            token = http.post("/so-y-te/api/token", json={"username": "syt.bench", "password": USER_PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            api, page = [], []
            for _ in range(runs):
                t = time.perf_counter()
                body = http.get("/so-y-te/api/board", headers=headers).json()
                api.append(time.perf_counter() - t)
            assert len(body["facilities"]) == FACILITIES and body["summary"]["signedOff"] == 40, body["summary"]
            assert body["summary"]["accepted"] > 0 and body["summary"]["rejected"] > 0
            import re
            form = http.get("/so-y-te/dang-nhap").text   # the form's CSRF token, as a browser sends it
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            http.post("/so-y-te/dang-nhap", data={"username": "syt.bench", "password": USER_PASSWORD, "csrf_token": csrf})
            for _ in range(runs):
                t = time.perf_counter()
                html = http.get("/so-y-te/bang")
                page.append(time.perf_counter() - t)
            assert html.status_code == 200 and html.text.count("<tr") > FACILITIES
    finally:
        server.terminate()
        server.wait(timeout=10)
    q = lambda xs: {"p50_ms": round(statistics.median(xs) * 1000), "max_ms": round(max(xs) * 1000)}  # noqa: E731
    return {"backend": name, **loaded, "window_episodes": body["summary"]["accepted"] + body["summary"]["rejected"],
            "api_board": q(api), "html_board": q(page), "goal_ms": 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        print(json.dumps(measure("sqlite", f"sqlite:///{tempfile.mkdtemp()}/board.sqlite3", args.episodes, args.runs)))
    if args.only in (None, "postgresql"):
        from benchmarks.common import fresh_pg_database
        url = fresh_pg_database(os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/skdt_sandbox_board"))
        print(json.dumps(measure("postgresql", normalise_url(url),
                                 args.episodes, args.runs)))


if __name__ == "__main__":
    main()

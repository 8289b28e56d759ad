"""Benchmark (not a test): the three look-ups a HIS calls at reception, over HTTP — the card check
(KQNhanLichSuKCB2024), the visit history (Lskcb2025, form body, token in the query string) and the
co-payment look-up (TraCuuTienMCCT) — on a database of a province's year: 1,000,000 accepted episodes of
200,000 people, each with a card; wrk (C) as the load generator, 16 connections, 2 server processes, own
database, free port, 20 000 distinct people asked in turn.  Only correct answers count ("000" for the
first two, MaKetQua "200" for the co-payment look-up): a refusal is counted apart, never as a look-up.

    python benchmarks/bench_card_check.py [--episodes 1000000] [--seconds 30] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from benchmarks.common import analyse, cpu_seconds, free_port, serve, wrk_figures  # noqa: E402
from sandbox import admin  # noqa: E402
from sandbox.context import Context  # noqa: E402
from sandbox.security import md5_upper  # noqa: E402
from sandbox.settings import Settings  # noqa: E402
from sandbox.storage.migrate import upgrade  # noqa: E402
from sandbox.storage.models import Card, Episode, Submission  # noqa: E402

PASSWORD = "Bench@58001"
PEOPLE_PER_EPISODES = 5
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/skdt_sandbox_bench_card")
OFFICER = ("058190000001", "Nguyễn Thị Thu")


def prepare_pg() -> str:
    from benchmarks.common import fresh_pg_database
    return fresh_pg_database(PG_URL)     # BENCH_PG_URL's database, dropped and created


def load(url: str, episodes: int) -> tuple[float, list[tuple[str, str, str]]]:
    started = time.monotonic()
    settings = Settings.from_env(database_url=url, password_hash_iterations=1000)
    upgrade(settings.database_url)
    ctx = Context.create(settings)
    admin.add_facility(ctx, "58001", "Bệnh viện Đa khoa tỉnh Ninh Thuận")
    admin.add_account(ctx, "58001_BV", "58001", PASSWORD)
    admin.load_registry(ctx, "staff", [{"facility_code": "58001", "personal_id": OFFICER[0], "full_name": OFFICER[1],
                                        "practitioner_code": "", "can_lookup": "1"}])
    people = episodes // PEOPLE_PER_EPISODES
    rng = random.Random(1923)
    now = datetime.now(timezone.utc)
    year = now.year
    cards = []
    with ctx.db.engine.begin() as conn:
        batch = []
        for p in range(people):
            bhxh = f"58{p:08d}"
            birth = f"{1950 + p % 60}{1 + p % 12:02d}{1 + p % 28:02d}"
            number = f"DN458{bhxh}"
            name = f"Người Thử {p}"
            batch.append({"number": number, "bhxh_number": bhxh, "personal_id": "", "full_name": name,
                          "birth_date": birth, "sex": 1 + p % 2, "address": "Ninh Thuận", "ma_dkbd": "58001",
                          "issuer": "BHXH tỉnh Ninh Thuận", "valid_from": f"{year}0101", "valid_to": f"{year + 1}1231",
                          "area": "", "five_years_from": "", "status": "active", "reduction": "", "replaced_by": "",
                          "manager": "", "simulate": ""})
            cards.append((number, name, f"{birth[6:8]}/{birth[4:6]}/{birth[:4]}"))
            if len(batch) >= 20000:
                conn.execute(insert(Card), batch)
                batch = []
        if batch:
            conn.execute(insert(Card), batch)
    with ctx.db.engine.begin() as conn:
        subs, eps = [], []
        for i in range(episodes):
            p = i % people
            at = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
            sid = f"C{i:010d}"
            subs.append({"id": sid, "facility_code": "58001", "username": "58001_BV", "endpoint": "guiHoSoXmlQD3176",
                         "profile": "QD3176", "kind": "HOSO", "loai_ho_so": "130", "payload": b"",
                         "payload_sha256": "", "received_at": at, "status": "DA_XU_LY", "processed_at": at,
                         "attempts": 1, "findings": [], "records": []})
            eps.append({"submission_id": sid, "position": 0, "facility_code": "58001", "ma_lk": f"LK{i:09d}",
                        "status": "HOP_LE", "disposition": "new", "content_sha256": "", "is_current": True,
                        "version": 1, "created_at": at, "card_number": f"DN45858{p:08d}", "bhxh_number": f"58{p:08d}",
                        "admitted_at": at.strftime("%Y%m%d%H%M"), "discharged_at": at.strftime("%Y%m%d%H%M"),
                        "findings": [], "error_code": "",
                        "facts": {"CHAN_DOAN_RV": "Viêm dạ dày", "MA_LOAI_RV": "1", "KET_QUA_DTRI": "2",
                                  "LY_DO_VV": "Đau bụng", "MA_DOITUONG_KCB": "1.1", "T_BNCCT": "120000"}})
            if len(subs) >= 20000:
                conn.execute(insert(Submission), subs)
                conn.execute(insert(Episode), eps)
                subs, eps = [], []
        if subs:
            conn.execute(insert(Submission), subs)
            conn.execute(insert(Episode), eps)
    analyse(ctx)
    ctx.db.engine.dispose()
    return time.monotonic() - started, cards


LOOK_UPS = {  # kind: (path, content type, what a correct answer contains (a Lua pattern))
    "card": ("/api/egw/KQNhanLichSuKCB2024", "application/json", '"maKetQua": *"000"'),
    "history": ("/api/egw/Lskcb2025", "application/x-www-form-urlencoded", '"maKetQua": *"000"'),
    "copayment": ("/api/TraCuuCCT/TraCuuTienMCCT", "application/json", '"MaKetQua": *"200"'),
}


def _bodies(folder: str, kind: str, sample, username: str) -> str:
    from urllib.parse import urlencode
    names = []
    for i, (number, full_name, birth) in enumerate(sample):
        names.append(os.path.join(folder, f"{kind}{i}.body"))
        fields = {"maThe": number, "hoTen": full_name, "ngaySinh": birth, "hoTenCb": OFFICER[1], "cccdCb": OFFICER[0]}
        if kind == "copayment":
            fields = {"username": username, "maThe": number, "hoTen": full_name, "ngaySinh": birth}
        with open(names[-1], "w", encoding="utf-8") as fh:
            fh.write(urlencode(fields) if kind == "history" else json.dumps(fields, ensure_ascii=False))
    listing = os.path.join(folder, f"{kind}.txt")
    with open(listing, "w") as fh:
        fh.write("\n".join(names))
    return listing


def measure(name: str, url: str, episodes: int, seconds: int, kinds=tuple(LOOK_UPS)) -> list[dict]:
    load_s, cards = load(url, episodes)
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PROCESSING_MODE="external", SANDBOX_MCCT_PER_MINUTE="1000000000",
               SANDBOX_SECRET_KEY="bench-secret-0123456789abcdef", SANDBOX_PASSWORD_HASH_ITERATIONS="1000")
    port = free_port()
    server = serve(env, port, web=2)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        key = httpx.post(base + "/api/token/take", data={"username": "58001_BV",
                                                         "password": md5_upper(PASSWORD)}).json()["APIKey"]
        headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": md5_upper(PASSWORD)}
        query = f"?token={key['access_token']}&id_token={key['id_token']}&username=58001_BV&password={md5_upper(PASSWORD)}"
        sample = random.Random(7).sample(cards, min(20000, len(cards)))
        number, full_name, birth = sample[0]
        first = httpx.post(base + "/api/egw/Lskcb2025" + query, timeout=30, data={
            "maThe": number, "hoTen": full_name, "ngaySinh": birth, "hoTenCb": OFFICER[1], "cccdCb": OFFICER[0]}).json()
        assert first["maKetQua"] == "000" and len(first["dsLichSuKCB2025"]) == PEOPLE_PER_EPISODES, first
        folder = tempfile.mkdtemp(prefix="wrk-lookup-")
        for kind in kinds:
            path, content_type, ok = LOOK_UPS[kind]
            before = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"))
            out = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "30s", "-s",
                 os.path.join(ROOT, "benchmarks", "wrk_post.lua"), base + path + (query if kind == "history" else "")],
                env=dict(env, WRK_AT=headers["accessToken"], WRK_IT=headers["tokenId"], WRK_PW=headers["passwordHash"],
                         WRK_BODIES=_bodies(folder, kind, sample, "58001_BV"), WRK_CONTENT_TYPE=content_type,
                         WRK_THREADS="2", WRK_OK=ok),
                capture_output=True, text=True, check=True).stdout
            after = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"))
            figures = wrk_figures(out)
            refused = int(re.search(r"refused: (\d+)", out).group(1))
            answered = figures["requests"] - refused
            per = {k: round((after[k] - before[k]) / answered * 1000, 2) if answered else None for k in ("web", "db")}
            rows.append({"backend": name, "look_up": kind, "path": path, "episodes": episodes,
                         "people": episodes // PEOPLE_PER_EPISODES, "load_s": round(load_s),
                         "seconds": figures["duration_s"], "requests": figures["requests"], "refused": refused,
                         "look_ups": answered, "per_s": round(answered / figures["duration_s"], 1),
                         "p50_ms": figures["p50_ms"], "p99_ms": figures["p99_ms"],
                         "cpu_ms_per_look_up_web": per["web"], "cpu_ms_per_look_up_db": per["db"]})
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            logged = conn.execute(text("SELECT count(*) FROM card_check")).scalar()
        engine.dispose()
        for row in rows:
            row["card_checks_logged"] = logged
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    runs = []
    if args.only in (None, "sqlite"):
        runs += measure("sqlite", f"sqlite:///{tempfile.mkdtemp()}/card.sqlite3", args.episodes, args.seconds)
    if args.only in (None, "postgresql"):
        runs += measure("postgresql", prepare_pg(), args.episodes, args.seconds)
    for row in runs:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()

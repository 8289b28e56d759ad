"""Benchmark (not a test): time to show one year of history for a citizen with 10 years of episodes,
on a database holding a province's year of episodes (~1 million health-book entries).

    python benchmarks/bench_health_book.py [--rows 1000000] [--only sqlite|postgresql]

Bulk rows carry a small entry, most with a card (one in 15 without, as an uninsured visit); the measured
citizen's 120 entries (12 a year, 10 years) are real
extractions of generated episodes.  Measures vneid.visits() (the query behind the year screen)
in process, and GET /vneid/api/health-book/visits over HTTP against a served sandbox (the path the
app takes: session, wallet card, consent, then the year), on its own database and a free port.
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
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert  # noqa: E402

from fixtures.generator import generate  # noqa: E402
from fixtures.identity import Person  # noqa: E402
from benchmarks.common import analyse  # noqa: E402
from sandbox import admin  # noqa: E402
from sandbox.context import Context  # noqa: E402
from sandbox.health_book.extract import extract  # noqa: E402
from sandbox.pipeline.rules.view import EpisodeView  # noqa: E402
from sandbox.settings import Settings  # noqa: E402
from sandbox.storage.db import normalise_url  # noqa: E402
from sandbox.storage.migrate import upgrade  # noqa: E402
from sandbox.storage.models import Episode, HealthBookEntry, Submission  # noqa: E402

OWNER = "058085000001"
CLIENTS = 16             # concurrent clients of the read under load (issue: ≥ 1 000 reads/s, p95 < 50 ms)
WEB_PROCESSES = 2
CARD = "DN4585800000001"


def bulk(ctx: Context, rows: int) -> float:
    started = time.monotonic()
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    rng = random.Random(1)
    with ctx.db.session() as s:
        s.add(Submission(id="BULK", facility_code="58001", username="bench", endpoint="bulk", profile="QD3176",
                         kind="HOSO", loai_ho_so="130", payload=b"", payload_sha256="", received_at=now,
                         status="DA_XU_LY", attempts=1, findings=[], records=[]))
        s.flush()
        s.add(Episode(id=1, submission_id="BULK", position=1, facility_code="58001", ma_lk="BULK", status="HOP_LE",
                      disposition="new", content_sha256="", findings=[], is_current=False, version=1, created_at=now))
    small = {"luotKham": {"hinhThucTen": "Khám bệnh", "chanDoan": "Viêm họng cấp", "ngayRa": ""}}
    batch = []
    with ctx.db.engine.begin() as conn:
        for i in range(rows):
            year = 2025 if i % 10 else rng.randint(2016, 2024)
            person = rng.randrange(10**9)
            # most visits are insured (a card per person); some are not (QĐ 31: in the book all the same)
            batch.append({"episode_id": 1, "submission_id": "BULK", "personal_id": f"058{person:09d}",
                          "card_number": "" if i % 15 == 0 else f"DN458{person:010d}", "facility_code": f"58{rng.choice(['001', '002', '004', '011', '032'])}",
                          "ma_lk": f"B{i}", "year": year, "admitted_at": f"{year}0{rng.randint(1, 9)}1{rng.randint(0, 9)}0800",
                          "received_at": now, "visible_at": now, "is_current": True, "data": small})
            if len(batch) == 20000:
                conn.execute(insert(HealthBookEntry), batch)
                batch.clear()
        if batch:
            conn.execute(insert(HealthBookEntry), batch)
    return time.monotonic() - started


def citizen_history(ctx: Context) -> None:
    patient = Person("Trần Văn An", True, datetime(1985, 2, 1).date(), OWNER, "5800000001", CARD, "58", "Phan Rang", "")
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    with ctx.db.engine.begin() as conn:
        rows = []
        for year in range(2016, 2026):
            for month in range(1, 13):
                ep = generate(year * 100 + month, "58001", random.Random(month).choice(["kham", "ngoai_tru", "noi_tru"]),
                              patient=patient, start=datetime(year, month, 10, 8, 0))
                data = extract(EpisodeView.from_rows("58001", ep.tables))
                rows.append({"episode_id": 1, "submission_id": "BULK", "personal_id": OWNER, "card_number": CARD,
                             "facility_code": "58001", "ma_lk": ep.ma_lk, "year": year,
                             "admitted_at": ep.tables["XML1"][0]["NGAY_VAO"], "received_at": now, "visible_at": now,
                             "is_current": True, "data": data})
        conn.execute(insert(HealthBookEntry), rows)


def measure(name: str, url: str, rows: int) -> dict:
    upgrade(url)
    ctx = Context.create(Settings(database_url=url, password_hash_iterations=1000, processing_mode="inline"))
    admin.add_facility(ctx, "58001", "Bệnh viện Đa khoa tỉnh Ninh Thuận")
    load_s = bulk(ctx, rows)
    citizen_history(ctx)
    analyse(ctx, 'health_book_entry')
    admin.load_registry(ctx, "citizens", [{"personal_id": OWNER, "full_name": "Trần Văn An", "birth_date": "19850201", "sex": "1"}])
    from sandbox.health_book import vneid
    timings = []
    for i in range(200):
        t = time.perf_counter()
        result = vneid.visits(ctx, OWNER, 2016 + i % 10)
        timings.append(time.perf_counter() - t)
        assert len(result["luotKham"]) == 12 and len(result["cacNam"]) == 10
    timings.sort()
    api = over_http(ctx, url)
    return {"backend": name, "entries_in_db": rows + 120, "bulk_load_s": round(load_s, 1),
            "year_of_history_p50_ms": round(statistics.median(timings) * 1000, 2),
            "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2), "max_ms": round(timings[-1] * 1000, 2),
            **api}


def over_http(ctx: Context, url: str) -> dict:
    """The path the app takes: a served sandbox, a logged-in citizen with the card in the wallet and
    consent given, then GET /vneid/api/health-book/visits?nam=… (a different year each time)."""
    import httpx
    from benchmarks.common import free_port, serve
    from sandbox.health_book import vneid
    admin.load_registry(ctx, "citizens", [{"personal_id": OWNER, "full_name": "Trần Văn An", "birth_date": "19850201",
                                           "sex": "1", "vneid_level": "2"}])
    admin.load_registry(ctx, "cards", [{"number": CARD, "personal_id": OWNER, "full_name": "Trần Văn An",
                                        "birth_date": "19850201", "sex": "1", "valid_from": "20160101",
                                        "valid_to": "20301231"}])
    vneid.create_account(ctx, OWNER, "Vneid@2026", "123456")
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PASSWORD_HASH_ITERATIONS="1000",
               SANDBOX_SECRET_KEY="bench-secret-0123456789abcdef")
    server = serve(env, port, web=WEB_PROCESSES)
    base = f"http://127.0.0.1:{port}/vneid/api"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            session = client.post("/login", json={"soDinhDanh": OWNER, "matKhau": "Vneid@2026"}).json()["phien"]
            client.headers["X-VNeID-Session"] = session
            assert client.post("/passcode", json={"passcode": "123456"}).status_code == 200
            assert client.post("/wallet/bhyt", json={"maThe": CARD}).status_code == 200
            assert client.post("/health-book/consent").status_code == 200
            timings = []
            for i in range(300):
                t = time.perf_counter()
                answer = client.get("/health-book/visits", params={"nam": 2016 + i % 10})
                timings.append(time.perf_counter() - t)
                body = answer.json()
                assert answer.status_code == 200 and len(body["luotKham"]) == 12 and len(body["cacNam"]) == 10, body
        loaded = under_load(base, session, server, url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    timings.sort()
    return {"api_p50_ms": round(statistics.median(timings) * 1000, 2),
            "api_p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2), "api_max_ms": round(timings[-1] * 1000, 2),
            **loaded}


def under_load(base: str, session: str, server, url: str, seconds: int = 20) -> dict:
    """CLIENTS concurrent connections (wrk, C) for ``seconds``: reads/s that answered a year of history,
    wrk's latency percentiles, and the CPU each process spent per read (from /proc: web processes,
    PostgreSQL backends), so the cost of a read can be compared across machines."""
    import re
    import shutil
    import subprocess
    from benchmarks.common import cpu_seconds, wrk_figures
    if not shutil.which("wrk"):
        return {"under_load": "wrk missing (make bench installs it)"}
    before = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"))
    out = subprocess.run(["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", "--timeout", "30s",
                          "-s", os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk_get_visits.lua"),
                          base + "/health-book/visits"], env=dict(os.environ, WRK_SESSION=session),
                         capture_output=True, text=True, check=True).stdout
    after = cpu_seconds(server.pid, postgres=not url.startswith("sqlite"))
    figures = wrk_figures(out)
    refused = int(re.search(r"^refused: (\d+)", out, re.M).group(1))
    served = figures["requests"] - refused
    per = lambda key: round((after[key] - before[key]) / served * 1000, 2) if served else None  # noqa: E731
    return {"clients": CLIENTS, "reads_per_s": round(served / figures["duration_s"], 1), "refused": refused,
            "load_p50_ms": figures["p50_ms"], "load_p99_ms": figures["p99_ms"],
            "cpu_ms_per_read_web": per("web"), "cpu_ms_per_read_db": per("db")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        print(json.dumps(measure("sqlite", f"sqlite:///{tempfile.mkdtemp()}/book.sqlite3", args.rows)))
    if args.only in (None, "postgresql"):
        from benchmarks.common import fresh_pg_database
        url = fresh_pg_database(os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/skdt_sandbox_book"))
        print(json.dumps(measure("postgresql", normalise_url(url), args.rows)))


if __name__ == "__main__":
    main()

"""`make bench`: every benchmark in turn (each on its own database and free port), then one table of
every figure beside its goal (issue 11), as Markdown, also written to var/bench/summary.md with the
raw JSON lines in var/bench/results.jsonl.

    python benchmarks/summary.py [--quick]     # --quick: smaller volumes, for trying the harness
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def run(script: str, *args: str) -> list[dict]:
    """One benchmark's JSON lines; a benchmark that fails is reported (its rows then say —) and the others
    still run: a failure late in the run no longer loses every figure measured before it."""
    print(f"… {script} {' '.join(args)}", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"   failed: {last}", file=sys.stderr, flush=True)
        return [{"_script": script, "_failed": last[:300]}]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for row in rows:
        row["_script"] = script
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "results.partial.jsonl", "a", encoding="utf-8") as fh:   # as they come, for a run cut short
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return rows


def verdict(value, goal: float, higher_is_better: bool) -> str:
    if value is None:
        return "—"
    return "yes" if (value >= goal if higher_is_better else value <= goal) else "**no**"


DRAIN_GOAL_S = 5.0


def table(results: list[dict]) -> str:
    def pick(script, **match):
        return next((r for r in results if r["_script"] == script and all(r.get(k) == v for k, v in match.items())), {})
    full = pick("bench_pipeline.py", stages="full pipeline incl. rules", document="outpatient")
    bare = next((r for r in results if r["_script"] == "bench_pipeline.py" and r["stages"].startswith("interleaved")
                 and r["document"] == "outpatient"), {})
    http = next((r for r in results if r["_script"] == "bench_submit_http.py" and r.get("backend") == "postgresql"
                 and r.get("phase") != "admission"), {})
    admitted = pick("bench_submit_http.py", phase="admission")
    card = {b: pick("bench_card_check.py", backend=b, look_up="card") for b in ("sqlite", "postgresql")}
    history = {b: pick("bench_card_check.py", backend=b, look_up="history") for b in ("sqlite", "postgresql")}
    copay = {b: pick("bench_card_check.py", backend=b, look_up="copayment") for b in ("sqlite", "postgresql")}
    book = {b: pick("bench_health_book.py", backend=b) for b in ("sqlite", "postgresql")}
    big = pick("bench_large_envelope.py", envelope="20 MB")
    board = {b: pick("bench_province_board.py", backend=b) for b in ("sqlite", "postgresql")}
    shadow = pick("bench_shadow.py")
    junk = pick("bench_junk_bodies.py")
    def volume(found: dict, key: str) -> str:
        n = max((r.get(key) or 0) for r in found.values()) if found else 0
        return f"{n / 1e6:g} M" if n >= 1e6 else f"{n:,}".replace(",", " ")
    rows = [
        ("in-process pipeline, 30 KB outpatient (docs/s, one core)", "≥ 300", full.get("docs_per_s"), "", 300, True),
        ("… over the bare lxml + signxml + XSD baseline, CPU, interleaved (machine-independent)", "≤ 2×",
         bare.get("full_pipeline_over_bare"), "", 2, False),
        ("HTTP, PostgreSQL, 2 web + 2 workers, wrk: acknowledged/s", "—", http.get("ack_per_s"), "", None, True),
        ("… accepted (HOP_LE, distinct: resends counted apart) and processed, end to end /s", "≥ 200",
         http.get("accepted_per_s_end_to_end"), "", 200, True),
        ("… resends of a wrapped pool (duplicates; must be 0)", "0", http.get("duplicates"), "", 0, False),
        ("… CPU per accepted envelope end to end ÷ bare, same document, same run (machine-independent)", "≤ 2.5×",
         http.get("end_to_end_over_bare"), "", 2.5, False),
        ("… CPU ms per accepted envelope: web · workers · PostgreSQL (bare: the same document in process)", "—",
         " · ".join(f"{v:g}" for v in (http.get("cpu_ms_per_accepted") or {}).values()) or None,
         f"bare {http['bare_ms']:g}" if http.get("bare_ms") else "", None, False),
        ("… largest backlog during the run / drain after it (s), no admission limit", "—",
         f"{http.get('max_backlog', '—')} / {http.get('drain_after_load_s', '—')}", "", None, False),
        # bounded: with admission control at a few seconds of backlog, what is still waiting when the load
        # stops is processed within DRAIN_GOAL_S, the web processes at normal priority
        (f"… admission control at {admitted.get('max_backlog_seconds', '—')} s of waiting: largest backlog / drain "
         f"after the load (s), web at normal priority", f"bounded (drain ≤ {DRAIN_GOAL_S:g} s)",
         f"{admitted.get('max_backlog', '—')} / {admitted.get('drain_after_load_s', '—')}",
         f"{admitted['refused']} of {admitted['refused'] + admitted['acknowledged']} answered 1011 (resend later)"
         if admitted.get("refused") is not None else "", DRAIN_GOAL_S, False, admitted.get("drain_after_load_s")),
        (f"card look-ups over HTTP, {volume(card, 'episodes')} episodes (/s), SQLite · PostgreSQL", "≥ 2 000", card["sqlite"].get("per_s"),
         card["postgresql"].get("per_s"), 2000, True),
        ("… visit history Lskcb2025 (/s, \"000\" answers only), SQLite · PostgreSQL", "≥ 2 000", history["sqlite"].get("per_s"),
         history["postgresql"].get("per_s"), 2000, True),
        ("… co-payment look-up TraCuuTienMCCT (/s, MaKetQua 200 only), SQLite · PostgreSQL", "≥ 2 000",
         copay["sqlite"].get("per_s"), copay["postgresql"].get("per_s"), 2000, True),
        ("… CPU ms per look-up on PostgreSQL, web + database: card · history · co-payment", "—",
         " · ".join(f"{r.get('cpu_ms_per_look_up_web')} + {r.get('cpu_ms_per_look_up_db')}"
                    for r in (card["postgresql"], history["postgresql"], copay["postgresql"]) if r) or None, "", None, False),
        (f"year of history via the VNeID API, {volume(book, 'entries_in_db')} entries, p95 ms, SQLite · PostgreSQL",
         "< 50",
         book["sqlite"].get("api_p95_ms"), book["postgresql"].get("api_p95_ms"), 50, False),
        ("20 MB envelope: peak RSS over baseline ÷ fileHSBase64 size", "< 10×", big.get("peak_over_baseline_per_wire_mb"),
         "", 10, False),
        (f"province board API, {volume(board, 'episodes')} episodes, p50 ms, SQLite · PostgreSQL", "< 1 000", (board["sqlite"].get("api_board") or {}).get("p50_ms"),
         (board["postgresql"].get("api_board") or {}).get("p50_ms"), 1000, False),
        ("VNeID year of history under 16 clients (reads/s), SQLite · PostgreSQL", "≥ 1 000",
         book["sqlite"].get("reads_per_s"), book["postgresql"].get("reads_per_s"), 1000, True),
        ("… latency p99 ms under the 16 clients (stricter than the p95 goal), SQLite · PostgreSQL", "< 50",
         book["sqlite"].get("load_p99_ms"), book["postgresql"].get("load_p99_ms"), 50, False),
        ("… CPU per read, web process ms (machine-dependent), SQLite · PostgreSQL", "—",
         book["sqlite"].get("cpu_ms_per_read_web"), book["postgresql"].get("cpu_ms_per_read_web"), None, False),
        ("… CPU per read, PostgreSQL ms", "—", book["postgresql"].get("cpu_ms_per_read_db"), "", None, False),
        ("8 × 95 MB junk bodies without a token: server RSS growth, MB", "< 100", junk.get("rss_growth_mb"), "", 100, False),
        ("shadow proxy: added latency p99 ms, 16 connections (saturated) · 4 connections, medians of 3 rounds", "< 5",
         shadow.get("added_p99_ms"), (shadow.get("at_4_connections") or {}).get("added_p99_ms"), 5, False),
        ("… throughput through the proxy ÷ direct (same run)", "≥ 0.9", shadow.get("throughput_ratio"), "", 0.9, True),
        ("… the proxy's own time per call, measured inside it (total − the upstream's), p99 ms, 16 · 4 connections",
         "< 5", shadow.get("proxy_own_p99_ms"), (shadow.get("at_4_connections") or {}).get("proxy_own_p99_ms"), 5, False),
        ("… noise floor: spread of the direct runs' own p99 across rounds, ms, 16 · 4 connections", "—",
         shadow.get("direct_p99_spread_ms"), (shadow.get("at_4_connections") or {}).get("direct_p99_spread_ms"), None, False),
    ]
    lines = [f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({os.cpu_count()} cores, "
             f"{platform.python_implementation()} {platform.python_version()}), load generator on the same machine.", "",
             "Rates depend on the machine (they differ here by up to five times); the rows marked "
             "machine-independent are ratios of CPU time measured in the same run.", "",
             "| figure | goal | measured | | reached |", "|---|---|---|---|---|"]
    for label, goal, a, b, target, higher, *judged in rows:
        if target is None:
            reached = "—"
        else:
            values = [v for v in (judged or (a, b)) if isinstance(v, (int, float))]
            reached = "—" if not values else ("yes" if all(verdict(v, target, higher) == "yes" for v in values) else "**no**")
        lines.append(f"| {label} | {goal} | {a if a not in (None, '') else '—'} | {b if b not in (None, '') else ''} | {reached} |")
    failed = [r for r in results if r.get("_failed")]
    if failed:
        lines += ["", "Benchmarks that failed (their rows say —):", *(f"- {r['_script']}: {r['_failed']}" for r in failed)]
    reasons = why_not(http, card, history, copay, book)
    if reasons:
        lines += ["", "Not reached, and where the CPU goes (from the same run):", *(f"- {r}" for r in reasons)]
    return "\n".join(lines)


def why_not(http: dict, card: dict, history: dict, copay: dict, book: dict) -> list[str]:
    """For each rate or ratio below its goal, what the CPU per request by process says about it."""
    cores = os.cpu_count() or 1
    out = []
    if (http.get("end_to_end_over_bare") or 0) > 2.5 and http.get("bare_ms"):
        per = http["cpu_ms_per_accepted"]
        out.append(f"end to end {http['end_to_end_over_bare']:g}× bare: web {per['web'] / http['bare_ms']:.1f}×, workers "
                   f"{per['workers'] / http['bare_ms']:.1f}×, PostgreSQL {per['db'] / http['bare_ms']:.1f}× the bare "
                   f"{http['bare_ms']:g} ms (the workers' pipeline alone is the in-process row's ratio)")
    for name, found, goal in (("card look-ups", card, 2000), ("Lskcb2025", history, 2000), ("co-payment", copay, 2000)):
        for backend, row in found.items():
            if row.get("per_s") is not None and row["per_s"] < goal and row.get("cpu_ms_per_look_up_web") is not None:
                spent = row["cpu_ms_per_look_up_web"] + (row.get("cpu_ms_per_look_up_db") or 0)
                out.append(f"{name} on {backend} {row['per_s']:g}/s: {spent:.2f} ms of CPU per look-up (web "
                           f"{row['cpu_ms_per_look_up_web']:g} + database {row.get('cpu_ms_per_look_up_db') or 0:g}); "
                           f"{cores} cores shared with wrk allow at most ≈ {cores * 1000 / spent:,.0f}/s")
    for backend, row in book.items():
        if row.get("reads_per_s") is not None and row["reads_per_s"] < 1000 and row.get("cpu_ms_per_read_web") is not None:
            spent = row["cpu_ms_per_read_web"] + (row.get("cpu_ms_per_read_db") or 0)
            out.append(f"VNeID reads on {backend} {row['reads_per_s']:g}/s: {spent:.2f} ms of CPU per read; {cores} cores "
                       f"shared with wrk allow at most ≈ {cores * 1000 / spent:,.0f}/s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick
    (OUT / "results.partial.jsonl").unlink(missing_ok=True)
    results: list[dict] = []
    results += run("bench_pipeline.py", "--seconds", "2" if quick else "5")
    results += run("bench_large_envelope.py")
    results += run("bench_submit_http.py", "--only", "postgresql", "--client", "wrk", "--threads", "16", "--web", "2",
                   "--workers", "2", "--seconds", "10" if quick else "60", "--admission-seconds", "5" if quick else "20")
    results += run("bench_card_check.py", "--episodes", "20000" if quick else "1000000", "--seconds", "10" if quick else "30")
    results += run("bench_health_book.py", "--rows", "20000" if quick else "1000000")
    results += run("bench_province_board.py", *(["--episodes", "20000"] if quick else []))
    results += run("bench_shadow.py", "--seconds", "5" if quick else "15")
    results += run("bench_junk_bodies.py", *(["--clients", "4", "--mb", "40"] if quick else []))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in results) + "\n")
    text = table(results)
    (OUT / "summary.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    if any(r.get("_failed") for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()

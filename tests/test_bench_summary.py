"""`make bench`'s table judges each figure against its goal: a goal missed says **no**, a figure not measured
says — (never yes), and the end-to-end row compares CPU with the bare cost of the same run."""

from benchmarks.summary import table


def _row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if label in line)
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_goals_missed_are_no_and_figures_missing_are_a_dash():
    results = [
        {"_script": "bench_submit_http.py", "backend": "postgresql", "ack_per_s": 400, "accepted_per_s_end_to_end": 150,
         "duplicates": 0, "max_backlog": 10, "drain_after_load_s": 1.0, "end_to_end_over_bare": 4.8, "bare_ms": 0.9,
         "cpu_ms_per_accepted": {"web": 1.2, "workers": 2.1, "db": 1.0}},
        {"_script": "bench_submit_http.py", "backend": "postgresql", "phase": "admission", "max_backlog_seconds": 5.0,
         "max_backlog": 600, "drain_after_load_s": 7.5, "refused": 900, "acknowledged": 1100,
         "end_to_end_over_bare": 1.0},
        {"_script": "bench_card_check.py", "backend": "sqlite", "look_up": "card", "per_s": 2500, "episodes": 1000000},
        {"_script": "bench_card_check.py", "backend": "postgresql", "look_up": "card", "per_s": 1900, "episodes": 1000000,
         "cpu_ms_per_look_up_web": 0.8, "cpu_ms_per_look_up_db": 0.3},
        {"_script": "bench_health_book.py", "backend": "postgresql", "reads_per_s": 1200, "load_p99_ms": 60,
         "api_p95_ms": 3, "entries_in_db": 1000120},
        {"_script": "bench_shadow.py", "added_p99_ms": 8.1, "throughput_ratio": 1.01, "proxy_own_p99_ms": 1.9,
         "at_4_connections": {"added_p99_ms": 0.9, "proxy_own_p99_ms": 1.6}},
    ]
    text = table(results)
    assert _row(text, "end to end ÷ bare")[2:] == ["4.8", "", "**no**"]   # the cost run's, not the admission run's
    assert _row(text, "admission control at 5.0 s")[2:] == ["600 / 7.5", "900 of 2000 answered 1011 (resend later)",
                                                           "**no**"]       # drained in 7.5 s > 5 s
    assert _row(text, "no admission limit")[2:] == ["10 / 1.0", "", "—"]
    assert _row(text, "web · workers · PostgreSQL")[2:4] == ["1.2 · 2.1 · 1", "bare 0.9"]
    assert _row(text, "accepted (HOP_LE")[-1] == "**no**"                       # 150 < 200
    assert _row(text, "card look-ups over HTTP")[2:] == ["2500", "1900", "**no**"]   # PostgreSQL below 2 000
    assert _row(text, "under 16 clients (reads/s)")[-1] == "yes"                # the one figure measured
    assert _row(text, "latency p99 ms under the 16 clients")[-1] == "**no**"    # 60 ms
    assert _row(text, "co-payment look-up")[-1] == "—"                          # not measured: not "yes"
    assert _row(text, "20 MB envelope")[-1] == "—"
    assert _row(text, "shadow proxy: added latency p99")[-1] == "**no**"       # 8.1 ms through wrk at 16
    assert _row(text, "the proxy's own time per call")[2:] == ["1.9", "1.6", "yes"]


def test_what_is_not_reached_says_where_the_cpu_goes():
    results = [
        {"_script": "bench_submit_http.py", "backend": "postgresql", "end_to_end_over_bare": 7.4, "bare_ms": 2.0,
         "cpu_ms_per_accepted": {"web": 4.0, "workers": 8.0, "db": 2.8}},
        {"_script": "bench_card_check.py", "backend": "postgresql", "look_up": "history", "per_s": 1300,
         "cpu_ms_per_look_up_web": 1.1, "cpu_ms_per_look_up_db": 0.4},
        {"_script": "bench_card_check.py", "backend": "sqlite", "look_up": "history", "per_s": 2600,
         "cpu_ms_per_look_up_web": 0.7, "cpu_ms_per_look_up_db": 0.0},
    ]
    text = table(results)
    assert "end to end 7.4× bare: web 2.0×, workers 4.0×, PostgreSQL 1.4×" in text
    assert "Lskcb2025 on postgresql 1300/s: 1.50 ms of CPU per look-up" in text
    assert "Lskcb2025 on sqlite" not in text          # reached: nothing to explain


def test_a_failed_benchmark_is_named_and_its_rows_say_dash():
    text = table([{"_script": "bench_province_board.py", "_failed": "AssertionError"}])
    assert "- bench_province_board.py: AssertionError" in text
    assert _row(text, "province board API")[-1] == "—"

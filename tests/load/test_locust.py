"""The Locust suites, run headless against a sandbox started here: a short bounded run passes its
thresholds (CSV and HTML reports written, every acknowledged submission processed), an impossible
threshold fails the run through Locust's exit code, and a distributed run (one master, two workers)
works."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow
ADMIN = "load-admin-token"


@pytest.fixture
def sandbox(database_url):
    port = free_port()
    server = start_server(database_url, port, SANDBOX_ADMIN_TOKEN=ADMIN)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _env(**extra):
    return {**os.environ, "SKDT_ADMIN_TOKEN": ADMIN, "SKDT_POOL": "8", "SKDT_FACILITIES": "2",
            "SKDT_PROCESSED_WITHIN": "30", **extra}


def _load(base, suite, report: Path, *args, env=None, timeout=240):
    cmd = [sys.executable, "-m", "sandbox.cli", "load", suite, "--host", base, "--duration", "8", "--scale", "3",
           "--report", str(report), *args]
    return subprocess.run(cmd, env=env or _env(), capture_output=True, text=True, timeout=timeout)


def _rows(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return {row["Name"]: row for row in csv.DictReader(fh)}


def test_short_run_passes_and_writes_its_reports(sandbox, tmp_path):
    run = _load(sandbox, "end_of_day", tmp_path, "--defective-share", "0.25")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "PASS — thresholds met" in run.stderr and "ĐẠT / PASS" in run.stderr
    stats = _rows(tmp_path / "end_of_day_stats.csv")
    assert int(stats["guiHoSo"]["Request Count"]) > 5 and stats["guiHoSo"]["Failure Count"] == "0"
    assert int(stats["guiHoSo (lỗi có chủ đích)"]["Request Count"]) > 0
    verdict = json.loads((tmp_path / "end_of_day-verdict.json").read_text(encoding="utf-8"))
    valid, defective = verdict["verdicts"]["valid"], verdict["verdicts"]["defective"]
    assert valid["records"] >= int(stats["guiHoSo"]["Request Count"]) and valid["HOP_LE"] == valid["records"]
    assert defective["records"] > 0 and defective["KHONG_HOP_LE"] == defective["records"]
    report = (tmp_path / "end_of_day.html").read_text(encoding="utf-8")
    assert report.lstrip().startswith("<!DOCTYPE html>") and report.index("ĐẠT / PASS") < report.index("<div id=\"root\"")


@pytest.fixture
def broken_sandbox(database_url, tmp_path):
    """A sandbox that refuses every signature: its trusted CA is one no load certificate chains to."""
    from fixtures.pki import TestCA
    bundle = tmp_path / "other-ca.pem"
    bundle.write_bytes(TestCA("Một CA khác").cert_pem)
    port = free_port()
    server = start_server(database_url, port, SANDBOX_ADMIN_TOKEN=ADMIN, SANDBOX_TRUSTED_CA_FILE=str(bundle))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_run_against_a_sandbox_that_refuses_everything_fails(broken_sandbox, tmp_path):
    """Every HTTP answer is 200 and every call acknowledged, yet no HOSO is accepted: the run fails."""
    run = _load(broken_sandbox, "end_of_day", tmp_path)
    assert run.returncode == 1, run.stderr[-3000:]
    assert "KHÔNG ĐẠT / FAIL" in run.stderr and "HOP_LE" in run.stderr
    stats = _rows(tmp_path / "end_of_day_stats.csv")
    assert stats["guiHoSo"]["Failure Count"] == "0"          # HTTP and maKetQua alone would have passed
    assert "KHÔNG ĐẠT / FAIL" in (tmp_path / "end_of_day.html").read_text(encoding="utf-8")


def test_without_a_host_the_suite_runs_on_a_sandbox_of_its_own(tmp_path):
    """What `make load` runs: its own sandbox on a fresh database and a free port, stopped after."""
    cmd = [sys.executable, "-m", "sandbox.cli", "load", "reception", "--duration", "6", "--scale", "3",
           "--report", str(tmp_path)]
    env = {k: v for k, v in _env().items() if k != "SKDT_ADMIN_TOKEN"}
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "own sandbox: http://127.0.0.1:" in run.stderr and "ĐẠT / PASS" in run.stderr
    assert (tmp_path / "load.sqlite3").exists()
    stats = _rows(tmp_path / "reception_stats.csv")      # the 2026 reception: card, history, co-payment
    for name in ("card look-up", "visit history Lskcb2025", "checkIn"):
        assert int(stats[name]["Request Count"]) > 0 and stats[name]["Failure Count"] == "0", name


def test_a_threshold_fails_the_run(sandbox, tmp_path):
    run = _load(sandbox, "reception", tmp_path, "--p95-ms", "0.01")
    assert run.returncode == 1 and "THRESHOLDS FAILED" in run.stderr and "p95" in run.stderr


def test_distributed_run_with_two_workers(sandbox, tmp_path):
    port = free_port()
    env = _env()
    workers = [subprocess.Popen([sys.executable, "-m", "locust", "-f", "loadtests/citizen.py", "--worker",
                                 "--master-port", str(port), "--host", sandbox], env=env, cwd=Path(__file__).parents[2],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        run = _load(sandbox, "citizen", tmp_path, "--master", "--expect-workers", "2", "--master-bind-port", str(port),
                    env=env)
    finally:
        for w in workers:
            w.wait(timeout=60) if w.poll() is None else None
    assert run.returncode == 0, run.stderr[-3000:]
    assert "2 workers connected" in run.stderr or "(2 total workers)" in run.stderr or "workers: 2" in run.stderr, \
        run.stderr[-2000:]
    stats = _rows(tmp_path / "citizen_stats.csv")
    assert int(stats["vneid year of history"]["Request Count"]) > 3

"""The Locust suites, run headless against a sandbox started here: a short bounded run passes its
thresholds (CSV and HTML reports written, every acknowledged submission processed), an impossible
threshold fails the run through Locust's exit code, and a distributed run (one master, two workers)
works."""

import csv
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
    run = _load(sandbox, "end_of_day", tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "thresholds met" in run.stderr
    stats = _rows(tmp_path / "end_of_day_stats.csv")
    assert int(stats["guiHoSo"]["Request Count"]) > 5 and stats["guiHoSo"]["Failure Count"] == "0"
    assert (tmp_path / "end_of_day.html").read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>")


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

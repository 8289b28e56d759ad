"""``skdt-sandbox load SUITE``: a Locust suite headless (or with its web UI), with CSV and HTML reports
and the thresholds' exit code.

Without ``--host`` the suite runs against a sandbox of its own: a fresh SQLite database under the report
directory and a free port, started here and stopped after, so load facilities never reach a demo
province's board.  The verdict (PASS/FAIL and why) is printed last on the console and shown first in the
HTML report.  Ctrl-C or SIGTERM stops Locust (and its own sandbox) too.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import httpx

SUITES = ("reception", "end_of_day", "month_end", "citizen")
HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _own_sandbox(report: Path, admin_token: str, log_file) -> tuple[subprocess.Popen, str]:
    """A sandbox on a fresh database of its own, on a free port; its log goes to a file, not the console."""
    database = report / "load.sqlite3"
    database.unlink(missing_ok=True)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SANDBOX_ADMIN_TOKEN": admin_token,
           "SANDBOX_PROCESSING_MODE": "background", "SANDBOX_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port)], env=env,
                            stdout=log_file, stderr=log_file, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/portal/login", timeout=10)
            return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise click.ClickException(f"the load suite's own sandbox did not start (log: {log_file.name})")


def _stop(proc: subprocess.Popen | None) -> None:
    """Stop a child and everything it started (Locust's processes, the sandbox's workers)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def banner(outcome: dict) -> str:
    """The verdict as the first thing the HTML report shows."""
    colour = "#1b5e20" if outcome["passed"] else "#b71c1c"
    word = "ĐẠT / PASS" if outcome["passed"] else "KHÔNG ĐẠT / FAIL"
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in outcome["reasons"])
    return (f'<div id="skdt-verdict" style="border:3px solid {colour};padding:12px;margin:12px;font-family:sans-serif">'
            f'<h2 style="color:{colour};margin:0 0 8px">{word}</h2><p>{html.escape(outcome["summary"])}</p>'
            f'{"<ul>" + reasons + "</ul>" if reasons else ""}</div>')


def _mark_report(path: Path, outcome: dict) -> None:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        at = text.find("<body>")
        at = at + len("<body>") if at >= 0 else 0
        path.write_text(text[:at] + banner(outcome) + text[at:], encoding="utf-8")


@click.command("load", context_settings={"ignore_unknown_options": True})
@click.argument("suite", type=click.Choice(SUITES))
@click.option("--host", default=None, help="the sandbox under load (default: one of its own, on a fresh database)")
@click.option("--scale", default="facility", show_default=True, help="facility | province | national | requests/s")
@click.option("--duration", type=float, default=300, show_default=True, help="seconds")
@click.option("--facilities", type=int, default=None, help="simulated facilities (default by scale)")
@click.option("--p95-ms", type=float, default=2000, show_default=True)
@click.option("--max-error-rate", type=float, default=0.01, show_default=True)
@click.option("--min-accepted", type=float, default=1.0, show_default=True,
              help="share of the HOSO and check-ins meant to be valid that must be accepted (HOP_LE)")
@click.option("--defective-share", type=float, default=0.05, show_default=True,
              help="share of HOSO made defective on purpose (each must be refused)")
@click.option("--processed-within", type=float, default=60, show_default=True,
              help="seconds after the run by which every acknowledged submission must be processed")
@click.option("--report", "report", type=click.Path(path_type=Path), default=Path("var/load"), show_default=True,
              help="directory of the CSV and HTML reports")
@click.option("--web", is_flag=True, help="Locust's web UI instead of a headless run")
@click.argument("locust_args", nargs=-1, type=click.UNPROCESSED)
def load_command(suite, host, scale, duration, facilities, p95_ms, max_error_rate, min_accepted, defective_share,
                 processed_within, report, web, locust_args):
    """Chạy bộ thử tải Locust (đón tiếp buổi sáng, gửi hồ sơ cuối ngày, cuối tháng, người dân xem Sổ SKĐT).

    Extra arguments go to Locust as they are, e.g. ``-- --master --expect-workers 2``."""
    report = report.resolve()
    report.mkdir(parents=True, exist_ok=True)
    verdict_file = report / f"{suite}-verdict.json"
    verdict_file.unlink(missing_ok=True)
    env = {**os.environ, "SKDT_SCALE": scale, "SKDT_DURATION": str(duration), "SKDT_P95_MS": str(p95_ms),
           "SKDT_MAX_ERROR_RATE": str(max_error_rate), "SKDT_PROCESSED_WITHIN": str(processed_within),
           "SKDT_MIN_ACCEPTED": str(min_accepted), "SKDT_DEFECTIVE_SHARE": str(defective_share),
           "SKDT_VERDICT_FILE": str(verdict_file)}
    if facilities:
        env["SKDT_FACILITIES"] = str(facilities)
    sandbox = locust = None
    stopping = []

    def stop(signum, _frame):
        stopping.append(signum)
        _stop(locust)
        _stop(sandbox)
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with (report / "sandbox.log").open("w", encoding="utf-8") as log_file:
            if host is None:
                env["SKDT_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
                sandbox, host = _own_sandbox(report, env["SKDT_ADMIN_TOKEN"], log_file)
                click.echo(f"sandbox riêng cho lần thử tải / own sandbox: {host} (log: {log_file.name})", err=True)
            args = [sys.executable, "-m", "locust", "-f", str(HERE / f"{suite}.py"), "--host", host,
                    "--csv", str(report / suite), "--html", str(report / f"{suite}.html")]
            if not web:
                args += ["--headless", "--only-summary"]
            args += list(locust_args)
            click.echo(" ".join(args[1:]), err=True)
            locust = subprocess.Popen(args, env=env, start_new_session=True)
            code = locust.wait()
    finally:
        _stop(locust)
        _stop(sandbox)
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopping:
        click.echo("đã dừng / stopped", err=True)
        sys.exit(130)
    if verdict_file.exists():
        outcome = json.loads(verdict_file.read_text(encoding="utf-8"))
        _mark_report(report / f"{suite}.html", outcome)
        word = "ĐẠT / PASS" if outcome["passed"] else "KHÔNG ĐẠT / FAIL"
        click.echo(f"\n== {word} — {suite} ==\n{outcome['summary']}", err=True)
        for reason in outcome["reasons"]:
            click.echo(f"  ✗ {reason}", err=True)
    sys.exit(code)

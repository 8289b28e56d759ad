"""``skdt-sandbox load SUITE``: a Locust suite headless (or with its web UI), with CSV and HTML reports
and the thresholds' exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

SUITES = ("reception", "end_of_day", "month_end", "citizen")
HERE = Path(__file__).resolve().parent


@click.command("load", context_settings={"ignore_unknown_options": True})
@click.argument("suite", type=click.Choice(SUITES))
@click.option("--host", default="http://127.0.0.1:8000", show_default=True, help="the sandbox under load")
@click.option("--scale", default="facility", show_default=True, help="facility | province | national | requests/s")
@click.option("--duration", type=float, default=300, show_default=True, help="seconds")
@click.option("--facilities", type=int, default=None, help="simulated facilities (default by scale)")
@click.option("--p95-ms", type=float, default=2000, show_default=True)
@click.option("--max-error-rate", type=float, default=0.01, show_default=True)
@click.option("--processed-within", type=float, default=60, show_default=True,
              help="seconds after the run by which every acknowledged submission must be processed")
@click.option("--report", "report", type=click.Path(path_type=Path), default=Path("var/load"), show_default=True,
              help="directory of the CSV and HTML reports")
@click.option("--web", is_flag=True, help="Locust's web UI instead of a headless run")
@click.argument("locust_args", nargs=-1, type=click.UNPROCESSED)
def load_command(suite, host, scale, duration, facilities, p95_ms, max_error_rate, processed_within, report, web,
                 locust_args):
    """Chạy bộ thử tải Locust (đón tiếp buổi sáng, gửi hồ sơ cuối ngày, cuối tháng, người dân xem Sổ SKĐT).

    Extra arguments go to Locust as they are, e.g. ``-- --master --expect-workers 2``."""
    env = {**os.environ, "SKDT_SCALE": scale, "SKDT_DURATION": str(duration), "SKDT_P95_MS": str(p95_ms),
           "SKDT_MAX_ERROR_RATE": str(max_error_rate), "SKDT_PROCESSED_WITHIN": str(processed_within)}
    if facilities:
        env["SKDT_FACILITIES"] = str(facilities)
    report.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "locust", "-f", str(HERE / f"{suite}.py"), "--host", host,
            "--csv", str(report / suite), "--html", str(report / f"{suite}.html")]
    if not web:
        args += ["--headless"]
    args += list(locust_args)
    click.echo(" ".join(args[1:]), err=True)
    sys.exit(subprocess.call(args, env=env))

"""Pass / fail: p95 latency, error rate, and every acknowledged submission processed within N seconds
after the run (read from the sandbox's queue).  A failed threshold sets Locust's exit code to 1."""

from __future__ import annotations

import logging
import time

import httpx
from locust import events
from locust.runners import WorkerRunner

from .users import STATE

log = logging.getLogger(__name__)
ACKNOWLEDGED = ("guiHoSo", "checkIn")


@events.test_start.add_listener
def _started(environment, **_kw):
    if isinstance(environment.runner, WorkerRunner) or environment.host is None:
        return
    plan = STATE["plan"]
    now = httpx.get(f"{environment.host}/admin/api/clock", headers={"X-Admin-Token": plan.admin_token}, timeout=30)
    STATE["since"] = now.json()["now"]


@events.quitting.add_listener
def _verdict(environment, **_kw):
    if isinstance(environment.runner, WorkerRunner) or STATE.get("plan") is None or "since" not in STATE:
        return
    plan, total = STATE["plan"], environment.stats.total
    failures = []
    if total.num_requests == 0:
        failures.append("no request was made")
    if total.fail_ratio > plan.max_error_rate:
        failures.append(f"error rate {total.fail_ratio:.2%} > {plan.max_error_rate:.2%}")
    p95 = total.get_response_time_percentile(0.95) or 0
    if p95 > plan.p95_ms:
        failures.append(f"p95 {p95:.0f} ms > {plan.p95_ms:.0f} ms")
    acknowledged = sum(max(0, e.num_requests - e.num_failures) for e in environment.stats.entries.values()
                       if e.name in ACKNOWLEDGED)
    if acknowledged:
        deadline = time.monotonic() + plan.processed_within
        while True:
            queue = httpx.get(f"{environment.host}/admin/api/queue", params={"since": STATE["since"]},
                              headers={"X-Admin-Token": plan.admin_token}, timeout=30).json()
            if queue["received"] + queue["processing"] == 0 and queue["processed"] >= acknowledged:
                break
            if time.monotonic() > deadline:
                failures.append(f"{queue['received'] + queue['processing']} of {acknowledged} acknowledged submissions "
                                f"not processed {plan.processed_within:.0f} s after the run")
                break
            time.sleep(0.5)
        STATE["processed"] = queue["processed"]
    summary = (f"requests {total.num_requests}, errors {total.fail_ratio:.2%}, p95 {p95:.0f} ms, "
               f"acknowledged {acknowledged}, processed {STATE.get('processed', 0)}")
    if failures:
        log.error("THRESHOLDS FAILED — %s — %s", "; ".join(failures), summary)
        environment.process_exit_code = 1
    else:
        log.info("thresholds met — %s", summary)

"""Pass / fail, judged on verdicts, not on HTTP status: p95 latency, error rate, every acknowledged
submission processed within N seconds after the run, the share of what the suite meant to be valid that
the sandbox accepted (HOP_LE), and every deliberately defective HOSO refused.  A run that measured
refusals has not measured acceptance: it fails.  The verdict is printed first, with its reasons, and
written as JSON (``SKDT_VERDICT_FILE``) for the HTML report's banner; a failed threshold sets Locust's
exit code to 1.  While the run lasts, one progress line every ``SKDT_PROGRESS_SECONDS`` (default 10)."""

from __future__ import annotations

import json
import logging
import os
import time

import gevent
import httpx
from locust import events
from locust.runners import WorkerRunner

from .setup import DEFECTIVE, VALID
from .verdicts import judge_verdicts
from .users import DEFECTIVE_NAME, STATE

log = logging.getLogger(__name__)
VALID_NAMES = ("guiHoSo", "checkIn")


def _acknowledged(environment, names) -> int:
    return sum(max(0, e.num_requests - e.num_failures) for e in environment.stats.entries.values() if e.name in names)


def _queue(environment, plan, prefix: str = "") -> dict:
    params = {"since": STATE["since"], **({"maLkPrefix": prefix} if prefix else {})}
    return httpx.get(f"{environment.host}/admin/api/queue", params=params,
                     headers={"X-Admin-Token": plan.admin_token}, timeout=120).json()


def _progress(environment, every: float) -> None:
    while True:
        gevent.sleep(every)
        total = environment.stats.total
        log.info("… %d yêu cầu / requests, %.0f/s, lỗi / errors %.2f %%, p95 %s ms, đã xác nhận / acknowledged %d",
                 total.num_requests, total.current_rps, 100 * total.fail_ratio,
                 f"{total.get_response_time_percentile(0.95) or 0:.0f}",
                 _acknowledged(environment, VALID_NAMES + (DEFECTIVE_NAME,)))


@events.test_start.add_listener
def _started(environment, **_kw):
    if isinstance(environment.runner, WorkerRunner) or environment.host is None:
        return
    plan = STATE["plan"]
    now = httpx.get(f"{environment.host}/admin/api/clock", headers={"X-Admin-Token": plan.admin_token}, timeout=30)
    STATE["since"] = now.json()["now"]
    STATE["progress"] = gevent.spawn(_progress, environment, float(os.environ.get("SKDT_PROGRESS_SECONDS", "10")))


def _wait_processed(environment, plan, acknowledged: int, failures: list[str]) -> None:
    deadline = time.monotonic() + plan.processed_within
    while True:
        queue = _queue(environment, plan)
        if queue["received"] + queue["processing"] == 0 and queue["processed"] >= acknowledged:
            break
        if time.monotonic() > deadline:
            failures.append(f"{queue['received'] + queue['processing']} trong {acknowledged} hồ sơ đã xác nhận chưa được "
                            f"xử lý sau {plan.processed_within:.0f} s / acknowledged submissions not processed in time")
            break
        time.sleep(0.5)
    STATE["processed"] = queue["processed"]


@events.quitting.add_listener
def _verdict(environment, **_kw):
    if isinstance(environment.runner, WorkerRunner) or STATE.get("plan") is None or "since" not in STATE:
        return
    if STATE.get("progress") is not None:
        STATE["progress"].kill()
    plan, total = STATE["plan"], environment.stats.total
    failures = []
    if total.num_requests == 0:
        failures.append("không có yêu cầu nào / no request was made")
    if total.fail_ratio > plan.max_error_rate:
        failures.append(f"tỉ lệ lỗi / error rate {total.fail_ratio:.2%} > {plan.max_error_rate:.2%}")
    p95 = total.get_response_time_percentile(0.95) or 0
    if p95 > plan.p95_ms:
        failures.append(f"p95 {p95:.0f} ms > {plan.p95_ms:.0f} ms")
    valid_ack = _acknowledged(environment, VALID_NAMES)
    defective_ack = _acknowledged(environment, (DEFECTIVE_NAME,))
    verdicts = {}
    if valid_ack + defective_ack:
        _wait_processed(environment, plan, valid_ack + defective_ack, failures)
        verdicts = {"valid": _queue(environment, plan, VALID)["verdicts"],
                    "defective": _queue(environment, plan, DEFECTIVE)["verdicts"]}
        failures += judge_verdicts(verdicts["valid"], verdicts["defective"], valid_ack, defective_ack, plan.min_accepted)
    summary = (f"requests {total.num_requests}, errors {total.fail_ratio:.2%}, p95 {p95:.0f} ms, "
               f"acknowledged {valid_ack} valid + {defective_ack} defective, processed {STATE.get('processed', 0)}, "
               f"accepted {verdicts.get('valid', {}).get('HOP_LE', 0)} of {verdicts.get('valid', {}).get('records', 0)} "
               f"valid, refused {verdicts.get('defective', {}).get('KHONG_HOP_LE', 0)} of "
               f"{verdicts.get('defective', {}).get('records', 0)} defective")
    outcome = {"passed": not failures, "reasons": failures, "summary": summary, "verdicts": verdicts}
    if os.environ.get("SKDT_VERDICT_FILE"):
        with open(os.environ["SKDT_VERDICT_FILE"], "w", encoding="utf-8") as fh:
            json.dump(outcome, fh, ensure_ascii=False, indent=1)
    if failures:
        log.error("FAIL — THRESHOLDS FAILED — %s — %s", "; ".join(failures), summary)
        environment.process_exit_code = 1
    else:
        log.info("PASS — thresholds met — %s", summary)

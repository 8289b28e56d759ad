"""Sizing of the load suites, from published figures and our estimates (all secondary or estimated):

* national design target ≈ 150–200 requests/s at peak (180–200 M visits a year, ≈ 2.5–3 calls per
  visit, 70 % of traffic in the busy 8 hours, peak factor 3);
* one large hospital (5–8 k outpatient visits a day): 1–3 requests/s sustained, bursts of 10–20/s;
* mixed traffic check-in : submission : card check ≈ 1 : 1 : 1–1.5.

``SKDT_SCALE`` picks the peak: ``facility`` (one large hospital's burst), ``province`` (a province like
Ninh Thuận, 79 facilities: our estimate), ``national`` (the design target), or a number of requests
per second; ``SKDT_RPS`` overrides it.  Each simulated user paces itself at one task a second, so the
number of users is the arrival rate.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

SCALES = {"facility": 10.0, "province": 25.0, "national": 200.0}
FACILITIES = {"facility": 1, "province": 10, "national": 20}


@dataclass(frozen=True)
class Plan:
    peak_rps: float
    duration: float          # seconds
    facilities: int
    pool: int                # signed payloads per facility, built before the test starts
    p95_ms: float            # thresholds that set Locust's exit code
    max_error_rate: float
    processed_within: float  # seconds after the end by which every acknowledged submission is processed
    admin_token: str
    large_share: float = 0.0  # share of large inpatient envelopes (month-end)
    defective_share: float = 0.05   # HOSO made defective on purpose: every one must be refused
    min_accepted: float = 1.0       # share of the HOSO and check-ins meant to be valid that must be HOP_LE

    def users_at(self, t: float, factor: float = 1.0) -> int:
        """Ramp up over the first 20 % of the run, hold the peak, ramp down over the last 10 %."""
        if t >= self.duration:
            return 0
        peak = max(1, math.ceil(self.peak_rps * factor))
        up, down = self.duration * 0.2, self.duration * 0.9
        if t < up:
            return max(1, math.ceil(peak * t / up))
        if t > down:
            return max(1, math.ceil(peak * (self.duration - t) / (self.duration - down)))
        return peak


def from_env(default_scale: str = "facility", **overrides) -> Plan:
    env = os.environ
    scale = env.get("SKDT_SCALE", default_scale)
    peak = float(env.get("SKDT_RPS") or SCALES.get(scale) or float(scale))
    values = dict(peak_rps=peak, duration=float(env.get("SKDT_DURATION", "300")),
                  facilities=int(env.get("SKDT_FACILITIES", FACILITIES.get(scale, 4))),
                  pool=int(env.get("SKDT_POOL", "30")), p95_ms=float(env.get("SKDT_P95_MS", "2000")),
                  max_error_rate=float(env.get("SKDT_MAX_ERROR_RATE", "0.01")),
                  processed_within=float(env.get("SKDT_PROCESSED_WITHIN", "60")),
                  admin_token=env.get("SKDT_ADMIN_TOKEN", env.get("SANDBOX_ADMIN_TOKEN", "admin-dev-token")),
                  defective_share=float(env.get("SKDT_DEFECTIVE_SHARE", "0.05")),
                  min_accepted=float(env.get("SKDT_MIN_ACCEPTED", "1.0")))
    values.update(overrides)
    return Plan(**values)

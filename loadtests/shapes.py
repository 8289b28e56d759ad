"""The load shape every suite uses: ramp up, hold the plan's peak arrival rate, ramp down."""

from __future__ import annotations

from locust import LoadTestShape

from .users import STATE


class PeakShape(LoadTestShape):
    factor = 1.0

    def tick(self):
        plan = STATE["plan"]
        users = plan.users_at(self.get_run_time(), self.factor)
        if users == 0:
            return None
        return users, max(1.0, plan.peak_rps * self.factor / 5)   # the locustfile holds one user class

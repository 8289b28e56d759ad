"""The load shape every suite uses: ramp up, hold the plan's peak arrival rate, ramp down."""

from __future__ import annotations

from locust import LoadTestShape
from locust.runners import MasterRunner

from .users import STATE


class PeakShape(LoadTestShape):
    factor = 1.0

    started_at: float | None = None
    WAIT_FOR_WORKERS = 60.0   # then start anyway: users wait for their process's pools

    def tick(self):
        plan = STATE["plan"]
        now = self.get_run_time()
        if self.started_at is None:
            runner = self.runner
            waiting = isinstance(runner, MasterRunner) and len(STATE.get("ready_nodes", ())) < max(1, runner.worker_count)
            if waiting and now < self.WAIT_FOR_WORKERS:
                return 0, 1   # workers still signing their pools: the run starts when they are ready
            self.started_at = now
        users = plan.users_at(now - self.started_at, self.factor)
        if users == 0:
            return None
        return users, max(1.0, plan.peak_rps * self.factor / 5)   # the locustfile holds one user class

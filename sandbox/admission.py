"""Admission control: the gateway stops taking submissions while its workers are too far behind.

The backlog is measured as the age of the oldest submission still waiting for a worker (DA_TIEP_NHAN):
the queue is served oldest first, so that age is how long a submission acknowledged now would wait.  While
it exceeds ``max_backlog_seconds`` new HOSO and check-ins are answered ``1011`` (family 1001, resend later —
what the real gateway answers at its peak) and nothing is stored; look-ups and results are not affected.
Each web process looks at the queue at most once a second (one indexed query: ix_submission_status).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from .clock import as_utc
from .context import Context
from .errors import SandboxError
from .result_codes import ResultCode as RC
from .storage.models import Submission
from .storage.submissions import RECEIVED

REFRESH_SECONDS = 1.0
_lock = threading.Lock()
_state = {"at": -1e9, "age": 0.0}


def backlog_seconds(ctx: Context) -> float:
    """How long the oldest submission waiting for a worker has waited (0: none waiting)."""
    with ctx.db.read() as s:
        oldest = s.scalar(select(func.min(Submission.received_at)).where(Submission.status == RECEIVED))
    return max(0.0, (ctx.clock.now() - as_utc(oldest)).total_seconds()) if oldest else 0.0


def check(ctx: Context) -> None:
    """Refuse (1011) a new submission while the backlog is over the limit."""
    limit = ctx.settings.max_backlog_seconds
    if limit <= 0 or ctx.settings.processing_mode == "inline":
        return
    now = time.monotonic()
    if now - _state["at"] >= REFRESH_SECONDS:
        with _lock:
            if now - _state["at"] >= REFRESH_SECONDS:
                _state["age"], _state["at"] = backlog_seconds(ctx), now
    age = _state["age"]
    if age > limit:
        raise SandboxError(f"hồ sơ cũ nhất đã chờ {int(age)} giây (giới hạn {int(limit)} giây)",
                           f"the oldest waiting submission has waited {int(age)} s (limit {int(limit)} s)",
                           code=RC.BACKLOG)


def reset() -> None:
    """Forget the cached backlog (tests)."""
    _state["at"] = -1e9

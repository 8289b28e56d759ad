"""Background worker thread that drains the queue of acknowledged submissions."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

from ..context import Context
from .service import process_pending

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="skdt-worker", daemon=True)
            self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.ctx.settings.crash_before_processing:
                    with self.ctx.db.session() as s:
                        from ..storage.submissions import pending_ids
                        pending = pending_ids(s, self.ctx.clock.now(), self.ctx.settings.stale_claim_seconds, 1)
                    if pending:
                        time.sleep(1.0)  # let the acknowledgement reach the caller, then die
                        log.error("crash_before_processing is set: exiting without processing")
                        os._exit(70)
                process_pending(self.ctx)
            except Exception:  # noqa: BLE001 - keep the worker alive; the queue is durable
                log.exception("worker pass failed")
            self._wake.wait(self.ctx.settings.worker_poll_seconds)
            self._wake.clear()


def run_worker(ctx: Context, *, batch: int = 8, stop: threading.Event | None = None,
               on_idle=None) -> int:
    """A processing loop of its own (``skdt-sandbox worker``): claim a batch (on PostgreSQL with
    FOR UPDATE SKIP LOCKED, so several workers on one or several machines never pick the same
    submission), process it, repeat; poll when the queue is empty.  Returns how many it stored."""
    from ..storage import submissions as repo
    from .heartbeat import holding, new_token
    from .service import process_batch
    stop = stop or threading.Event()
    done = 0
    listener = None
    if not ctx.db.is_sqlite:
        from ..storage.queue_signal import Listener
        listener = Listener(ctx.settings.listen_url or ctx.db.url)
    log.info("worker %s started (batch %d, %s)", new_token().rsplit(":", 1)[0], batch,
             f"LISTEN, idle {ctx.settings.worker_idle_seconds:.1f} s" if listener
             else f"poll {ctx.settings.worker_poll_seconds:.1f} s")
    while not stop.is_set():
        token = new_token()
        try:
            with ctx.db.session() as s:
                ids = repo.claim_batch(s, ctx.clock.now(), ctx.settings.stale_claim_seconds, token, batch)
        except Exception:  # noqa: BLE001 - the database may be restarting: try again
            log.warning("claiming failed", exc_info=True)
            ids = []
        with contextlib.ExitStack() as held:   # the whole batch is renewed while it waits its turn
            for submission_id in ids:
                held.enter_context(holding(ctx, submission_id, token))
            if ids:
                done += process_batch(ctx, ids, token)   # read together, judged, stored in one transaction
        if not ids:
            if on_idle is not None:
                on_idle()
            if listener is None:
                stop.wait(ctx.settings.worker_poll_seconds)
            else:   # woken by the next acknowledgement, or look again after worker_idle_seconds
                listener.wait(ctx.settings.worker_idle_seconds, stop)
    if listener is not None:
        listener.close()
    return done

"""Background worker thread that drains the queue of acknowledged submissions."""

from __future__ import annotations

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

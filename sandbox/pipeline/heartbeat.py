"""The claims this process is working on, renewed every ``heartbeat_seconds`` by one daemon thread,
so that only a dead worker's claims go stale (and are taken over within ``stale_claim_seconds``)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid

from ..context import Context
from ..storage import submissions as repo

log = logging.getLogger(__name__)
_lock = threading.Lock()
_held: dict[str, tuple[str, Context]] = {}
_thread: threading.Thread | None = None


def new_token() -> str:
    """host:pid:random — which process holds a claim, for operators and the kill test."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def holding(ctx: Context, submission_id: str, token: str):
    _start(ctx)
    with _lock:
        _held[submission_id] = (token, ctx)
    try:
        yield
    finally:
        with _lock:
            _held.pop(submission_id, None)


def _start(ctx: Context) -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_beat, args=(ctx.settings.heartbeat_seconds,), name="skdt-heartbeat",
                                       daemon=True)
            _thread.start()


def _beat(interval: float) -> None:
    stop = threading.Event()
    while not stop.wait(interval):
        with _lock:
            held = list(_held.items())
        by_ctx: dict[int, tuple[Context, list]] = {}
        for submission_id, (token, ctx) in held:
            by_ctx.setdefault(id(ctx), (ctx, []))[1].append((submission_id, token))
        for ctx, claims in by_ctx.values():
            try:
                with ctx.db.session() as s:
                    repo.renew(s, claims, ctx.clock.now())
            except Exception:  # noqa: BLE001 - a missed beat only makes a claim look older
                log.warning("heartbeat failed", exc_info=True)

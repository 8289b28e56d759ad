"""Workers wake when a submission is acknowledged instead of polling (PostgreSQL LISTEN/NOTIFY).

The acknowledgement's statement sends ``pg_notify('skdt_queue', '')`` (submissions.acknowledge; delivered
when it commits, never before); each ``skdt-sandbox worker`` holds one connection that LISTENs and sleeps on it until a notification or
``worker_idle_seconds`` (a safety net: a notification missed while the worker reconnects costs that much
delay, never a lost submission — the queue is the table).  SQLite has no notifications: workers poll
every ``worker_poll_seconds`` there.  LISTEN needs a session of its own: behind PgBouncer in transaction
mode give the workers ``SANDBOX_LISTEN_URL`` pointing at PostgreSQL itself (NOTIFY passes through).
"""

from __future__ import annotations

import logging
import select


from .db import normalise_url

CHANNEL = "skdt_queue"
log = logging.getLogger(__name__)


class Listener:
    """One LISTEN connection; ``wait(seconds)`` returns True when woken by a notification."""

    def __init__(self, url: str):
        self.url = normalise_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
        self._conn = None

    def _connect(self):
        import psycopg
        conn = psycopg.connect(self.url, autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    def wait(self, seconds: float, stop=None) -> bool:
        """Sleep until a notification, ``seconds`` or ``stop`` (a threading.Event, looked at every 0.25 s)."""
        try:
            if self._conn is None:
                self._connect()
            waited = 0.0
            while waited < seconds and not (stop is not None and stop.is_set()):
                step = min(0.25, seconds - waited)
                ready, _, _ = select.select([self._conn.fileno()], [], [], step)
                if ready:
                    return any(True for _ in self._conn.notifies(timeout=0, stop_after=64))
                waited += step
            return False
        except Exception:  # noqa: BLE001 - the database may be restarting: poll meanwhile
            log.warning("LISTEN connection lost; polling until it is back", exc_info=True)
            self.close()
            if stop is not None:
                stop.wait(min(seconds, 1.0))
            return False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
            self._conn = None

"""The runtime context shared by the app, the CLI and the worker: settings, database and clock."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock
from .settings import Settings
from .storage.db import Database
from .storage.models import ClockState


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: Clock

    @classmethod
    def create(cls, settings: Settings | None = None) -> "Context":
        settings = (settings or Settings.from_env()).with_installation_secret()
        db = Database(settings.database_url, server_prepare=settings.pg_prepared_statements)

        def load() -> float:
            with db.read() as s:
                row = s.get(ClockState, 1)
                return float(row.offset_seconds) if row else 0.0

        def store(seconds: float) -> None:
            with db.session() as s:
                row = s.get(ClockState, 1)
                if row is None:
                    s.add(ClockState(id=1, offset_seconds=seconds))
                else:
                    row.offset_seconds = seconds

        return cls(settings=settings, db=db, clock=Clock(load, store, settings.clock_refresh_seconds))

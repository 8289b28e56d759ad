"""Column types the models share."""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant, stored in UTC.  An aware value is converted to UTC before it is bound: SQLite
    keeps datetimes as text without their offset, so a Vietnam-time bound (a search from 00:00 on a
    day in Vietnam) compared with stored UTC text was seven hours off.  Naive values are UTC already."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(timezone.utc) if value is not None and value.tzinfo is not None else value


TZ = UTCDateTime()

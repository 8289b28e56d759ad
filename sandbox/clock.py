"""The sandbox clock: real UTC time plus an offset an administrator can move; the only source of "now"."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

VN_TZ = timezone(timedelta(hours=7))
_OFFSET_RE = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A century each way reaches every regulation the sandbox knows (2019 cards to the 2030s) and keeps
# "now + offset" a real date: -920701407w overflowed timedelta and answered 500.
MAX_OFFSET_SECONDS = 36525 * 86400


def parse_offset(text: str) -> timedelta:
    """Parse ``+36h``, ``-2d``, ``90m``, ``0`` into a timedelta; ValueError otherwise."""
    match = _OFFSET_RE.match(text or "")
    if not match:
        raise ValueError(f"offset must look like +36h, -2d, 90m or 0, got {text!r}")
    sign, number, unit = match.groups()
    seconds = float(number) * _UNITS[unit]
    if seconds > MAX_OFFSET_SECONDS:
        raise ValueError("offset must stay within 100 years of today")
    return timedelta(seconds=-seconds if sign == "-" else seconds)


def format_offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{sign}{seconds // size}{unit}"
    return f"{sign}{seconds}s"


class Clock:
    """Now = real time + offset.  The offset lives in the database so every process agrees;
    each process caches it for ``refresh_seconds``."""

    def __init__(self, load_offset: Callable[[], float], store_offset: Callable[[float], None],
                 refresh_seconds: float = 1.0):
        self._load = load_offset
        self._store = store_offset
        self._refresh = refresh_seconds
        self._cached: float | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def offset(self) -> timedelta:
        mono = time.monotonic()
        with self._lock:
            if self._cached is None or mono - self._loaded_at >= self._refresh:
                self._cached = self._load()
                self._loaded_at = mono
            return timedelta(seconds=self._cached)

    def set_offset(self, delta: timedelta) -> None:
        self._store(delta.total_seconds())
        with self._lock:
            self._cached = delta.total_seconds()
            self._loaded_at = time.monotonic()

    def now(self) -> datetime:
        """Aware UTC datetime on the sandbox clock."""
        return datetime.now(timezone.utc) + self.offset()


def as_utc(value: datetime) -> datetime:
    """Databases may hand back naive datetimes (SQLite); they are stored as UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def vn_text(value: datetime, seconds: bool = False) -> str:
    """dd/MM/yyyy HH:mm[:ss] in Vietnam time, as people read a stored (UTC) instant."""
    return as_utc(value).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def wire_time(value: datetime) -> str:
    """yyyyMMddHHmmss in Vietnam time, as the gateway writes thoiGianTiepNhan."""
    return as_utc(value).astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")

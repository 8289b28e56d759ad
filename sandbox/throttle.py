"""Limits on guessing, for every login of the sandbox (gateway token, portal, VNeID password and passcode).

Two counters per attempt. The account *from that address* locks after ACCOUNT_LIMIT failures for
LOCK_MINUTES (so nobody can lock a facility out of its own registered address by failing from elsewhere).
The client address alone never locks: behind a hospital's NAT one person guessing must not lock out the
whole hospital. Past ADDRESS_FREE failures in the window each further failure from the address makes the
next attempt wait, doubling from 2 s up to ADDRESS_MAX_DELAY — guessing many accounts from one address
slows to one try a minute, while a colleague with the right password waits seconds at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import as_utc
from .context import Context
from .storage.models import LoginThrottle

ACCOUNT_LIMIT = 5            # failures of one account from one address: then locked for LOCK_MINUTES
ADDRESS_FREE = 10            # failures from one address, any account, within the window, before any delay
ADDRESS_MAX_DELAY = 60       # seconds: the longest wait one more failure from the address can impose
WINDOW_MINUTES = 15
LOCK_MINUTES = 15


class Locked(Exception):
    def __init__(self, until: datetime, now: datetime):
        super().__init__(until.isoformat())
        self.until = until
        self.seconds_left = max(1, int((until - now).total_seconds() + 0.999))
        self.minutes_left = max(1, int((until - now).total_seconds() // 60) + 1)
        self.wait_vi = f"{self.seconds_left} giây" if self.seconds_left < 120 else f"{self.minutes_left} phút"
        self.wait_en = f"{self.seconds_left} seconds" if self.seconds_left < 120 else f"{self.minutes_left} minutes"


def _keys(realm: str, account: str, address: str | None) -> tuple[str, str]:
    where = address or "-"
    return f"{realm}|addr|{where}"[:200], f"{realm}|{account}|{where}"[:200]


def check(ctx: Context, realm: str, account: str, address: str | None) -> None:
    """Raise Locked when the address or this account from this address is locked out."""
    now = ctx.clock.now()
    with ctx.db.read() as s:
        for key in _keys(realm, account, address):
            row = s.get(LoginThrottle, key)
            if row is not None and row.locked_until is not None and as_utc(row.locked_until) > now:
                raise Locked(as_utc(row.locked_until), now)


def failed(ctx: Context, realm: str, account: str, address: str | None) -> int:
    """Count a failure; returns the tries left for the account from this address (0: now locked).
    The count is atomic: each counter row is read FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers), and a first failure racing another to create the row retries, so
    concurrent guesses can never slip between a read and its write."""
    from sqlalchemy.exc import IntegrityError
    for attempt in range(3):
        try:
            return _count(ctx, realm, account, address)
        except IntegrityError:
            if attempt == 2:
                raise
    return 0


def _count(ctx: Context, realm: str, account: str, address: str | None) -> int:
    now = ctx.clock.now()
    left = ACCOUNT_LIMIT
    with ctx.db.session() as s:
        for key, limit in zip(_keys(realm, account, address), (None, ACCOUNT_LIMIT)):
            row = s.get(LoginThrottle, key, with_for_update=True)
            if row is None:
                row = LoginThrottle(key=key, failures=0, window_start=now)
                s.add(row)
                s.flush()           # a concurrent first failure makes this raise: counted again
            if now - as_utc(row.window_start) > timedelta(minutes=WINDOW_MINUTES):
                row.failures, row.window_start = 0, now
            row.failures += 1
            if limit is None:       # the address: a growing wait, never a lock
                if row.failures > ADDRESS_FREE:
                    delay = min(2 ** (row.failures - ADDRESS_FREE), ADDRESS_MAX_DELAY)
                    row.locked_until = now + timedelta(seconds=delay)
                continue
            if row.failures >= limit:
                row.locked_until, row.failures = now + timedelta(minutes=LOCK_MINUTES), 0
                if limit == ACCOUNT_LIMIT:
                    left = 0
            elif limit == ACCOUNT_LIMIT:
                left = limit - row.failures
    return left


def succeeded(ctx: Context, realm: str, account: str, address: str | None) -> None:
    with ctx.db.session() as s:
        row = s.get(LoginThrottle, _keys(realm, account, address)[1])
        if row is not None:
            s.delete(row)


def clear(ctx: Context, realm: str, account: str) -> None:
    """An administrator unlocks an account (from every address)."""
    from sqlalchemy import delete
    with ctx.db.session() as s:
        s.execute(delete(LoginThrottle).where(LoginThrottle.key.like(f"{realm}|{account}|%")))

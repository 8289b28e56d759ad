"""Server-side page sessions, one cookie per area: the portal (``skdt_portal``, path /portal), the province
pages (``skdt_so_y_te``, /so-y-te) and VNeID (``skdt_vneid``, /vneid; its session lives in vneid.py).

A cookie holds only a random token; the server keeps its keyed digest with the username, the moment of
login and of the last request, and a stamp of the password hash.  A session ends at logout, after
``page_idle_minutes`` without a request or ``page_absolute_hours`` after login, and as soon as the
password changes; the account's standing (active, facility not suspended, caller's address allowed) is
checked again by the area on every request, so a disabled account's open session dies on its next click.
Logging in to one area leaves the others alone.  Why not Flask's signed cookie: it cannot be withdrawn
(a copied cookie outlived logout by 31 days)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import flask
from sqlalchemy import delete, select, update

from ..clock import as_utc
from ..context import Context
from ..security import keyed_digest
from ..storage.models import PageSession

AREAS = {"portal": ("skdt_portal", "/portal"), "province": ("skdt_so_y_te", "/so-y-te"),
         "vneid": ("skdt_vneid", "/vneid")}
TOUCH_SECONDS = 60   # the last-request time is written at most once a minute per session


@dataclass(frozen=True)
class Current:
    subject: str
    stamp: str


def stamp(ctx: Context, password_hash: str) -> str:
    return keyed_digest(ctx.settings.secret_key, "page-stamp", password_hash)


def _digest(ctx: Context, token: str) -> str:
    return keyed_digest(ctx.settings.secret_key, "page-session", token)


def token(area: str) -> str:
    """The token the request's cookie of this area carries ("" for none)."""
    return flask.request.cookies.get(AREAS[area][0], "")[:100]


def set_cookie(response: flask.Response, area: str, value: str, max_age: int | None = None) -> flask.Response:
    name, path = AREAS[area]
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Lax",
                        secure=flask.request.is_secure)
    return response


def clear_cookie(response: flask.Response, area: str) -> flask.Response:
    name, path = AREAS[area]
    response.delete_cookie(name, path=path, httponly=True, samesite="Lax", secure=flask.request.is_secure)
    return response


def start(ctx: Context, area: str, subject: str, password_hash: str, response: flask.Response) -> flask.Response:
    """A new session for ``subject`` (any session the request carried in this area ends: no fixation)."""
    end(ctx, area)
    value = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.db.session() as s:
        s.execute(delete(PageSession).where(PageSession.seen_at < now - timedelta(days=2)))   # old rows go
        s.add(PageSession(digest=_digest(ctx, value), area=area, subject=subject,
                          stamp=stamp(ctx, password_hash), created_at=now, seen_at=now))
    return set_cookie(response, area, value)


def current(ctx: Context, area: str) -> Current | None:
    """The request's live session of this area, or None (unknown, ended, idle or too old)."""
    value = token(area)
    if not value:
        return None
    digest, now = _digest(ctx, value), ctx.clock.now()
    with ctx.db.read() as s:
        row = s.execute(select(PageSession.subject, PageSession.stamp, PageSession.created_at, PageSession.seen_at)
                        .where(PageSession.digest == digest, PageSession.area == area)).first()
    if row is None:
        return None
    settings = ctx.settings
    if now - as_utc(row.seen_at) > timedelta(minutes=settings.page_idle_minutes) or \
            now - as_utc(row.created_at) > timedelta(hours=settings.page_absolute_hours):
        end(ctx, area)
        return None
    if (now - as_utc(row.seen_at)).total_seconds() > TOUCH_SECONDS:
        with ctx.db.session() as s:
            s.execute(update(PageSession).where(PageSession.digest == digest).values(seen_at=now))
    return Current(row.subject, row.stamp)


def end(ctx: Context, area: str) -> None:
    value = token(area)
    if value:
        with ctx.db.session() as s:
            s.execute(delete(PageSession).where(PageSession.digest == _digest(ctx, value)))


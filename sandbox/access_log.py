"""The access log, as a gateway operator expects one: one line per request with the method, the route
*template* (``/portal/giao-dich/<transaction_id>``, never the path itself, whose segments can be share codes or
identifiers, nor the query string, which can carry tokens or birth dates), the status, the time taken and the
facility that made the call when it is known. Nothing personal: no address, no card, no name, no token.

    skdt.access method=POST route=/api/qd130/guiHoSoXmlQD3176 status=200 ms=12.4 facility=58001

The facility is noted by whoever authenticated the call (``note_facility``): the gateway's token check, the
facility portal's page session. Logged at INFO on the ``skdt.access`` logger; ``SANDBOX_ACCESS_LOG=false``
turns it off."""

from __future__ import annotations

import contextvars
import logging
import re
import time

log = logging.getLogger("skdt.access")
CURRENT: contextvars.ContextVar[dict | None] = contextvars.ContextVar("skdt_access", default=None)
SLASHES = re.compile(r"/{2,}")


def note_facility(code: str) -> None:
    """Called where a caller is authenticated: the request's log line names its facility."""
    holder = CURRENT.get()
    if holder is None:   # inside Flask (a2wsgi's threads do not carry the context): the ASGI scope
        try:
            import flask
            holder = flask.request.environ.get("asgi.scope", {}).get("skdt.access") if flask.has_request_context() else None
        except RuntimeError:
            holder = None
    if holder is not None:
        holder["facility"] = code


class AccessLog:
    """Outermost ASGI middleware: times the request and logs its line once the answer has started."""

    def __init__(self, app, flask_app, settings):
        self.app, self.flask_app, self.enabled = app, flask_app, settings.access_log

    def route(self, method: str, path: str) -> str:
        try:
            rule, _ = self.flask_app.url_map.bind("sandbox").match(SLASHES.sub("/", path) or "/", method=method,
                                                                   return_rule=True)
            return rule.rule
        except Exception:  # noqa: BLE001 - not found, wrong method, a redirect: no template to name
            return "(không khớp tuyến)"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.enabled or not log.isEnabledFor(logging.INFO):
            return await self.app(scope, receive, send)
        holder: dict = {}
        scope["skdt.access"] = holder
        token = CURRENT.set(holder)
        started, status = time.perf_counter(), [0]

        async def sending(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            CURRENT.reset(token)
            log.info("method=%s route=%s status=%s ms=%.1f facility=%s", scope["method"],
                     self.route(scope["method"], scope.get("path", "")), status[0] or 500,
                     (time.perf_counter() - started) * 1000, holder.get("facility", "-"))

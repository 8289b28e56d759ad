"""Shared rendering of gateway answers and access to the runtime context from handlers."""

from __future__ import annotations

import functools
import json
import logging

import flask

from .. import explain
from ..clock import wire_time
from ..context import Context
from ..errors import SandboxError
from ..result_codes import ResultCode, info

log = logging.getLogger(__name__)


def context() -> Context:
    return flask.current_app.extensions["skdt"]


def client_ip() -> str | None:
    return caller_ip(context().settings, flask.request.headers, flask.request.remote_addr)


def caller_ip(settings, headers, remote_addr: str | None) -> str | None:
    """The caller's address: the first X-Forwarded-For hop behind a trusted proxy, else the peer's."""
    if settings.trust_forwarded_for:
        forwarded = headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return remote_addr


def refusal_body(code: ResultCode | str, message_vi: str, message_en: str, when=None) -> dict:
    entry = info(code)
    body = {"maKetQua": entry.family, "maLoi": entry.code, "maGiaoDich": None,
            "thongDiep": message_vi, "thongDiepEn": message_en}
    if when is not None:
        body["thoiGianTiepNhan"] = wire_time(when)
    return body


GATEWAY_PREFIX = "/api/"


def refusal_status(code: ResultCode | str, settings, path: str = GATEWAY_PREFIX) -> int:
    """HTTP status of a refusal.  The gateway's own calls answer HTTP 200 with the refusal in
    ``maKetQua`` (the official guides describe every answer as JSON, and HIS clients read the body
    only on 2xx) unless ``errors_as_http_200`` is off; the sandbox's own APIs keep REST statuses."""
    if path.startswith(GATEWAY_PREFIX) and settings.errors_as_http_200:
        return 200
    return info(code).http_status


def answer_errors(fn):
    """Turn a SandboxError raised by a handler into the gateway's refusal shape."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SandboxError as exc:
            # the route, not the path: paths carry share codes and transaction ids
            route = flask.request.url_rule.rule if flask.request.url_rule else "?"
            body, status = refused(context(), exc, route, flask.request.path)
            # Always JSON, even where the operation produces a PDF or a file (no PDF of key names).
            return flask.Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")
    return wrapper


def refused(ctx: Context, exc: SandboxError, route: str, path: str) -> tuple[dict, int]:
    """A handler's refusal: logged by route (never the path), explained to the portal when it has facts, and
    answered (body, HTTP status) — for answer_errors and for the fast path's handlers without Flask."""
    log.info("refused %s: %s", route, exc.code_info.code)
    if exc.facts is not None:
        explain.note(ctx, route, exc)
    body = refusal_body(exc.result_code, exc.message_vi, exc.message_en, ctx.clock.now())
    return body, refusal_status(exc.result_code, ctx.settings, path)


def header_seen(value, required_scopes=None):
    """x-apikeyInfoFunc of gateway.yaml's three header schemes: documentation for Swagger UI only — the
    handlers authenticate (with the gateway's codes), so connexion is told every header is acceptable."""
    return {"seen": True}

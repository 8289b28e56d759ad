"""Shared rendering of gateway answers and access to the runtime context from handlers."""

from __future__ import annotations

import functools
import logging

import flask

from ..clock import wire_time
from ..context import Context
from ..errors import SandboxError
from ..result_codes import ResultCode, info

log = logging.getLogger(__name__)


def context() -> Context:
    return flask.current_app.extensions["skdt"]


def client_ip() -> str | None:
    ctx = context()
    if ctx.settings.trust_forwarded_for:
        forwarded = flask.request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return flask.request.remote_addr


def refusal_body(code: ResultCode | str, message_vi: str, message_en: str, when=None) -> dict:
    entry = info(code)
    body = {"maKetQua": entry.family, "maLoi": entry.code, "maGiaoDich": None,
            "thongDiep": message_vi, "thongDiepEn": message_en}
    if when is not None:
        body["thoiGianTiepNhan"] = wire_time(when)
    return body


def refusal_status(code: ResultCode | str, settings) -> int:
    return 200 if settings.errors_as_http_200 else info(code).http_status


def answer_errors(fn):
    """Turn a SandboxError raised by a handler into the gateway's refusal shape."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SandboxError as exc:
            ctx = context()
            log.info("refused %s: %s", flask.request.path, exc.code_info.code)
            body = refusal_body(exc.result_code, exc.message_vi, exc.message_en, ctx.clock.now())
            return body, refusal_status(exc.result_code, ctx.settings)
    return wrapper

"""create_app(): the connexion FlaskApp with the gateway and admin specs, pages, and the worker."""

from __future__ import annotations

import json
import logging
import re

import connexion
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from starlette.exceptions import HTTPException

from .api.common import refusal_body, refusal_status
from .context import Context
from .result_codes import ResultCode
from .settings import Settings

log = logging.getLogger(__name__)
# Validation messages may quote submitted values (personal data): keep them out of the logs.
logging.getLogger("connexion.validators").setLevel(logging.CRITICAL)
logging.getLogger("connexion.operations").setLevel(logging.ERROR)


class BodyLimit:
    """ASGI middleware: refuse bodies over the limit with code 1001 before anything is parsed."""

    def __init__(self, app, limit: int, settings: Settings):
        self.app = app
        self.limit = limit
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._refuse(send)
        seen = 0

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        # Without Content-Length, the body is cut at the limit; the form then fails validation.
        return await self.app(scope, counting_receive, send)

    async def _refuse(self, send):
        limit_mb = self.limit / 1024 / 1024
        body = refusal_body(ResultCode.FILE_TOO_LARGE, f"tối đa {limit_mb:g} MB", f"at most {limit_mb:g} MB")
        data = json.dumps(body, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": refusal_status(ResultCode.FILE_TOO_LARGE, self.settings),
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})


_REQUIRED = re.compile(r"'(\w+)' is a required property")


def _vietnamese(detail: str) -> str:
    """Connexion/jsonschema details are English; say the common ones in Vietnamese too."""
    match = _REQUIRED.search(detail)
    if match:
        return f"thiếu trường {match.group(1)}"
    if "must not be empty" in detail:
        return "thiếu nội dung (body) của yêu cầu"
    if "Content-type" in detail or "Content-Type" in detail:
        return "Content-Type phải là application/x-www-form-urlencoded (token: hoặc application/json)"
    return detail


def _problem_handler(settings: Settings):
    def handle(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        status = getattr(exc, "status_code", None) or getattr(exc, "status", 500)
        detail = str(getattr(exc, "detail", "") or exc)
        if status in (401, 403) and request.url.path.startswith("/admin/"):
            code, vi, en = ResultCode.ADMIN_TOKEN_INVALID, "gửi header X-Admin-Token", "send the X-Admin-Token header"
        elif status == 404:
            code, vi, en = ResultCode.NOT_FOUND, f"không có đường dẫn {request.url.path}", f"no route {request.url.path}"
        elif status == 413:
            code, vi, en = ResultCode.FILE_TOO_LARGE, detail, detail
        elif 400 <= status < 500:
            code, vi, en = ResultCode.FIELD_MISSING, _vietnamese(detail), detail
        else:
            log.error("unhandled problem on %s: %s", request.url.path, type(exc).__name__)
            code, vi, en = ResultCode.SERVER_ERROR, "đề nghị gửi lại sau", "please retry later"
        body = refusal_body(code, vi, en)
        http = 405 if status == 405 else refusal_status(code, settings)
        return ConnexionResponse(status_code=http, body=json.dumps(body, ensure_ascii=False),
                                 content_type="application/json")
    return handle


def create_app(settings: Settings | None = None, *, ctx: Context | None = None,
               start_worker: bool | None = None) -> connexion.FlaskApp:
    ctx = ctx or Context.create(settings)
    settings = ctx.settings
    app = connexion.FlaskApp(__name__, specification_dir=str(settings.openapi_dir))
    app.add_api("gateway.yaml", strict_validation=False, validate_responses=False)
    app.add_api("admin.yaml", base_path="/admin/api", strict_validation=True)
    app.add_api("vneid.yaml", base_path="/vneid/api", strict_validation=False, validate_responses=False)
    flask_app = app.app
    flask_app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    flask_app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    flask_app.config["MAX_FORM_PARTS"] = 100
    flask_app.json.ensure_ascii = False
    flask_app.extensions["skdt"] = ctx
    flask_app.secret_key = settings.secret_key          # portal and VNeID page sessions
    flask_app.config["SESSION_COOKIE_HTTPONLY"] = True
    flask_app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    handler = _problem_handler(settings)
    for exc_type in (ProblemException, HTTPException):
        app.add_error_handler(exc_type, handler)
    for status in (400, 401, 403, 404, 405, 413, 415, 500):
        app.add_error_handler(status, handler)

    from .web.portal import blueprint as portal
    from .web.vneid_pages import blueprint as vneid_pages
    flask_app.register_blueprint(portal)
    flask_app.register_blueprint(vneid_pages)

    if start_worker is None:
        start_worker = settings.processing_mode == "background"
    if start_worker:
        from .pipeline.worker import Worker
        worker = Worker(ctx)
        flask_app.extensions["skdt_worker"] = worker
        worker.start()  # its first pass finishes whatever a previous run left unprocessed
    app.add_middleware(BodyLimit, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       limit=settings.max_request_bytes, settings=settings)
    return app

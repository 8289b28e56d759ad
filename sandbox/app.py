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

from .api.guards import BodyLimit, PathGuard, SecurityHeaders
from .api.common import refusal_body, refusal_status
from .api.forms import FormLimitExceeded, validator_map
from .context import Context
from .result_codes import ResultCode
from .settings import Settings
from .web.home import error_page, is_page

log = logging.getLogger(__name__)
# Validation messages may quote submitted values (personal data): keep them out of the logs.
logging.getLogger("connexion.validators").setLevel(logging.CRITICAL)
logging.getLogger("connexion.operations").setLevel(logging.ERROR)


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


PAGE_REASON = {404: "Không tìm thấy trang này", 405: "Trang này không nhận thao tác đó",
               413: "Dữ liệu gửi lên quá lớn", 500: "Hệ thống gặp lỗi, vui lòng thử lại sau"}


_LONG_VALUE = re.compile(r"""(['"])([^'"]{60})[^'"]{20,}\1""")


def shortened(detail: str, limit: int = 400) -> str:
    """A validator's message without the caller's long values (an oversized token is never echoed back)."""
    detail = _LONG_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(1)}", detail)
    return detail if len(detail) <= limit else detail[:limit] + "…"


def _allowed(flask_app, path: str) -> str:
    """Every method the resource at ``path`` answers (connexion's router names only the first route's).  Where a
    fixed path and a template both match (``/certificates/verify`` and ``/certificates/{certificate_id}``), the
    resource is the fixed one, as the router decides for the methods they share."""
    adapter = flask_app.url_map.bind("sandbox")
    path = re.sub(r"/{2,}", "/", path)
    found = {}
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except Exception:  # noqa: BLE001 - this method has no route here
            continue
        found[method] = len(rule.arguments)
    if not found:
        return ""
    fewest = min(found.values())
    methods = {m for m, n in found.items() if n == fewest}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _shadowed(flask_app) -> dict[str, str]:
    """Fixed paths that a template also matches for a method the fixed path does not answer, with the methods the
    fixed path does (``GET /conformance/api/certificates/verify`` would reach ``GET /certificates/{certificate_id}``):
    such a call is answered 405, as for any method the resource lacks."""
    out, adapter = {}, flask_app.url_map.bind("sandbox")
    for rule in flask_app.url_map.iter_rules():
        if rule.arguments or "<" in rule.rule:
            continue
        allow = _allowed(flask_app, rule.rule)
        for method in {m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m not in allow.split(", ")}:
            try:
                adapter.match(rule.rule, method=method)
            except Exception:  # noqa: BLE001 - no route for this method: the router answers 405 itself
                continue
            out[rule.rule] = allow
    return out


def _problem_handler(settings: Settings, flask_app=None):
    def handle(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        status = getattr(exc, "status_code", None) or getattr(exc, "status", 500)
        detail = shortened(str(getattr(exc, "detail", "") or exc))
        if isinstance(exc, FormLimitExceeded):
            status, detail = 400, f"form: {exc.message}"
        if status in (401, 403) and request.url.path.startswith("/admin/"):
            code, vi, en = ResultCode.ADMIN_TOKEN_INVALID, "gửi header X-Admin-Token", "send the X-Admin-Token header"
        elif status == 401:
            code, vi, en = ResultCode.UNAUTHENTICATED, "thiếu thông tin xác thực", "credentials missing"
        elif status == 404:
            code, vi, en = ResultCode.NOT_FOUND, f"không có đường dẫn {request.url.path}", f"no route {request.url.path}"
        elif status == 413:
            code, vi, en = ResultCode.FILE_TOO_LARGE, detail, detail
        elif isinstance(exc, FormLimitExceeded):
            code, vi, en = ResultCode.FIELD_MISSING, "form có quá nhiều trường", detail
        elif 400 <= status < 500:
            code, vi, en = ResultCode.FIELD_MISSING, getattr(exc, "vi", None) or _vietnamese(detail), detail
        else:
            log.error("unhandled problem (%s %s…): %s", request.method, request.url.path[:24], type(exc).__name__)
            code, vi, en = ResultCode.SERVER_ERROR, "đề nghị gửi lại sau", "please retry later"
        body = refusal_body(code, vi, en)
        http = 405 if status == 405 else refusal_status(code, settings, request.url.path)
        headers = {}
        allow = (getattr(exc, "headers", None) or {}).get("Allow") if status == 405 else None
        if status == 405 and flask_app is not None:
            allow = _allowed(flask_app, request.url.path) or allow
        if allow:
            headers["Allow"] = allow
        if is_page(request.url.path) and "text/html" in request.headers.get("accept", ""):
            reason = PAGE_REASON.get(status, vi)
            page = error_page(status if status >= 400 else 500, reason, en)
            return ConnexionResponse(status_code=page.status_code, body=page.get_data(), content_type="text/html",
                                     headers=headers)
        return ConnexionResponse(status_code=http, body=json.dumps(body, ensure_ascii=False),
                                 content_type="application/json", headers=headers)
    return handle


def _install_plugins(app, ctx: Context) -> None:
    """Packages that add APIs and pages (the conformance harness) register an entry point in the group
    ``skdt_sandbox.web``; the sandbox discovers them instead of importing them."""
    from importlib.metadata import entry_points
    for entry in entry_points(group="skdt_sandbox.web"):
        entry.load()(app, ctx)


def _large_body_allowed(ctx: Context):
    """Who may send a body over guards.LARGE_BODY: a caller with a live gateway token on /api/, the
    administrator on /admin/; nobody else (the pages and the other APIs take small bodies)."""
    import hmac
    from .auth import token_alive

    def allowed(path: str, headers: dict) -> bool:
        if path.startswith("/api/"):
            return token_alive(ctx, headers.get("accesstoken"), headers.get("tokenid"))
        if path.startswith("/admin/"):
            return hmac.compare_digest(headers.get("x-admin-token", "").encode(), ctx.settings.admin_token.encode())
        return False
    return allowed


def create_app(settings: Settings | None = None, *, ctx: Context | None = None,
               start_worker: bool | None = None) -> connexion.FlaskApp:
    ctx = ctx or Context.create(settings)
    settings = ctx.settings
    for warning in settings.warnings():
        log.warning(warning)
    app = connexion.FlaskApp(__name__, specification_dir=str(settings.openapi_dir))
    # Form fields up to the request limit (Starlette's default refuses any field over 1 MiB).
    app.add_api("gateway.yaml", strict_validation=False, validate_responses=False,
                validator_map=validator_map(settings.max_request_bytes))
    app.add_api("admin.yaml", base_path="/admin/api", strict_validation=True,
                validator_map=validator_map(settings.max_request_bytes))
    app.add_api("vneid.yaml", base_path="/vneid/api", strict_validation=False, validate_responses=False,
                validator_map=validator_map(settings.max_request_bytes))
    flask_app = app.app
    flask_app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    flask_app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    flask_app.config["MAX_FORM_PARTS"] = 100
    flask_app.json.ensure_ascii = False
    flask_app.extensions["skdt"] = ctx
    flask_app.secret_key = settings.secret_key          # portal and VNeID page sessions
    flask_app.config["SESSION_COOKIE_HTTPONLY"] = True
    flask_app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    handler = _problem_handler(settings, flask_app)
    for exc_type in (ProblemException, HTTPException, FormLimitExceeded):
        app.add_error_handler(exc_type, handler)
    for status in (400, 401, 403, 404, 405, 413, 415, 500):
        app.add_error_handler(status, handler)

    from .web import csrf
    csrf.install(flask_app, settings)
    from .web.portal import blueprint as portal
    from .web.vneid_pages import blueprint as vneid_pages
    flask_app.register_blueprint(portal)
    flask_app.register_blueprint(vneid_pages)
    from .web.home import blueprint as home
    flask_app.register_blueprint(home)
    from .documents import blueprint as documents
    flask_app.register_blueprint(documents)
    _install_plugins(app, ctx)

    if start_worker is None:
        start_worker = settings.processing_mode == "background"
    if start_worker:
        from .pipeline.worker import Worker
        worker = Worker(ctx)
        flask_app.extensions["skdt_worker"] = worker
        worker.start()  # its first pass finishes whatever a previous run left unprocessed
    from .access_log import AccessLog   # outermost: it times everything and sees the final status
    app.add_middleware(AccessLog, position=MiddlewarePosition.BEFORE_EXCEPTION, flask_app=flask_app, settings=settings)
    app.add_middleware(BodyLimit, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       limit=settings.max_request_bytes, settings=settings, allowed=_large_body_allowed(ctx))
    app.add_middleware(PathGuard, position=MiddlewarePosition.BEFORE_EXCEPTION, settings=settings,
                       shadowed=lambda: _shadowed(flask_app))
    app.add_middleware(SecurityHeaders, position=MiddlewarePosition.BEFORE_EXCEPTION, settings=settings)
    from .api.fastpath import FastPath   # inside the two guards: it sees complete, bounded bodies
    app.add_middleware(FastPath, position=MiddlewarePosition.BEFORE_EXCEPTION, flask_app=flask_app, settings=settings)
    # the code lists a first card look-up would otherwise load (the administrative units take a moment
    # on a 2-core machine), loaded with the app: cached per process, so a HIS's first call does not wait
    from .reference.codelists import provinces
    provinces()
    return app
